"""Table of bad inputs, one module per chapter (``<chapter_id_with_underscores>.py``).

Each module defines ``CASES: list[BadInput]``. ``tests/chapters/test_bad_inputs.py`` runs every
case through ``statmethods run`` and asserts that it is refused with ``exit_code`` before the
kernel starts (no executed notebook is written), that the message contains ``phrase``
(case-insensitive) and that no Python traceback is printed.

In ``params`` and ``args``, the text ``{tmp}`` is replaced by the case's temporary folder, which
is also the current folder of the command; ``files(tmp)`` may write bad input files there first.

``kind`` names the class of hostile input (issue 21, item 7), so the tables can be counted by
class: ``value`` (a single bad value), ``relation`` (values that are fine alone but contradict
each other or the data: negative population, k above the record count, codes that do not
match), ``work-bomb`` (a run that could not finish in time or memory), ``broken-file``
(truncated, nested, not what it claims to be), ``data-loss`` (the run would write over or
outside what it may). Every refusal must carry a "Fix:".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

KINDS = ("value", "relation", "work-bomb", "broken-file", "data-loss")


@dataclass(frozen=True)
class BadInput:
    """One bad input and what the refusal must say."""

    id: str
    params: dict[str, Any]
    phrase: str
    files: Callable[[Path], None] | None = None
    args: tuple[str, ...] = ()
    exit_code: int = 2
    kind: str = "value"


def write_csv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` in ``encoding`` and return the path."""
    path.write_bytes(text.encode(encoding))
    return path


def write_raster(path: Path, array: Any, *, crs: str = "EPSG:3035", res: float = 1000.0,
                 origin: tuple[float, float] = (4400000.0, 3200000.0)) -> Path:
    """Write a one-band GeoTIFF (striped, so that truncating it cuts off pixel data)."""
    import rasterio
    from rasterio.transform import from_origin

    with rasterio.open(path, "w", driver="GTiff", width=array.shape[1], height=array.shape[0], count=1,
                       dtype=array.dtype, crs=crs, transform=from_origin(*origin, res, res)) as dst:
        dst.write(array, 1)
    return path


def truncated_raster(name: str, shape: tuple[int, int] = (600, 600), **kw: Any) -> Callable[[Path], None]:
    """A ``files`` function writing a GeoTIFF cut to half its bytes (a broken download)."""
    def write(tmp: Path) -> None:
        import numpy as np

        full = write_raster(tmp / f"full-{name}", np.random.default_rng(0).integers(
            0, 60000, shape).astype("uint16"), **kw)
        data = full.read_bytes()
        (tmp / name).write_bytes(data[: len(data) // 2])
    return write


LAUGHS = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True))


def params_file(text: str) -> Callable[[Path], None]:
    """A ``files`` function writing ``p.yaml`` (pass ``args=("--params-file", "p.yaml")``)."""
    def write(tmp: Path) -> None:
        (tmp / "p.yaml").write_text(text, encoding="utf-8")
    return write


def run_folder_in_use(tmp: Path) -> None:
    """A run folder ``busy`` that another run holds (its lock file)."""
    (tmp / "busy").mkdir()
    (tmp / "busy" / ".statmethods.lock").write_text("12345\n", encoding="utf-8")


def hostile_common() -> list[BadInput]:
    """Cross-cutting cases every chapter must refuse the same way (params-file bombs, a busy folder)."""
    return [
        BadInput("params-file-billion-laughs", {}, "expands to more than", files=params_file(LAUGHS),
                 args=("--params-file", "p.yaml"), kind="broken-file"),
        BadInput("params-file-deeply-nested", {}, "nests lists or mappings",
                 files=params_file("a: " + "[" * 300 + "]" * 300 + "\n"), args=("--params-file", "p.yaml"),
                 kind="broken-file"),
        BadInput("run-folder-in-use", {}, "in use by another run", files=run_folder_in_use,
                 args=("--output", "busy", "--force"), kind="data-loss"),
        BadInput("output-dir-leaves-the-run-folder", {"output_dir": "../escape"}, "leaves the run folder",
                 kind="data-loss"),
    ]
