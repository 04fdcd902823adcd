"""Reading patch folders and cell tables: pairing, band counts, population column, one crop size."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from statmethods.imagery.patches import centre_crop, find_patches
from statmethods.inputs import read_patches

LUBLIN = "so2sat-pop-sample/test/01486_22146_lublin"


def _tif(path: Path, bands: int, rows: int = 20, cols: int = 20, value: int = 100) -> None:
    import rasterio
    from rasterio.transform import from_origin

    path.parent.mkdir(parents=True, exist_ok=True)
    data = np.full((bands, rows, cols), value, dtype="uint16")
    data[:, rows // 2, cols // 2] = value + 1  # a marked centre pixel
    with rasterio.open(path, "w", driver="GTiff", height=rows, width=cols, count=bands, dtype="uint16",
                       crs="EPSG:32634", transform=from_origin(500000, 6000000, 10, 10)) as dst:
        dst.write(data)


def _folder(tmp: Path, bands=(3, 3, 3), rows=(20, 20, 20)) -> tuple[Path, Path]:
    for i, (b, r) in enumerate(zip(bands, rows, strict=True)):
        _tif(tmp / "patches" / f"Class_{i}" / f"c{i}_rgb.tif", b, rows=r)
    cells = tmp / "cells.csv"
    rows = "".join(f"c{i},{10 * i}\n" for i in range(len(bands)))
    cells.write_text("cell,people\n" + rows, encoding="utf-8")
    return tmp / "patches", cells


def test_lublin_patches_crop_to_one_size_and_keep_the_published_census_total():
    ps = read_patches(LUBLIN, f"{LUBLIN}/01486_22146_lublin.csv", size=96)
    assert ps.images.shape == (324, 3, 96, 96)
    assert int(ps.population.sum()) == 379_191  # SOURCES.md: 324 cells, 379,191 people
    assert ps.crs == "EPSG:32634" and ps.pixel_size == 10.0
    assert (ps.cells["rows"] >= 96).all() and (ps.cells["cols"] >= 96).all()


def test_centre_crop_takes_the_middle_and_drops_the_odd_pixel_at_the_end():
    img = np.arange(5 * 7).reshape(1, 5, 7)
    out = centre_crop(img, 3)
    assert out[0].tolist() == [[9, 10, 11], [16, 17, 18], [23, 24, 25]]  # rows 1-3, columns 2-4
    assert centre_crop(np.arange(16).reshape(1, 4, 4), 3)[0, 0, 0] == 0
    with pytest.raises(ValueError, match="smaller than the crop size"):
        centre_crop(img, 6)


def test_cell_id_is_the_file_name_up_to_the_first_underscore(tmp_path):
    patches, _ = _folder(tmp_path)
    assert list(find_patches(patches)) == ["c0", "c1", "c2"]


def test_a_user_folder_with_renamed_columns_reads_and_the_marked_centre_survives_the_crop(tmp_path):
    patches, cells = _folder(tmp_path, rows=(20, 21, 24))
    ps = read_patches(patches, cells, size=10, id_column="cell", population_column="people")
    assert ps.images.shape == (3, 3, 10, 10)
    assert ps.cells["population"].tolist() == [0.0, 10.0, 20.0]
    assert (ps.images.max(axis=(1, 2, 3)) == 101).all()


def test_mixed_band_counts_are_refused_naming_the_file(tmp_path):
    patches, cells = _folder(tmp_path, bands=(3, 4, 3))
    with pytest.raises(ValueError, match=r"c1_rgb.tif.*has 4 band\(s\).*one band count"):
        read_patches(patches, cells, size=10, id_column="cell", population_column="people")


def test_a_cell_without_a_patch_is_refused(tmp_path):
    patches, cells = _folder(tmp_path)
    cells.write_text(cells.read_text() + "c9,5\n", encoding="utf-8")
    with pytest.raises(ValueError, match="has no patch for 1 cell id.*'c9'"):
        read_patches(patches, cells, size=10, id_column="cell", population_column="people")


def test_a_patch_without_a_cell_is_refused(tmp_path):
    patches, cells = _folder(tmp_path)
    cells.write_text("cell,people\nc0,1\nc1,2\n", encoding="utf-8")
    with pytest.raises(ValueError, match="lacks 1 cell id.*'c2'"):
        read_patches(patches, cells, size=10, id_column="cell", population_column="people")


def test_a_cell_table_without_the_population_column_is_refused(tmp_path):
    patches, cells = _folder(tmp_path)
    with pytest.raises(ValueError, match="missing column.*'POP'"):
        read_patches(patches, cells, size=10, id_column="cell", population_column="POP")


def test_a_crop_larger_than_a_patch_is_refused_with_the_largest_size_that_fits(tmp_path):
    patches, cells = _folder(tmp_path, rows=(20, 12, 20))
    with pytest.raises(ValueError, match="set patch_size to at most 12"):
        read_patches(patches, cells, size=16, id_column="cell", population_column="people")


def test_negative_population_is_refused(tmp_path):
    patches, cells = _folder(tmp_path)
    cells.write_text("cell,people\nc0,1\nc1,-2\nc2,3\n", encoding="utf-8")
    with pytest.raises(ValueError, match="negative"):
        read_patches(patches, cells, size=10, id_column="cell", population_column="people")
