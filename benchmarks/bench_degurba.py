"""Benchmark: Degree of Urbanisation grid classification at national and continental size.

Synthetic population grids (the point here is run time, not the answer): a lognormal background
with Gaussian "cities" of random size, drawn with a fixed seed.

* Korea-size: about 100,000 land cells at 1 km (the Korean territory is about 100,000 km²);
* Europe-size: about 10,000,000 cells at 1 km.

Reports the wall time of :func:`statmethods.indicators.degurba.classify_grid` (levels 1 and 2
together) and, as a floor, the time of the bare connected-component labelling it rests on
(``scipy.ndimage.label`` with 4- and 8-connectivity plus the cluster sums), and the ratio.

Run: ``nice .venv/bin/python benchmarks/bench_degurba.py [--sizes korea europe] [--repeat 3]``.
"""

from __future__ import annotations

import argparse

import numpy as np
from scipy import ndimage

from statmethods.indicators.degurba import classify_grid

SIZES = {"korea": (320, 320), "europe": (3000, 3400)}
from _timing import best_of  # noqa: E402


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
    ap.add_argument("--sizes", nargs="+", default=list(SIZES), choices=list(SIZES))
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    print(f"{'grid':<8} {'cells':>12} {'centres':>8} {'classify_grid s':>16} {'label floor s':>14} "
          f"{'ratio':>7}")
    for name in args.sizes:
        pop = synthetic_population(SIZES[name])
        res = classify_grid(pop)  # warm-up and a sanity check
        t_pkg, _ = best_of(lambda pop=pop: classify_grid(pop), args.repeat)
        t_floor, _ = best_of(lambda pop=pop: labelling_floor(pop), args.repeat)
        print(f"{name:<8} {pop.size:>12,} {res.n_urban_centres:>8} {t_pkg:>16.3f} {t_floor:>14.3f} "
              f"{t_pkg / t_floor:>7.1f}")


if __name__ == "__main__":
    main()
