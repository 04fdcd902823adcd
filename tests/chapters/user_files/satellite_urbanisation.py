"""satellite-urbanisation on a user's own grid window (three cropped GeoTIFFs on one grid)."""

from pathlib import Path

EXPECTED_FILES = ["degurba_grid.tif", "grid_level1.csv", "grid_level2.csv", "parameters.json"]
WINDOW = {"x": slice(120, 200), "y": slice(80, 150)}  # Brussels and Flemish Brabant, 70 x 80 km


def make_inputs(tmp: Path) -> dict:
    import rioxarray

    from statmethods import data

    out = {}
    for name, param in (("POP", "pop_file"), ("LAND", "land_file"), ("BUILT_S", "built_file")):
        grid = rioxarray.open_rasterio(data.path(f"ghsl-belgium/{name}.tif"))
        grid.isel(**WINDOW).rio.to_raster(tmp / f"my_{name.lower()}.tif")
        out[param] = f"my_{name.lower()}.tif"
    return {**out, "rule_set": "manual-2021"}


def check_outputs(output_dir: Path, tmp: Path) -> None:
    """``degurba_grid.tif`` lies on the window's grid, with GHS-SMOD codes in both bands."""
    import numpy as np
    import rasterio

    with rasterio.open(tmp / "my_pop.tif") as src, rasterio.open(output_dir / "degurba_grid.tif") as out:
        assert out.count == 2
        assert out.crs == src.crs and out.shape == src.shape
        assert out.transform.almost_equals(src.transform)
        assert set(np.unique(out.read(1))) <= {0, 1, 2, 3, 255}
        assert set(np.unique(out.read(2))) <= {10, 11, 12, 13, 21, 22, 23, 30, 255}
        assert (out.read(1) == 3).any()  # Brussels is an urban centre
