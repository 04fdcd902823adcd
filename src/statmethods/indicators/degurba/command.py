"""``statmethods degurba POP.tif BUILT.tif LAND.tif --out grid.tif``: the job users run.

Checks the three rasters' headers before any work, classifies tile by tile
(:func:`~.tiled.classify_tiled`) with a progress bar, and writes only the output: a cloud-optimised
GeoTIFF with both levels and, beside it, ``<out>_centres.csv`` and ``<out>_clusters.csv``. The
state files live in a temporary folder that is removed at the end. An existing output is never
overwritten without ``--force``.

Examples
--------
>>> from click.testing import CliRunner
>>> CliRunner().invoke(degurba_command, ["--help"]).output.splitlines()[0]
'Usage: degurba [OPTIONS] POP BUILT LAND'
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from dataclasses import fields

import click

from .parameters import RULE_SETS, DegurbaParameters

__all__ = ["degurba_command", "memory_bytes", "workers_for"]

#: Bytes of working memory per cell of a task's view (inputs, tests, labels and temporaries).
BYTES_PER_VIEW_CELL = 120
#: The halo of the widest step (smoothing passes, gaps of 15 km², the 2 km buffer) plus a margin.
HALO = 20


def memory_bytes(text: str) -> int:
    """``"8GB"``, ``"512MiB"`` or a number of bytes as an int.

    Examples
    --------
    >>> memory_bytes("8GB"), memory_bytes("1.5GiB"), memory_bytes("1000")
    (8000000000, 1610612736, 1000)
    """
    m = re.fullmatch(r"\s*([0-9.]+)\s*([KMGT]?i?B?)?\s*", text, flags=re.IGNORECASE)
    if not m:
        raise ValueError(f"memory limit {text!r} is not a size such as 8GB or 512MiB")
    unit = (m.group(2) or "").upper().rstrip("B")
    base = 1024 if unit.endswith("I") else 1000
    power = {"": 0, "K": 1, "M": 2, "G": 3, "T": 4}[unit.rstrip("I")]
    return int(float(m.group(1)) * base**power)


def workers_for(limit: int, tile_size: int, cpus: int) -> int:
    """How many tiles may be worked on at once within ``limit`` bytes (at least 1, at most ``cpus``).

    Examples
    --------
    >>> workers_for(8 * 10**9, 512, 2)
    2
    """
    per_task = (tile_size + 2 * HALO) ** 2 * BYTES_PER_VIEW_CELL
    if per_task > limit:
        raise ValueError(
            f"one tile of {tile_size} cells needs about {per_task / 1e9:.1f} GB, more than the "
            f"memory limit of {limit / 1e9:.1f} GB; choose a smaller --tile-size"
        )
    return max(1, min(cpus, limit // per_task))


def _threshold_options(f: click.Command) -> click.Command:
    """One option per threshold, named as the threshold (``--centre-density``)."""
    for fld in reversed(fields(DegurbaParameters)):
        default = fld.default
        kind = {bool: bool, int: int, float: float}.get(type(default), str)
        if fld.name == "built_share_digits":
            kind = int
        name = "--" + fld.name.replace("_", "-")
        decls = [f"{name}/--no-{fld.name.replace('_', '-')}"] if kind is bool else [name]
        f = click.option(
            *decls, fld.name, type=kind, default=None, help=f"threshold {fld.name} (default: the rule set's)"
        )(f)
    return f


class _Bar:
    """A tqdm bar per step, advanced by Dask as tasks finish."""

    def __init__(self, enabled: bool) -> None:
        self.enabled, self.bar = enabled, None

    def step(self, name: str, n: int) -> None:
        from tqdm import tqdm

        if self.bar is not None:
            self.bar.close()
        self.bar = tqdm(total=n, desc=name, unit="tile", disable=not self.enabled, leave=False)

    def callback(self):  # noqa: ANN201 - a dask Callback
        from dask.callbacks import Callback

        outer = self

        class Tick(Callback):
            def _posttask(self, key, result, dsk, state, worker_id):  # noqa: ANN001, ANN202
                if outer.bar is not None:
                    outer.bar.update(1)

        return Tick()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _outputs(out: str) -> list[str]:
    stem = os.path.splitext(out)[0]
    return [out, f"{stem}_centres.csv", f"{stem}_clusters.csv"]


@click.command("degurba")
@click.argument("pop", type=click.Path(dir_okay=False))
@click.argument("built", type=click.Path(dir_okay=False))
@click.argument("land", type=click.Path(dir_okay=False))
@click.option("--rule-set", type=click.Choice(list(RULE_SETS)), default="ghsl-2024", show_default=True)
@click.option(
    "--out", required=True, type=click.Path(dir_okay=False), help="Output GeoTIFF (COG), both levels."
)
@click.option(
    "--tile-size",
    type=click.IntRange(min=16),
    default=512,
    show_default=True,
    help="Cells per tile side; larger than the grid means one tile.",
)
@click.option("--memory-limit", default="8GB", show_default=True, help="Working memory for the tiles.")
@click.option(
    "--scheduler", default=None, help="A dask.distributed scheduler address (default: threads here)."
)
@click.option("--force", is_flag=True, help="Overwrite an existing output.")
@_threshold_options
def degurba_command(
    pop: str,
    built: str,
    land: str,
    rule_set: str,
    out: str,
    tile_size: int,
    memory_limit: str,
    scheduler: str | None,
    force: bool,
    **thresholds: object,
) -> None:
    """Classify POP (inhabitants per cell) by the Degree of Urbanisation, with BUILT and LAND (m²)."""
    from .files import check_aligned, write_cog
    from .parameters import rule_set_parameters
    from .tiled import classify_tiled

    try:
        changes = {k: v for k, v in thresholds.items() if v is not None}
        params = rule_set_parameters(rule_set, **changes)
        info = check_aligned({"POP": pop, "BUILT": built, "LAND": land})
        taken = [p for p in _outputs(out) if os.path.exists(p)]
        if taken and not force:
            raise ValueError(f"{', '.join(taken)} already exist(s); choose another --out or add --force")
        if not os.path.isdir(os.path.dirname(os.path.abspath(out))):
            raise ValueError(f"the folder of --out {out!r} does not exist; create it first")
        workers = workers_for(memory_bytes(memory_limit), tile_size, os.cpu_count() or 1)
    except (ValueError, TypeError) as exc:
        raise click.UsageError(str(exc)) from exc
    get = "threads"
    if scheduler:
        from distributed import Client

        get = Client(scheduler).get
    bar = _Bar(enabled=True)
    t0 = time.monotonic()
    import dask

    with (
        tempfile.TemporaryDirectory(prefix="degurba-") as work,
        bar.callback(),
        dask.config.set(num_workers=workers),
    ):
        res = classify_tiled(
            pop,
            land,
            built,
            parameters=params,
            tile_size=tile_size,
            workdir=work,
            scheduler=get,
            progress=bar.step,
        )
        bar.step("writing the COG", 1)
        write_cog(res.level1, res.level2, out, info["crs"], info["transform"], workdir=work)
        del res.level1, res.level2
    bar.close()
    _, centres_csv, clusters_csv = _outputs(out)
    res.centres.to_csv(centres_csv)
    res.clusters.to_csv(clusters_csv)
    h, w = info["shape"]
    click.echo(
        f"{h * w:,} cells in {time.monotonic() - t0:.0f} s ({rule_set}, tiles of {tile_size}, "
        f"{workers} at a time): {len(res.centres):,} urban centres, {len(res.clusters):,} urban clusters"
    )
    click.echo(res.table(1)[["class", "cells", "population_share"]].to_string())
    for path in _outputs(out):
        click.echo(f"  {path}")
