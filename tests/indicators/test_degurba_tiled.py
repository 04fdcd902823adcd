"""The out-of-core classification equals the in-memory one, cell for cell.

Small grids with tiles smaller than a centre, a gap or the 2 km buffer, so that every rule is cut
by tile edges; the real Belgium grid; and (with ``STATMETHODS_LARGE_TESTS=1``) a 10-million-cell
tiling of Belgium at tile size 512.
"""

import os

import numpy as np
import pytest
import rioxarray

from statmethods.indicators.degurba import classify_grid
from statmethods.indicators.degurba.tiled import classify_tiled as _classify_tiled
from statmethods.indicators.degurba.tiles import Tiles, join_labels, label_tile


def synthetic(seed: int, shape: tuple[int, int]):
    """A lognormal background with Gaussian towns, some cells without data, some water, built-up."""
    rng = np.random.default_rng(seed)
    h, w = shape
    pop = rng.lognormal(2.0, 1.5, shape)
    yy, xx = np.mgrid[0:h, 0:w]
    for _ in range(h * w // 150):
        y, x, r, peak = rng.integers(0, h), rng.integers(0, w), rng.uniform(1, 4), rng.lognormal(7.5, 0.8)
        pop += peak * np.exp(-((yy - y) ** 2 + (xx - x) ** 2) / (2 * r * r))
    pop[rng.random(shape) < 0.03] = np.nan
    land = np.where(rng.random(shape) < 0.1, rng.uniform(0, 1e6, shape), 1e6)
    built = rng.uniform(0, 0.3, shape) * land
    return pop, land, built


def classify_tiled(*args, **kw):
    """One thread: the tiny tiles here would spend their time in task overhead."""
    return _classify_tiled(*args, scheduler=kw.pop("scheduler", "synchronous"), **kw)


def assert_same(a, b):
    np.testing.assert_array_equal(np.asarray(b.level1), a.level1)
    np.testing.assert_array_equal(np.asarray(b.level2), a.level2)


@pytest.mark.parametrize("rule_set", ["ghsl-2024", "manual-2021"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_equals_in_memory_on_synthetic_grids(seed, rule_set, tmp_path):
    pop, land, built = synthetic(seed, (45, 58))
    kw = {"rule_set": rule_set, "require_1km": False, "centre_population": 20_000.0}
    a = classify_grid(pop, land, built, **kw)
    assert (a.level1 == 3).sum() > 20 and (a.level2 == 22).any() | (a.level2 == 21).any()
    for tile in (7, 1000):  # smaller than the smoothing halo and the gaps, and one tile
        assert_same(a, classify_tiled(pop, land, built, tile_size=tile, scheduler="synchronous",
                                      workdir=str(tmp_path / f"t{tile}"), **kw))


@pytest.mark.parametrize("rule_set", ["ghsl-2024", "manual-2021"])
def test_gap_and_buffer_across_tile_edges(rule_set):
    pop = np.full((30, 30), 10.0)
    pop[5:20, 5:20] = 4000.0
    pop[10:13, 10:12] = 5.0  # a 6-cell gap cut by the tile edges at 9/12
    pop[23, 2:8] = 1000.0  # a small town 3 cells below the centre (inside or outside the buffer)
    a = classify_grid(pop, require_1km=False, rule_set=rule_set)
    assert (a.level1[10:13, 10:12] == 3).all()
    for tile in (4, 9):
        assert_same(a, classify_tiled(pop, tile_size=tile, require_1km=False, rule_set=rule_set))


def test_majority_smoothing_ties_between_centres_across_edges():
    pop = np.full((20, 20), 0.0)
    pop[2:9, 2:9] = 2000.0
    pop[11:18, 2:9] = 2000.0  # two centres one row apart: the row between is a tie
    pop[9:11, 2:9] = 100.0
    kw = {"require_1km": False, "rule_set": "manual-2021", "centre_population": 40_000.0}
    a = classify_grid(pop, **kw)
    for tile in (4, 10):
        assert_same(a, classify_tiled(pop, tile_size=tile, **kw))


def test_tables_match_the_in_memory_result():
    pop, land, built = synthetic(3, (40, 40))
    a = classify_grid(pop, land, built, rule_set="ghsl-2024", require_1km=False)
    b = classify_tiled(pop, land, built, rule_set="ghsl-2024", require_1km=False, tile_size=7)
    for level in (1, 2):
        np.testing.assert_allclose(b.table(level)["population"], a.table(level)["population"])
        assert (b.table(level)["cells"] == a.table(level)["cells"]).all()
    assert sorted(b.centres["population"].round(6)) == sorted(a.centres()["population"].round(6))
    assert b.clusters["cells"].sum() >= (a.level1 == 2).sum() > 0


def test_labels_join_across_tile_edges_including_corners():
    mask = np.zeros((4, 4), bool)
    mask[1, 1] = mask[2, 2] = True  # diagonal neighbours in four different tiles of 2
    tiles = Tiles((4, 4), 2)
    parts = [label_tile(mask[w.rows, w.cols], 8, np.ones((2, 2))) for w in tiles]
    roots, sums = join_labels(tiles, parts, 8)
    assert sums.max() == 2.0
    parts4 = [label_tile(mask[w.rows, w.cols], 4, np.ones((2, 2))) for w in tiles]
    assert join_labels(tiles, parts4, 4)[1].max() == 1.0


def test_refuses_bad_values_like_the_in_memory_code():
    pop = np.full((6, 6), 10.0)
    pop[0, 0] = -1.0
    with pytest.raises(ValueError, match="negative"):
        classify_tiled(pop, tile_size=3, require_1km=False)
    with pytest.raises(ValueError, match="entirely no-data"):
        classify_tiled(np.full((4, 4), np.nan), tile_size=3, require_1km=False)


@pytest.fixture(scope="module")
def belgium():
    from statmethods import data

    def load(name):
        return rioxarray.open_rasterio(data.path(f"ghsl-belgium/{name}.tif"), masked=True).squeeze(drop=True)

    return load("POP"), load("LAND"), load("BUILT_S")


@pytest.mark.parametrize("rule_set", ["ghsl-2024", "manual-2021"])
def test_belgium_files_tiled_equal_in_memory(belgium, rule_set):
    from statmethods import data

    a = classify_grid(*belgium, rule_set=rule_set)
    paths = [str(data.path(f"ghsl-belgium/{n}.tif")) for n in ("POP", "LAND", "BUILT_S")]
    assert_same(a, classify_tiled(*paths, rule_set=rule_set, tile_size=37))


@pytest.mark.skipif(os.environ.get("STATMETHODS_LARGE_TESTS") != "1",
                    reason="10-million-cell test (about a minute and 3 GB): set STATMETHODS_LARGE_TESTS=1")
@pytest.mark.parametrize("rule_set", ["ghsl-2024", "manual-2021"])
def test_ten_million_cells_tiled_at_512_equal_in_memory(belgium, rule_set):
    pop, land, built = (np.tile(a.values, (12, 13)) for a in belgium)  # 2,628 x 3,939 = 10.35M cells
    assert pop.size > 10_000_000
    a = classify_grid(pop, land, built, rule_set=rule_set)
    assert_same(a, classify_tiled(pop, land, built, rule_set=rule_set, tile_size=512))
