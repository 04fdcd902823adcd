"""Benchmark: Degree of Urbanisation grid classification at national and continental size.

Synthetic population grids (the point here is run time, not the answer): a lognormal background
with Gaussian "cities" of random size, drawn with a fixed seed.

* Korea-size: about 100,000 land cells at 1 km (the Korean territory is about 100,000 km²);
* Europe-size: about 10,000,000 cells at 1 km.

Also the real GHSL Belgium grid (catalogue ``ghsl-belgium``, 219 x 303 cells).

Reports the wall time of :func:`statmethods.indicators.degurba.classify_grid` (levels 1 and 2
together) under both rule sets (``manual-2021``, ``ghsl-2024``) and, as a floor, the time of the
bare connected-component labelling it rests on (``scipy.ndimage.label`` with 4- and
8-connectivity plus the cluster sums), and the ratio. The natural peer, the R package flexurba,
needs R, which this machine does not have; the issue's earlier figure (20-60 times faster than
flexurba 0.2.2 on Belgium) could not be re-measured here, so the peer recorded is the labelling
floor. Writes ``benchmarks/results/degurba.json``.

Run: ``nice .venv/bin/python benchmarks/bench_degurba.py [--sizes belgium korea europe] [--repeat 3]``.
"""

from __future__ import annotations

import argparse

import numpy as np
from scipy import ndimage

from statmethods.indicators.degurba import classify_grid

SIZES = {"belgium": None, "korea": (320, 320), "europe": (3000, 3400)}
from _timing import best_of, write_results  # noqa: E402


def synthetic_population(shape: tuple[int, int], seed: int = 20200301) -> np.ndarray:
    rng = np.random.default_rng(seed)
    h, w = shape
    pop = rng.lognormal(mean=2.5, sigma=1.5, size=shape)  # rural background, about 30 per km²
    n_cities = max(5, h * w // 4000)
    ys = rng.integers(0, h, n_cities)
    xs = rng.integers(0, w, n_cities)
    peak = rng.lognormal(mean=7.5, sigma=0.8, size=n_cities)  # about 2,000 per km² at the centre
    radius = rng.uniform(1.5, 8.0, size=n_cities)
    for y, x, p, r in zip(ys, xs, peak, radius, strict=True):
        k = int(3 * r)
        y0, y1, x0, x1 = max(0, y - k), min(h, y + k + 1), max(0, x - k), min(w, x + k + 1)
        yy, xx = np.mgrid[y0:y1, x0:x1]
        pop[y0:y1, x0:x1] += p * np.exp(-((yy - y) ** 2 + (xx - x) ** 2) / (2 * r * r))
    return pop


def labelling_floor(pop: np.ndarray) -> None:
    """The connected-component work alone: the unavoidable core of the method."""
    for thr, conn in ((1500, 1), (300, 2)):
        lab, n = ndimage.label(pop >= thr, structure=ndimage.generate_binary_structure(2, conn))
        np.bincount(lab.ravel(), weights=pop.ravel(), minlength=n + 1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", nargs="+", default=["belgium", "korea"], choices=list(SIZES))
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    print(f"{'grid':<8} {'rule set':<12} {'cells':>12} {'centres':>8} {'classify_grid s':>16} "
          f"{'label floor s':>14} {'ratio':>7}")
    rows = []
    for name in args.sizes:
        if name == "belgium":
            import rioxarray

            from statmethods import data

            def load(n):
                path = data.path(f"ghsl-belgium/{n}.tif")
                return rioxarray.open_rasterio(path, masked=True).squeeze(drop=True)

            grids = (load("POP"), load("LAND"), load("BUILT_S"))
            pop = np.nan_to_num(grids[0].values)
        else:
            pop = synthetic_population(SIZES[name])
            grids = (pop,)
        t_floor, _ = best_of(lambda pop=pop: labelling_floor(pop), args.repeat)
        for rule_set in ("manual-2021", "ghsl-2024"):
            kw = {"rule_set": rule_set} if name == "belgium" else {"rule_set": rule_set, "require_1km": False}
            res = classify_grid(*grids, **kw)  # warm-up and a sanity check
            t_pkg, _ = best_of(lambda g=grids, k=kw: classify_grid(*g, **k), args.repeat)
            print(f"{name:<8} {rule_set:<12} {pop.size:>12,} {res.n_urban_centres:>8} {t_pkg:>16.3f} "
                  f"{t_floor:>14.3f} {t_pkg / t_floor:>7.1f}")
            rows.append({"case": f"{name} ({pop.size:,} cells)", "method": f"classify_grid, {rule_set}",
                         "peer": "scipy.ndimage.label floor (flexurba needs R: not run)",
                         "seconds": round(t_pkg, 4), "peer_seconds": round(t_floor, 4),
                         "ratio": round(t_pkg / t_floor, 2), "urban_centres": res.n_urban_centres})
    print(write_results("degurba", rows, repeats=args.repeat))


if __name__ == "__main__":
    main()
