"""Benchmark: the Degree of Urbanisation from Belgium to the globe, time and peak memory.

Every grid is a tiling of the real GHSL Belgium grids (catalogue ``ghsl-belgium``, 219 x 303
cells of 1 km): numpy tilings for the in-memory :func:`classify_grid`, and GDAL VRT mosaics of
the three GeoTIFFs for the out-of-core command ``statmethods degurba`` (the global case is
18,000 x 36,082 cells, the size of the GHSL 1 km world grid, 649 million cells). Each case runs in
its own process, which reports its wall time, CPU time and peak resident memory (``ru_maxrss``;
for the in-memory cases the peak from the end of the memory warm-up, see :func:`warm_memory`); the
1-minute load average of this shared machine is recorded before and after each case.

The peer is the R package flexurba 0.2.2. When ``Rscript`` and flexurba are installed it is timed
on Belgium in the same way; otherwise its times are read from
``benchmarks/results/peers/flexurba_recorded.json``, which says how they were measured.

Writes ``benchmarks/results/degurba.json`` and the log-log figure
``benchmarks/results/degurba_scaling.png`` (time and memory against cells, beside flexurba's
reported global run), drawn by :func:`plot_scaling`.

Run: ``python benchmarks/bench_degurba.py --memory 1e6 3e6 1e7 3e7 1e8 --tiled 1e7 1e8 global --repeat 3
--cold`` (about 25 minutes on 2 cores; the tiled cases run in the first repeat only).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
GLOBAL_SHAPE = (18_000, 36_082)  # the GHSL 1 km world grid (Mollweide)
NAMES = ("POP", "BUILT_S", "LAND")


def belgium_dir() -> Path:
    from statmethods import data

    return Path(data.path("ghsl-belgium/POP.tif")).parent


def tiling_shape(cells: float, base: tuple[int, int]) -> tuple[int, int]:
    """Repeats (down, across) of ``base`` giving about ``cells`` cells in a near-square grid."""
    n = cells / (base[0] * base[1])
    across = max(1, int(np.ceil(np.sqrt(n))))
    return max(1, int(round(n / across))), across


def write_vrt(src: Path, out: Path, shape: tuple[int, int]) -> None:
    """A VRT of ``shape`` cells that repeats ``src`` from the top-left corner (the real GHSL values)."""
    import rasterio

    with rasterio.open(src) as s:
        h, w, dtype, nodata = s.height, s.width, s.dtypes[0], s.nodata
        t, crs = s.transform, s.crs.to_wkt()
    gdal_type = {"float64": "Float64", "float32": "Float32", "uint32": "UInt32"}[dtype]
    lines = [
        f'<VRTDataset rasterXSize="{shape[1]}" rasterYSize="{shape[0]}">',
        f"<SRS>{crs.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')}</SRS>",
        f"<GeoTransform>{t.c}, {t.a}, 0, {t.f}, 0, {t.e}</GeoTransform>",
        f'<VRTRasterBand dataType="{gdal_type}" band="1">',
        f"<NoDataValue>{'nan' if nodata is None or np.isnan(nodata) else repr(float(nodata))}</NoDataValue>",
    ]
    for r in range(0, shape[0], h):
        for c in range(0, shape[1], w):
            lines.append(
                f'<SimpleSource><SourceFilename relativeToVRT="0">{src}</SourceFilename>'
                f'<SourceBand>1</SourceBand><SrcRect xOff="0" yOff="0" xSize="{w}" ySize="{h}"/>'
                f'<DstRect xOff="{c}" yOff="{r}" xSize="{w}" ySize="{h}"/></SimpleSource>'
            )
    lines += ["</VRTRasterBand>", "</VRTDataset>"]
    out.write_text("\n".join(lines))


# Bytes per cell that classify_grid allocates beyond its inputs (measured: 7.2 GB peak at 101M
# cells, of which 2.4 GB are the three float64 inputs).
WORKING_BYTES_PER_CELL = 50


def warm_memory(nbytes: float) -> float:
    """Touch and free ``nbytes`` of memory; returns the system seconds it took.

    This machine is a virtual machine that hands idle memory back to its host within seconds
    (measured: a 6 GB array costs 12 s of system time on first touch, 0.5 s when touched again at
    once, and 10 s again after 10 s idle). Without this warm-up a large case measures the
    hypervisor's page faults, which grow faster than the grid (1 GB: 0.1 s; 8 GB: 11 s), not the
    method. The warm-up is outside the clock, and its cost is recorded.
    """
    s0 = resource.getrusage(resource.RUSAGE_SELF).ru_stime
    block = np.ones(int(nbytes // 8))
    del block
    return resource.getrusage(resource.RUSAGE_SELF).ru_stime - s0


def reset_peak_memory() -> bool:
    """Reset this process's peak resident memory (Linux ``/proc/self/clear_refs``), so that the
    peak read afterwards is the classification's and not the warm-up's; False where unsupported."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def peak_memory_gb() -> float:
    """Peak resident memory of this process in GB (``VmHWM``, else ``ru_maxrss``)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1e6
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6


def one_memory(cells: float, rule_set: str, warm: bool = True) -> dict:
    """In-memory classify_grid on a numpy tiling of Belgium (inputs read before the clock starts)."""
    import rioxarray

    from statmethods.indicators.degurba import classify_grid

    d = belgium_dir()
    base = [rioxarray.open_rasterio(d / f"{n}.tif", masked=True).squeeze(drop=True).values for n in NAMES]
    reps = tiling_shape(cells, base[0].shape)
    pop, built, land = (np.tile(a, reps) for a in base)
    warm_s = warm_memory(WORKING_BYTES_PER_CELL * pop.size) if warm else None
    reset = reset_peak_memory()
    t0, c0 = time.perf_counter(), time.process_time()
    s0 = resource.getrusage(resource.RUSAGE_SELF).ru_stime
    r = classify_grid(pop, land, built, rule_set=rule_set)
    return {
        "cells": int(pop.size),
        "seconds": time.perf_counter() - t0,
        "cpu_seconds": time.process_time() - c0,
        "system_seconds": resource.getrusage(resource.RUSAGE_SELF).ru_stime - s0,
        "memory_warmed": warm,
        "warm_up_system_seconds": warm_s,
        "urban_centres": r.n_urban_centres,
        # the inputs and the classification; the warm-up is excluded where the peak could be reset
        "peak_gb": peak_memory_gb() if reset else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6,
    }


def one_tiled(cells: float | str, rule_set: str, tile: int, work: Path) -> dict:
    """The command ``statmethods degurba`` on VRT tilings of the three Belgium GeoTIFFs."""
    from click.testing import CliRunner

    from statmethods.indicators.degurba.command import degurba_command

    d = belgium_dir()
    with __import__("rasterio").open(d / "POP.tif") as s:
        base = (s.height, s.width)
    if cells == "global":
        shape = GLOBAL_SHAPE
    else:
        reps = tiling_shape(float(cells), base)
        shape = (reps[0] * base[0], reps[1] * base[1])
    paths = []
    for n in NAMES:
        p = work / f"{n}.vrt"
        write_vrt(d / f"{n}.tif", p, shape)
        paths.append(str(p))
    out = work / "grid.tif"
    t0, c0 = time.perf_counter(), time.process_time()
    res = CliRunner().invoke(
        degurba_command,
        [
            *paths,
            "--rule-set",
            rule_set,
            "--out",
            str(out),
            "--tile-size",
            str(tile),
            "--memory-limit",
            "8GB",
        ],
    )
    if res.exit_code:
        raise RuntimeError(res.output)
    line = res.output.strip().splitlines()
    return {
        "cells": shape[0] * shape[1],
        "seconds": time.perf_counter() - t0,
        "cpu_seconds": time.process_time() - c0,
        "summary": next(x for x in line if "cells in" in x),
        "output_bytes": out.stat().st_size,
    }


def run_case(args: list[str]) -> dict:
    """Run one case in a fresh process; its peak memory is that process's ru_maxrss."""
    load0 = os.getloadavg()[0]
    p = subprocess.run(
        [sys.executable, __file__, "--one", *args], capture_output=True, text=True, check=False
    )
    if p.returncode:
        raise RuntimeError(f"case {args} failed:\n{p.stderr[-3000:]}")
    row = json.loads(p.stdout.strip().splitlines()[-1])
    row.update(load_average_before=round(load0, 2), load_average_after=round(os.getloadavg()[0], 2))
    return row


def flexurba_rows() -> list[dict]:
    """flexurba timed here when R and the package exist, else its recorded times (with their provenance)."""
    if shutil.which("Rscript"):
        d = belgium_dir()
        code = (
            f'suppressMessages(library(flexurba)); data <- DoU_preprocess_grid("{d}"); '
            't <- system.time(DoU_classify_grid(data, level1 = FALSE)); cat(t[["elapsed"]])'
        )
        p = subprocess.run(["Rscript", "-e", code], capture_output=True, text=True, check=False)
        if p.returncode == 0:
            return [
                {
                    "method": "flexurba 0.2.2 (timed here)",
                    "cells": 66_357,
                    "seconds": float(p.stdout.split()[-1]),
                    "source": "Rscript on this machine",
                }
            ]
    recorded = json.loads((RESULTS / "peers" / "flexurba_recorded.json").read_text(encoding="utf-8"))
    return [{**r, "method": "flexurba (recorded)", "source": recorded["source"]} for r in recorded["runs"]]


def slope(rows: list[dict], key: str) -> float:
    """Least-squares slope of log(median of key) against log(cells), one point per grid size."""
    cells = sorted({r["cells"] for r in rows})
    y = [np.log(np.median([r[key] for r in rows if r["cells"] == c])) for c in cells]
    return float(np.polyfit(np.log(cells), y, 1)[0])


def in_memory_slopes(rows: list[dict], rule_sets: list[str]) -> dict:
    """Log-log slopes of the in-memory cases, per rule set, with and without the memory warm-up."""
    out = {}
    for rule_set in rule_sets:
        for method in ("classify_grid (in memory)", "classify_grid (in memory), cold memory"):
            mem = [r for r in rows if r["method"] == method and r["rule_set"] == rule_set]
            if len({r["cells"] for r in mem}) > 1:
                key = rule_set + (", cold memory" if "cold" in method else "")
                out[key] = {
                    "wall": round(slope(mem, "seconds"), 3),
                    "cpu": round(slope(mem, "cpu_seconds"), 3),
                    "cells": [min(r["cells"] for r in mem), max(r["cells"] for r in mem)],
                    "points": len({r["cells"] for r in mem}),
                    "runs_per_point": len(mem) // len({r["cells"] for r in mem}),
                }
    return out


def describe(rows: list[dict], slopes: dict, flex: list[dict], repeats: int) -> str:
    """The appendix's summary of this run, from its own rows (slopes, the global run, the ratio)."""
    text = ["Benchmark: the Degree of Urbanisation from Belgium to the globe, time and peak memory."]
    for key, v in slopes.items():
        text.append(f"In memory ({key}), time grows with a log-log slope of {v['wall']:.3f} (wall) and "
                    f"{v['cpu']:.3f} (CPU) over {v['cells'][0]:,}-{v['cells'][1]:,} cells (medians of "
                    f"{v['runs_per_point']} run(s) at each of {v['points']} sizes).")
    if any("cold" in k for k in slopes):
        text.append("Cold memory: without touching the working memory first. This virtual machine hands "
                    "idle memory back to its host, and touching it again costs about 2 s of system time "
                    "per GB, which is what the cold slope adds.")
    for r in rows:
        if r.get("ratio") is not None:
            f = next(x for x in flex if x["cells"] == r["cells"])
            text.append(f"{r['cells']:,} cells out of core: {r['seconds'] / 60:.1f} min and "
                        f"{r['peak_gb']:.2f} GB peak, against flexurba's {f['seconds'] / 60:.0f} min and "
                        f"{f.get('peak_gb', float('nan')):.0f} GB ({f['measured_by']}): "
                        f"{f['seconds'] / r['seconds']:.1f} times faster with "
                        f"{f.get('peak_gb', float('nan')) / r['peak_gb']:.0f} times less memory.")
    return " ".join(text)


def plot_scaling(
    results: Path = RESULTS / "degurba.json", out: Path = RESULTS / "degurba_scaling.png"
) -> Path:
    """Log-log time and peak memory against cells: in memory, out of core, and flexurba's global run."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    r = json.loads(results.read_text(encoding="utf-8"))
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    for kind, marker in (("classify_grid (in memory)", "o"), ("statmethods degurba (tiled)", "s")):
        for rule_set in ("ghsl-2024", "manual-2021"):
            rows = sorted(
                (x for x in r["results"] if x["method"] == kind and x["rule_set"] == rule_set),
                key=lambda x: x["cells"],
            )
            if rows:
                lab = f"{kind}, {rule_set}"
                axes[0].plot(
                    [x["cells"] for x in rows], [x["seconds"] for x in rows], marker=marker, label=lab
                )
                axes[1].plot(
                    [x["cells"] for x in rows], [x["peak_gb"] for x in rows], marker=marker, label=lab
                )
    for x in r.get("flexurba", []):
        if "peak_gb" in x:
            axes[0].scatter(x["cells"], x["seconds"], marker="*", s=150, color="k", label=x["method"])
            axes[1].scatter(x["cells"], x["peak_gb"], marker="*", s=150, color="k", label=x["method"])
    for ax, what in zip(axes, ("wall time (s)", "peak memory (GB)"), strict=True):
        ax.set(xscale="log", yscale="log", xlabel="grid cells (1 km)", ylabel=what)
        ax.grid(True, which="both", alpha=0.3)
    axes[0].legend(fontsize=7)
    fig.suptitle(
        f"Degree of Urbanisation: time and memory against grid size ({r['machine']['cpu_count']} "
        f"cores, load {r['machine']['load_average_1min']})"
    )
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--memory", nargs="*", type=float, default=[1e6, 3e6, 1e7])
    ap.add_argument("--tiled", nargs="*", default=["1e7"], help="cells, or 'global' (649M cells)")
    ap.add_argument("--rule-sets", nargs="+", default=["ghsl-2024", "manual-2021"])
    ap.add_argument("--tiled-rule-sets", nargs="+", default=["ghsl-2024"])
    ap.add_argument("--tile-size", type=int, default=1024)
    ap.add_argument("--repeat", type=int, default=1, help="alternate the rule sets this many times")
    ap.add_argument("--tiled-repeat", type=int, default=1, help="run the tiled cases in this many repeats")
    ap.add_argument("--cold", action="store_true",
                    help="also run each in-memory case without the memory warm-up (see warm_memory)")
    ap.add_argument("--one", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        kind, cells, rule_set = args.one[:3]
        if kind in ("memory", "memory-cold"):
            row = one_memory(float(cells), rule_set, warm=kind == "memory")
        else:
            with tempfile.TemporaryDirectory(prefix="bench-degurba-") as work:
                row = one_tiled(cells, rule_set, int(args.one[3]), Path(work))
        row.setdefault("peak_gb", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6)
        print(json.dumps(row))
        return
    sys.path.insert(0, str(HERE))
    from _timing import write_results

    rows = []
    for rep in range(args.repeat):
        for rule_set in args.rule_sets:
            for cells in args.memory:
                for kind in ("memory", "memory-cold") if args.cold else ("memory",):
                    row = run_case([kind, repr(cells), rule_set])
                    method = "classify_grid (in memory)" + (", cold memory" if kind == "memory-cold" else "")
                    rows.append({"method": method, "rule_set": rule_set, **row})
                    print(rows[-1], flush=True)
            tiled = args.tiled if rule_set in args.tiled_rule_sets and rep < args.tiled_repeat else []
            for cells in tiled:
                row = run_case(["tiled", cells, rule_set, str(args.tile_size)])
                rows.append(
                    {
                        "method": "statmethods degurba (tiled)",
                        "rule_set": rule_set,
                        "tile_size": args.tile_size,
                        **row,
                    }
                )
                print(rows[-1], flush=True)
    flex = flexurba_rows()
    for r in rows:
        case = f"{r['cells']:,} cells, {r['rule_set']}"
        r.update(case=case, peer="flexurba", peer_seconds=None, ratio=None)
        if "summary" in r:
            r["summary"] = r["summary"].strip()
        same = [f for f in flex if f["cells"] == r["cells"]]
        if same:
            r.update(peer_seconds=same[0]["seconds"], ratio=round(r["seconds"] / same[0]["seconds"], 4))
    slopes = in_memory_slopes(rows, args.rule_sets)
    figures = [{"file": "degurba_scaling.png",
                "caption": "Degree of Urbanisation: time and peak memory against the number of cells "
                           "(log-log), in memory and tiled (statmethods degurba), beside flexurba's "
                           "recorded global run."}]
    print(write_results("degurba", rows, repeats=args.repeat, flexurba=flex, in_memory_slopes=slopes,
                        figures=figures, description=describe(rows, slopes, flex, args.repeat)))
    print(plot_scaling())


if __name__ == "__main__":
    main()
