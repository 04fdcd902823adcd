"""``statmethods degurba``: the COG equals the in-memory classification; bad inputs stop before any work."""

import os
import shutil

import numpy as np
import pytest
import rasterio
import rioxarray
from click.testing import CliRunner

from statmethods.cli import app
from statmethods.indicators.degurba import classify_grid


@pytest.fixture(scope="module")
def files():
    from statmethods import data

    return [str(data.path(f"ghsl-belgium/{n}.tif")) for n in ("POP", "BUILT_S", "LAND")]


def run(*args):
    return CliRunner().invoke(app, ["degurba", *map(str, args)])


def test_writes_a_cog_with_both_levels_and_two_tables_only(files, tmp_path):
    out = tmp_path / "grid.tif"
    r = run(*files, "--rule-set", "manual-2021", "--out", out, "--tile-size", 64, "--centre-density", 1400)
    assert r.exit_code == 0, r.output
    assert sorted(os.listdir(tmp_path)) == ["grid.tif", "grid_centres.csv", "grid_clusters.csv"]
    pop, built, land = (rioxarray.open_rasterio(f, masked=True).squeeze(drop=True) for f in files)
    expected = classify_grid(pop, land, built, rule_set="manual-2021", centre_density=1400.0)
    with rasterio.open(out) as src:
        assert src.count == 2 and src.profile["tiled"] and src.compression.name.lower() == "deflate"
        assert src.crs == pop.rio.crs and src.transform.almost_equals(pop.rio.transform())
        np.testing.assert_array_equal(src.read(1), expected.level1)
        np.testing.assert_array_equal(src.read(2), expected.level2)
    assert f"{expected.n_urban_centres} urban centres" in r.output


def test_refuses_misaligned_inputs_before_any_work(files, tmp_path):
    shifted = tmp_path / "land_shifted.tif"
    with rasterio.open(files[2]) as src:
        prof, values = src.profile, src.read()
    prof["transform"] = prof["transform"] @ rasterio.Affine.translation(1, 0)
    with rasterio.open(shifted, "w", **prof) as dst:
        dst.write(values)
    before = set(os.listdir(tmp_path))
    r = run(files[0], files[1], shifted, "--out", tmp_path / "grid.tif")
    assert r.exit_code != 0 and "not on the population grid" in r.output and "origin" in r.output
    assert set(os.listdir(tmp_path)) == before


def test_never_overwrites_without_force(files, tmp_path):
    out = tmp_path / "grid.tif"
    out.write_bytes(b"mine")
    r = run(*files, "--out", out)
    assert r.exit_code != 0 and "already exist" in r.output and out.read_bytes() == b"mine"
    assert run(*files, "--out", out, "--force", "--tile-size", 128).exit_code == 0
    with rasterio.open(out) as src:
        assert src.count == 2


def test_refuses_a_tile_larger_than_the_memory_limit(files, tmp_path):
    r = run(*files, "--out", tmp_path / "g.tif", "--tile-size", 4096, "--memory-limit", "100MB")
    assert r.exit_code != 0 and "smaller --tile-size" in r.output
    assert os.listdir(tmp_path) == []


def test_unknown_file_is_named(files, tmp_path):
    r = run(tmp_path / "nope.tif", files[1], files[2], "--out", tmp_path / "g.tif")
    assert r.exit_code != 0
    shutil.rmtree(tmp_path, ignore_errors=True)
