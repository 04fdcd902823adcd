"""Degree of Urbanisation rules on small hand-made grids whose answer is known by construction.

Each grid is drawn so that one rule of the manual (European Commission et al. 2021, chapter 2)
decides the outcome; the expected classes are written out by hand, not taken from the code.
"""

import numpy as np
import pandas as pd
import pytest
import rioxarray  # noqa: F401  (registers the .rio accessor)
import xarray as xr

from statmethods.indicators.degurba import (
    NODATA,
    DegurbaParameters,
    classify_grid,
    classify_units,
    fill_gaps,
    majority_smoothing,
    population_clusters,
)

NO_SMOOTH = {"smoothing": "none", "gap_fill": False, "require_1km": False}


def grid(shape=(12, 12), fill=0.0):
    return np.full(shape, fill, dtype=float)


# ---------------------------------------------------------------- thresholds
def test_urban_centre_density_threshold_is_inclusive_at_1500():
    pop = grid()
    pop[3:6, 3:6] = 1500.0  # 9 cells at exactly 1,500/km²: 13,500 inhabitants
    r = classify_grid(pop, centre_population=13_500, **NO_SMOOTH)
    assert (r.level1[3:6, 3:6] == 3).all()
    pop[4, 4] = 1499.0  # one cell below the threshold splits nothing but drops its population
    r = classify_grid(pop, centre_population=13_500, **NO_SMOOTH)
    assert r.level1[4, 4] != 3
    assert (r.level1[3:6, 3:6] != 3).all()  # the rest holds 12,000 < 13,500


def test_urban_centre_needs_50000_inhabitants():
    pop = grid()
    pop[2:7, 2:7] = 1999.0  # 25 cells, 49,975 inhabitants
    assert not (classify_grid(pop, **NO_SMOOTH).level1 == 3).any()
    pop[2, 2] = 2024.0  # now exactly 50,000
    r = classify_grid(pop, **NO_SMOOTH)
    assert (r.level1[2:7, 2:7] == 3).all() and r.n_urban_centres == 1


def test_urban_cluster_thresholds_300_and_5000():
    pop = grid()
    pop[1:3, 1:9] = 312.5  # 16 cells x 312.5 = 5,000: an urban cluster
    pop[6:8, 1:9] = 299.0  # below 300/km²: rural
    pop[10, 1:9] = 600.0  # dense enough but only 4,800 inhabitants: rural
    r = classify_grid(pop, **NO_SMOOTH)
    assert (r.level1[1:3, 1:9] == 2).all()
    assert (r.level1[6:8, 1:9] == 1).all()
    assert (r.level1[10, 1:9] == 1).all()


# -------------------------------------------------------------- connectivity
def test_urban_centres_use_4_connectivity_not_diagonals():
    pop = grid()
    pop[1:5, 1:5] = 2000.0  # 16 cells, 32,000
    pop[5:9, 5:9] = 2000.0  # touches the first block only at a corner: 32,000
    r4 = classify_grid(pop, **NO_SMOOTH)
    assert not (r4.level1 == 3).any()
    r8 = classify_grid(pop, centre_connectivity=8, **NO_SMOOTH)
    assert (r8.level1[1:5, 1:5] == 3).all() and (r8.level1[5:9, 5:9] == 3).all()
    # the same blocks do form one urban cluster, which joins diagonals
    assert (r4.level1[1:5, 1:5] == 2).all() and (r4.level1[5:9, 5:9] == 2).all()


def test_urban_clusters_use_8_connectivity():
    pop = grid()
    pop[1:3, 1:3] = 700.0  # 2,800
    pop[3:5, 3:5] = 700.0  # 2,800, diagonal contact only
    assert (classify_grid(pop, **NO_SMOOTH).level1[1:5, 1:5][pop[1:5, 1:5] > 0] == 2).all()
    r4 = classify_grid(pop, cluster_connectivity=4, **NO_SMOOTH)
    assert (r4.level1[pop > 0] == 1).all()


def test_population_clusters_labels_and_sums():
    mask = np.array([[1, 1, 0, 0], [0, 0, 0, 1], [1, 0, 0, 1]], bool)
    pop = np.array([[5, 5, 0, 0], [0, 0, 0, 3], [9, 0, 0, 3]], float)
    lab = population_clusters(mask, pop, 9, 4)
    # clusters: {(0,0),(0,1)}=10, {(1,3),(2,3)}=6, {(2,0)}=9
    assert lab[0, 0] == lab[0, 1] > 0 and lab[2, 0] > 0 and lab[1, 3] == 0
    with pytest.raises(ValueError, match="4 or 8"):
        population_clusters(mask, pop, 1, 6)


# ---------------------------------------------------------- built-up criterion
def test_built_up_criterion_bridges_two_dense_blocks():
    pop = grid((7, 13))
    pop[1:6, 1:6] = 1600.0  # dense: 25 cells, 40,000
    pop[1:6, 7:12] = 1600.0  # dense: 40,000
    pop[3, 6] = 100.0  # the bridge: sparse population ...
    built = np.zeros(pop.shape)
    built[3, 6] = 600_000.0  # ... but 60 % built up (e.g. a station or shopping centre)
    with_b = classify_grid(pop, built=built, **NO_SMOOTH)
    assert with_b.level1[3, 6] == 3 and with_b.n_urban_centres == 1
    without = classify_grid(pop, built=built, built_criterion=False, **NO_SMOOTH)
    assert without.n_urban_centres == 0
    higher = classify_grid(pop, built=built, built_threshold=0.7, **NO_SMOOTH)
    assert higher.n_urban_centres == 0


def test_built_up_share_is_of_permanent_land():
    pop = grid((5, 12))
    pop[1:4, 0:5] = 1700.0  # 15 cells: 25,500
    pop[1:4, 6:11] = 1700.0
    pop[2, 5] = 50.0
    built = np.zeros(pop.shape)
    land = np.full(pop.shape, 1e6)
    built[2, 5] = 300_000.0  # 30 % of the cell ...
    land[2, 5] = 500_000.0  # ... but 60 % of its permanent land
    r = classify_grid(pop, land=land, built=built, **NO_SMOOTH)
    assert r.level1[2, 5] == 3


# ------------------------------------------------------------------ gap filling
def _ring(hole_h, hole_w, value=5000.0):
    h, w = hole_h + 6, hole_w + 6
    pop = grid((h, w))
    pop[2:h - 2, 2:w - 2] = value
    pop[3:3 + hole_h, 3:3 + hole_w] = 0.0
    return pop


@pytest.mark.parametrize(("hole", "filled"), [((3, 3), True), ((2, 7), True), ((3, 5), False),
                                              ((4, 4), False)])
def test_gaps_below_15_km2_are_filled(hole, filled):
    pop = _ring(*hole)
    r = classify_grid(pop, smoothing="none", require_1km=False)
    inside = r.level1[3:3 + hole[0], 3:3 + hole[1]]
    assert (inside == 3).all() == filled
    assert filled or (inside != 3).all()


def test_gap_threshold_is_a_parameter_and_scales_with_cell_area():
    pop = _ring(4, 4)  # 16 cells
    assert (classify_grid(pop, smoothing="none", max_gap_km2=17, require_1km=False).level1[4, 4] == 3)
    # with 2 km cells a 16-cell gap is 64 km²
    r = classify_grid(pop * 4, smoothing="none", max_gap_km2=60, cell_size_m=2000, require_1km=False)
    assert r.level1[4, 4] != 3


def test_gap_with_nodata_or_open_to_the_edge_is_not_filled():
    pop = _ring(3, 3)
    pop[4, 4] = np.nan
    r = classify_grid(pop, smoothing="none", require_1km=False)
    assert r.level1[4, 4] == NODATA and r.level1[3, 3] != 3
    lab = np.ones((5, 5), int)
    lab[2, 0:3] = 0  # a notch open to the left edge
    assert (fill_gaps(lab, 15)[2, 0:3] == 0).all()


# ------------------------------------------------------------- majority smoothing
def test_majority_rule_adds_cells_with_five_of_eight_neighbours_iteratively():
    lab = np.zeros((7, 7), int)
    lab[3:7, 0:7] = 1  # a block ...
    lab[3:5, 3] = 0  # ... with a notch one cell wide and two deep
    # (4,3): 7 of 8 neighbours in the centre -> added in pass 1
    # (3,3): 4 neighbours in pass 1, 5 once (4,3) has joined -> added in pass 2
    # (2,3): only the 3 cells below it -> stays out
    out = majority_smoothing(lab)
    assert out[4, 3] == 1 and out[3, 3] == 1
    assert out[2, 3] == 0
    one_pass = majority_smoothing(lab, max_iter=1)
    assert one_pass[4, 3] == 1 and one_pass[3, 3] == 0


def test_majority_rule_threshold_is_a_parameter_and_ties_add_nothing():
    lab = np.zeros((3, 5), int)
    lab[:, 0:2] = 1
    lab[:, 3:5] = 2  # column 2 touches 3 cells of each centre on the middle row
    assert (majority_smoothing(lab, majority_min=3)[:, 2] == 0).all()  # tie 3 vs 3 at row 1
    lab[1, 3] = 0
    out = majority_smoothing(lab, majority_min=3)
    assert out[1, 2] == 1 and out[1, 3] == 2


def test_smoothing_inside_classify_grid():
    pop = grid((9, 13))
    pop[2:8, 1:12] = 1600.0  # 66 cells: 105,600
    pop[2:4, 6] = 0.0  # notch two deep from the top edge of the block
    off = classify_grid(pop, smoothing="none", gap_fill=False, require_1km=False)
    on = classify_grid(pop, gap_fill=False, require_1km=False)
    assert off.level1[3, 6] != 3 and on.level1[3, 6] == 3 and on.level1[2, 6] == 3


# ----------------------------------------------------------------------- water
def test_water_cells_need_little_land_no_people_no_buildings():
    pop = grid((3, 4), 20.0)
    land = np.full(pop.shape, 1e6)
    built = np.zeros(pop.shape)
    pop[0, 0], land[0, 0] = 0.0, 3e5  # water
    pop[0, 1], land[0, 1] = 1.0, 3e5  # one resident: not water
    pop[0, 2], land[0, 2] = 0.0, 6e5  # mostly land: not water
    pop[0, 3], land[0, 3], built[0, 3] = 0.0, 3e5, 10.0  # a pier: not water
    r = classify_grid(pop, land=land, built=built, **NO_SMOOTH)
    assert list(r.level1[0]) == [0, 1, 1, 1]
    assert list(r.level2[0]) == [10, 11, 11, 11]  # densities 0 to 3.3 per km²: very low


def test_ghsl_2023_smoothing_never_adds_water():
    pop = grid((7, 7))
    land = np.full(pop.shape, 1e6)
    pop[3:7, :] = 4000.0
    pop[3, 3] = 0.0
    land[3, 3] = 1e5  # a lake cell in a notch
    common = {"gap_fill": False, "require_1km": False, "built": np.zeros(pop.shape)}
    assert classify_grid(pop, land=land, smoothing="five_of_eight", **common).level1[3, 3] == 3
    assert classify_grid(pop, land=land, smoothing="ghsl_2023", **common).level1[3, 3] == 0


# ---------------------------------------------------------------------- level 2
def test_level2_dense_semidense_suburban_rural_clusters():
    pop = grid((20, 30))
    pop[1:5, 1:5] = 4000.0  # 64,000: urban centre
    pop[1:5, 5:8] = 400.0  # moderate cells next to it: suburban
    pop[10:13, 1:3] = 1600.0  # 6 cells, 9,600: dense urban cluster (below 50,000)
    pop[15:19, 20:27] = 400.0  # 28 cells, 11,200, far away: semi-dense urban cluster
    pop[1:3, 24:26] = 350.0  # 4 cells, 1,400: rural cluster (village)
    pop[8, 20] = 100.0  # low density rural
    pop[8, 26] = 10.0  # very low density rural
    r = classify_grid(pop, **NO_SMOOTH)
    assert (r.level2[1:5, 1:5] == 30).all()
    assert (r.level2[1:5, 5:8] == 21).all()
    assert (r.level2[10:13, 1:3] == 23).all()
    assert (r.level2[15:19, 20:27] == 22).all()
    assert (r.level2[1:3, 24:26] == 13).all()
    assert r.level2[8, 20] == 12 and r.level2[8, 26] == 11
    # level 2 nests in level 1
    assert (r.level1[np.isin(r.level2, [23, 22, 21])] == 2).all()
    assert (r.level1[np.isin(r.level2, [13, 12, 11])] == 1).all()


def test_semi_dense_cluster_within_2_km_of_a_dense_cluster_is_suburban():
    pop = grid((8, 20))
    pop[2:5, 1:3] = 1800.0  # dense urban cluster, 10,800
    pop[2:6, 5:10] = 400.0  # 20 cells, 8,000; gap of 2 cells (2 km) to the dense cluster
    r = classify_grid(pop, **NO_SMOOTH)
    assert (r.level2[2:6, 5:10] == 22).all()  # edge-to-edge gap 2 km: at least 2 km away
    r3 = classify_grid(pop, semi_dense_buffer_km=3.0, **NO_SMOOTH)
    assert (r3.level2[2:6, 5:10] == 21).all()


# ------------------------------------------------------------- input checking
def _da(values, res=1000.0, crs="ESRI:54009"):
    h, w = values.shape
    x = np.arange(w) * res + res / 2
    y = -np.arange(h) * res - res / 2
    return xr.DataArray(values, dims=("y", "x"), coords={"y": y, "x": x}).rio.write_crs(crs)


def test_grid_that_is_not_1km_is_rejected_with_a_fix():
    with pytest.raises(ValueError, match="1 km"):
        classify_grid(_da(grid((4, 4), 10.0), res=100.0))
    r = classify_grid(_da(grid((4, 4), 10.0), res=100.0), require_1km=False)
    assert r.cell_km2 == pytest.approx(0.01)


def test_mismatched_crs_and_geographic_crs_are_rejected():
    pop = _da(grid((4, 4), 10.0))
    land = _da(grid((4, 4), 1e6), crs="EPSG:3035")
    with pytest.raises(ValueError, match="CRS"):
        classify_grid(pop, land=land)
    with pytest.raises(ValueError, match="projected"):
        classify_grid(_da(grid((4, 4), 10.0), res=0.01, crs="EPSG:4326"), require_1km=False)
    with pytest.raises(ValueError, match="shape"):
        classify_grid(grid((4, 4), 10.0), land=grid((4, 5), 1e6), require_1km=False)


def test_nodata_is_never_counted_as_zero_or_population():
    pop = grid((5, 5), 2500.0)  # 25 x 2,500 = 62,500
    assert classify_grid(pop, **NO_SMOOTH).n_urban_centres == 1
    pop[2, :] = np.nan  # splits the block into 10 + 10 cells = 25,000 each
    r = classify_grid(pop, centre_connectivity=8, **NO_SMOOTH)
    assert r.n_urban_centres == 0 and (r.level1[2] == NODATA).all() and (r.level2[2] == NODATA).all()
    assert r.table(1)["cells"].sum() == 20
    with pytest.raises(ValueError, match="entirely no-data"):
        classify_grid(grid((3, 3), np.nan), require_1km=False)
    land = grid((5, 5), 1e6)
    land[0, 0] = np.nan
    with pytest.raises(ValueError, match="land grid is no-data"):
        classify_grid(grid((5, 5), 1.0), land=land, require_1km=False)
    with pytest.raises(ValueError, match="negative"):
        classify_grid(grid((3, 3), -1.0), require_1km=False)


def test_raster_nodata_value_is_masked():
    vals = grid((4, 4), 10.0)
    vals[0, 0] = -200.0
    da = _da(vals).rio.write_nodata(-200.0)
    r = classify_grid(da)
    assert r.level1[0, 0] == NODATA


def test_parameters_are_validated():
    with pytest.raises(ValueError, match="centre_connectivity"):
        DegurbaParameters(centre_connectivity=6)
    with pytest.raises(ValueError, match="share"):
        DegurbaParameters(built_threshold=50)
    with pytest.raises(ValueError, match="smoothing"):
        DegurbaParameters(smoothing="median")


# --------------------------------------------------------------- local units
def test_unit_classification_level1_by_population_shares():
    df = pd.DataFrame({3: [60, 40, 10, 0], 2: [10, 20, 30, 10], 1: [30, 40, 60, 90]},
                      index=["a", "b", "c", "d"])
    out = classify_units(df)
    # a: 60 % in centres -> city; b: 40 % centre + 20 % cluster = 60 % -> town;
    # c: 40 % urban -> rural; d: rural
    assert list(out["code"]) == [3, 2, 1, 1]
    assert out.loc["b", "share_3"] == pytest.approx(0.4)


def test_unit_classification_level2():
    df = pd.DataFrame({30: [0, 0, 0, 0, 0], 23: [50, 10, 10, 0, 0], 22: [10, 40, 10, 0, 0],
                       21: [0, 10, 40, 0, 0], 13: [40, 40, 40, 60, 10], 12: [0, 0, 0, 30, 20],
                       11: [0, 0, 0, 10, 70]})
    out = classify_units(df, level=2)
    assert list(out["code"]) == [23, 22, 21, 13, 11]


def test_unit_classification_rejects_empty_units_and_unknown_columns():
    with pytest.raises(ValueError, match="no population"):
        classify_units(pd.DataFrame({3: [0.0], 2: [0.0], 1: [0.0]}))
    with pytest.raises(ValueError, match="unexpected columns"):
        classify_units(pd.DataFrame({5: [1.0]}))


# ------------------------------------ real data against an independent implementation
# The R package flexurba's own tests classify the GHSL Belgium grids at 50 cells; those classes are
# stored once in src/statmethods/data/reference/flexurba.yml.
@pytest.fixture(scope="module")
def belgium():
    from statmethods import data

    def load(name):
        return rioxarray.open_rasterio(data.path(f"ghsl-belgium/{name}.tif"), masked=True).squeeze(drop=True)

    return load("POP"), load("LAND"), load("BUILT_S")



# ------------------------------------------------------- rule sets (July 2024 amendment)
from statmethods.data.reference import reference  # noqa: E402
from statmethods.indicators.degurba import rule_set_parameters, write_degurba_geotiff  # noqa: E402

FLEXURBA = reference("flexurba")["belgium"]


@pytest.mark.parametrize("case", FLEXURBA["cases"], ids=[c["name"] for c in FLEXURBA["cases"]])
def test_rule_sets_match_flexurba_reference_cells(belgium, case):
    pop, land, built = belgium
    r = classify_grid(pop, land, built, rule_set=case["rule_set"], **case["overrides"])
    got = (r.level1 if case["level"] == 1 else r.level2).ravel()[np.asarray(FLEXURBA["cells"]) - 1]
    expected = np.asarray(case["expected"])
    has_data = got != NODATA
    assert set(expected[~has_data]) <= {0, 10}  # flexurba's water for no-data cells
    assert (got[has_data] == expected[has_data]).all()


def test_ghsl_2024_semi_dense_cluster_needs_900_2500_rook_and_2km():
    # a lone town far from any centre: 3 cells of 900/km² in a row = 2,700 inhabitants
    pop = grid((20, 20), 10.0)
    pop[10, 5:8] = 900.0
    pop[9, 4] = 900.0  # diagonal only: not part of the rook cluster
    kw = {"require_1km": False, "rule_set": "ghsl-2024"}
    r = classify_grid(pop, **kw)
    assert (r.level2[10, 5:8] == 22).all()
    assert r.level2[9, 4] != 22
    pop[10, 7] = 899.0  # now 2 cells of 900: 1,800 < 2,500
    assert not (classify_grid(pop, **kw).level2 == 22).any()
    # the same town under the 2021 rules: 300/km² and 5,000 inhabitants: not semi-dense
    pop[10, 7] = 900.0
    assert not (classify_grid(pop, require_1km=False).level2 == 22).any()


def test_ghsl_2024_buffer_is_two_cells_in_every_direction():
    pop = grid((30, 30), 10.0)
    pop[2:5, 2:5] = 6000.0  # dense urban cluster of 54,000 > 5,000 (centre_population raised so not a centre)
    pop[7, 7:10] = 1000.0  # diagonal gap of 2 cells from (4, 4): chebyshev distance 3 -> outside buffer
    kw = {"require_1km": False, "rule_set": "ghsl-2024", "centre_population": 1e9, "smoothing": "none"}
    r = classify_grid(pop, **kw)
    assert (r.level2[2:5, 2:5] == 23).all()
    assert (r.level2[7, 7:10] == 22).all()
    pop2 = pop.copy()
    pop2[7, 7:10] = 10.0
    pop2[6, 6:9] = 1000.0  # chebyshev distance 2: inside the buffer -> suburban, not semi-dense
    r2 = classify_grid(pop2, **kw)
    assert not (r2.level2[6, 6:9] == 22).any()


def test_urban_clusters_from_centres_convention():
    # a centre cell of low density (added by the built-up criterion) bridging two small clusters
    pop = grid((5, 9), 0.0)
    pop[2, 0:4] = 1000.0  # 4,000
    pop[2, 5:9] = 1000.0  # 4,000
    built = np.zeros_like(pop)
    uc = np.zeros(pop.shape, int)
    uc[2, 4] = 1
    from statmethods.indicators.degurba import population_clusters
    bridge = population_clusters((pop >= 300) | (uc > 0), pop, 5000, 8)
    alone = population_clusters(pop >= 300, pop, 5000, 8)
    assert (bridge[2] > 0).all() and not (alone > 0).any()
    # through classify_grid: the built-up criterion makes the middle cell a centre of 50,000 with
    # its neighbours when centre_population is lowered; the flexurba convention leaves the arms rural
    pop[2, 4] = 0.0
    built[2, 4] = 1e6
    p_ours = classify_grid(pop, None, built, require_1km=False, centre_population=0, smoothing="none",
                           gap_fill=False, centre_density=5000, built_threshold=0.5)
    p_flex = classify_grid(pop, None, built, require_1km=False, centre_population=0, smoothing="none",
                           gap_fill=False, centre_density=5000, built_threshold=0.5,
                           clusters_from_centres=False)
    assert p_ours.level1[2, 4] == 3 and (p_ours.level1[2, :4] == 2).all()
    assert p_flex.level1[2, 4] == 3 and (p_flex.level1[2, :4] == 1).all()


def test_majority_rule_counting_off_grid_neighbours():
    # a corner cell with 3 in-grid neighbours, 2 of them in the centre: 2 > 3/2 adds it when off-grid
    # cells are not counted; with the 5 off-grid cells counted, 2 > 8/2 fails
    lab = np.zeros((4, 4), int)
    lab[0, 1] = lab[1, 0] = lab[1, 1] = 1
    counted = np.ones(lab.shape, bool)
    inside = majority_smoothing(lab, rule="ghsl_2023", counted=counted)
    flex = majority_smoothing(lab, rule="ghsl_2023", counted=counted, count_outside=True)
    assert inside[0, 0] == 1 and flex[0, 0] == 0


def test_units_level2_july_2024_rules_differ_from_2021():
    # town: 30 % dense, 35 % semi-dense, 35 % suburban + rural ...
    df = pd.DataFrame({30: [0, 0, 0, 0, 0], 23: [30, 55, 10, 0, 0], 22: [35, 5, 45, 0, 0],
                       21: [25, 10, 20, 10, 0], 13: [10, 30, 25, 30, 20], 12: [0, 0, 0, 45, 20],
                       11: [0, 0, 0, 15, 60]})
    old = classify_units(df, level=2)
    new = classify_units(df, level=2, rule_set="ghsl-2024")
    # unit 0: 2021: semi-dense share largest -> semi-dense town; 2024: dense 30 %, suburban+rural 35 %
    # -> semi-dense town; unit 1: dense town both; unit 2: 2024 suburban+rural 45 % < 50 -> semi-dense
    # unit 3 (rural): 2021 largest = low density -> dispersed; 2024 villages need 40 % < 50, very low
    # 15 % -> dispersed; unit 4: very low density 60 % -> mostly uninhabited in both
    assert list(old["code"]) == [22, 23, 22, 12, 11]
    assert list(new["code"]) == [22, 23, 22, 12, 11]
    df2 = pd.DataFrame({30: [0], 23: [20], 22: [45], 21: [30], 13: [5], 12: [0], 11: [0]})
    assert classify_units(df2, level=2)["code"].iloc[0] == 22  # largest town share: semi-dense
    assert classify_units(df2, level=2, rule_set="ghsl-2024")["code"].iloc[0] == 22
    df3 = pd.DataFrame({30: [0], 23: [10], 22: [40], 21: [0], 13: [0], 12: [50], 11: [0]})
    # urban share 50 % -> town; 2021: semi-dense largest; 2024: suburban + rural cells = 50 % -> suburban
    assert classify_units(df3, level=2)["code"].iloc[0] == 22
    assert classify_units(df3, level=2, rule_set="ghsl-2024")["code"].iloc[0] == 21


def test_rule_set_parameters_and_overrides():
    p = rule_set_parameters("ghsl-2024", semi_dense_density=950)
    assert (p.built_threshold, p.smoothing, p.semi_dense_population, p.semi_dense_connectivity,
            p.semi_dense_density) == \
        (0.2, "ghsl_2023", 2500, 4, 950)
    assert rule_set_parameters().built_threshold == 0.5
    with pytest.raises(ValueError, match="rule_set"):
        rule_set_parameters("ghsl-2019")
    with pytest.raises(ValueError, match="cluster_density"):
        DegurbaParameters(cluster_density=2000)


def test_geotiff_has_both_levels_on_the_input_grid(belgium, tmp_path):
    import rasterio

    pop, land, built = belgium
    win = {"y": slice(100, 140), "x": slice(120, 170)}
    r = classify_grid(pop.isel(**win), land.isel(**win), built.isel(**win), rule_set="ghsl-2024")
    f = tmp_path / "degurba_grid.tif"
    write_degurba_geotiff(r, f)
    with rasterio.open(f) as src:
        assert src.count == 2 and src.crs == pop.rio.crs
        assert src.transform.almost_equals(pop.isel(**win).rio.transform())
        np.testing.assert_array_equal(src.read(1), r.level1)
        np.testing.assert_array_equal(src.read(2), r.level2)
        assert set(np.unique(src.read(2))) <= {10, 11, 12, 13, 21, 22, 23, 30, NODATA}


def test_centres_table_sums_to_centre_cells(belgium):
    pop, land, built = belgium
    r = classify_grid(pop, land, built, rule_set="ghsl-2024")
    t = r.centres()
    assert len(t) == r.n_urban_centres
    assert t["cells"].sum() == (r.level1 == 3).sum()
    assert t["population"].sum() == pytest.approx(np.nansum(pop.values[r.level1 == 3]))


@pytest.mark.parametrize("cell_m", [1000.0, 250.0, 100.0])
@pytest.mark.parametrize("buffer_km", [0.0, 0.5, 2.0, 3.3])
def test_buffers_equal_distance_transforms(cell_m: float, buffer_km: float) -> None:
    """The separable buffers give the cells that scipy's distance transforms give, on random cores."""
    from dataclasses import replace

    from scipy import ndimage

    from statmethods.indicators.degurba.classify import near_core_2021
    from statmethods.indicators.degurba.clusters import buffer_cells, within_distance
    from statmethods.indicators.degurba.parameters import DegurbaParameters

    rng = np.random.default_rng(int(cell_m + 10 * buffer_km))
    for _ in range(25):
        h, w = rng.integers(1, 70, 2)
        core = rng.random((h, w)) < rng.choice([0.002, 0.02, 0.1])
        if not core.any():
            continue
        edt = (ndimage.distance_transform_edt(~core) - 1.0) * cell_m / 1000.0 < buffer_km
        assert (within_distance(core, lambda d: (d - 1.0) * cell_m / 1000.0 < buffer_km) == edt).all()
        p = replace(DegurbaParameters(), semi_dense_buffer_km=buffer_km, semi_dense_buffer_metric="edge_gap")
        assert (near_core_2021(core, p, cell_m) == edt).all()
        cdt = ndimage.distance_transform_cdt(~core, metric="chessboard").astype(float)
        p = replace(p, semi_dense_buffer_metric="chebyshev")
        assert (near_core_2021(core, p, cell_m) == ((cdt - 1.0) * cell_m / 1000.0 < buffer_km)).all()
        n = int(round(buffer_km * 1000.0 / cell_m))
        dil = ndimage.binary_dilation(core, structure=np.ones((3, 3), bool), iterations=n) if n else core
        assert (buffer_cells(core, buffer_km, cell_m, "chebyshev") == dil).all()
