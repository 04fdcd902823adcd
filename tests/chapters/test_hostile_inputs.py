"""Cross-cutting hostile inputs (issue 21, item 7): broken params files, readers, valid oddities.

Chapter-specific relations are in the bad-input tables (`bad_inputs/<chapter>.py`); the runner's
data-loss cases (`--force`, symlinks, the lock) are in `test_runner_safety.py`.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from statmethods import inputs
from statmethods.chapters import get_chapter, validate_parameters
from statmethods.chapters.params import load_params_file
from statmethods.cli import app
from statmethods.validation import BadInputError

ROOT = Path(__file__).resolve().parents[2]
LAUGHS = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True))


def _run(tmp_path, monkeypatch, *args):
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(app, ["run", "area-accuracy", *args, "--output", "out"])
    return res.exit_code, res.output


@pytest.mark.parametrize(("content", "phrase"), [
    (LAUGHS, "expands to more than"),                       # 1 KB billion laughs
    ("a: " + "[" * 200 + "]" * 200 + "\n", "nests lists or mappings"),  # deeply nested YAML
    ("a: " + "[" * 5000 + "\n", "nests lists or mappings"),  # deep and broken
])
def test_params_file_bombs_are_named_fast(tmp_path, monkeypatch, content, phrase):
    assert len(content.encode()) < 12_000
    (tmp_path / "p.yaml").write_text(content, encoding="utf-8")
    t0 = time.monotonic()
    code, text = _run(tmp_path, monkeypatch, "--params-file", "p.yaml")
    assert time.monotonic() - t0 < 10
    assert code == 2 and phrase in text and "Fix:" in text and "Traceback" not in text, text
    assert not (tmp_path / "out").exists()


def test_yaml_merge_keys_are_accepted(tmp_path):
    p = tmp_path / "p.yaml"
    p.write_text("base: &base {a: 1}\nmine:\n  <<: *base\n  b: 2\n", encoding="utf-8")
    assert load_params_file(p)["mine"] == {"a": 1, "b": 2}


def test_empty_string_means_none_where_the_comment_says_so():
    ch = get_chapter("area-accuracy", ROOT)
    assert validate_parameters(ch, {"sample_file": ""})["sample_file"] == ""


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp949", "euc-kr"])
def test_every_listed_encoding_is_read_with_bom_and_crlf(tmp_path, encoding):
    f = tmp_path / "t.csv"
    f.write_bytes("지역,n\r\n01,3\r\n02,4\r\n".encode(encoding))
    df = inputs.read_table(f, "table_file", codes=["지역"], numeric=["n"], encoding="auto")
    assert list(df.columns) == ["지역", "n"] and df["지역"].tolist() == ["01", "02"]


def test_ids_are_read_as_text_with_empty_cells(tmp_path):
    f = tmp_path / "t.csv"
    f.write_text("rec_id,date_of_birth,postcode\na1,19151111,02110\na2,,\n", encoding="utf-8")
    df = inputs.read_table(f, "file_a", codes=["rec_id", "date_of_birth", "postcode"])
    assert df["date_of_birth"].tolist()[0] == "19151111" and df["postcode"].tolist()[0] == "02110"


@pytest.mark.parametrize(("text", "phrase"), [
    ("area,y\n01,1\n02,inf\n", "infinite"),
    ("area,y\n01,1\n01,2\n02,3\n", "given 2 times with different values"),
])
def test_reader_refuses_inf_and_conflicting_codes(tmp_path, text, phrase):
    f = tmp_path / "t.csv"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(BadInputError, match=phrase) as exc:
        inputs.read_table(f, "fh_file", numeric=["y"], key=["area"])
    assert "Fix:" in str(exc.value)


def test_a_failed_download_leaves_no_cache_folder(tmp_path, monkeypatch):
    import importlib

    fetch = importlib.import_module("statmethods.data.fetch")
    cache = tmp_path / "no" / "such" / "cache"
    f = None  # the fake download below never reads it
    monkeypatch.setattr(fetch, "_fetch_into", lambda *a, **k: (_ for _ in ()).throw(OSError("offline")))
    with pytest.raises(OSError):
        fetch._download(f, cache / "ds" / "file.csv")
    assert not (tmp_path / "no").exists()
