"""satellite-land-consumption on a user's own epoch grid and extents (renamed columns)."""

from pathlib import Path

EXPECTED_FILES = ["lcrpgr_2000_2020.csv"]


def make_inputs(tmp: Path) -> dict:
    import geopandas as gpd
    import rioxarray

    from statmethods import data

    grid = rioxarray.open_rasterio(data.path("ghsl-builtup-epochs/GHSL.tif"), masked=False)
    extents = gpd.read_file(data.path("ghsl-builtup-epochs/urban_extents.geojson")).to_crs(grid.rio.crs)
    aoi = gpd.read_file(data.path("ghsl-builtup-epochs/AOI_GHSL.geojson")).to_crs(grid.rio.crs)
    inside = extents[extents.within(aoi.union_all())]
    mine = inside.nlargest(5, "Pop")
    minx, miny, maxx, maxy = mine.total_bounds
    window = grid.rio.clip_box(minx - 500, miny - 500, maxx + 500, maxy + 500)
    window.rio.to_raster(tmp / "my_epochs.tif")
    out = mine.rename(columns={"ID": "city", "Pop": "pop_2020"})[["city", "pop_2020", "geometry"]]
    out["pop_2000"] = out["pop_2020"] / 1.01 ** 20
    out.to_file(tmp / "my_cities.gpkg", driver="GPKG")
    return {"builtup_file": "my_epochs.tif", "extents_file": "my_cities.gpkg", "footprint_file": "",
            "id_column": "city", "population_column": "pop_2020", "start_population_column": "pop_2000"}


def _one_extent(tmp: Path) -> dict:
    """One urban extent only: the per-extent table has one row, the run still ends."""
    import geopandas as gpd

    params = make_inputs(tmp)
    one = gpd.read_file(tmp / "my_cities.gpkg").head(1)
    one.to_file(tmp / "one_city.gpkg", driver="GPKG")
    return {**params, "extents_file": "one_city.gpkg"}


EXTRA_RUNS = {"one-extent": _one_extent}
