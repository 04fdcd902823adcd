"""NDVI over a large synthetic mosaic: statmethods on dask chunks vs one plain numpy pass.

The mosaic is synthetic on purpose (only its size matters here): two float32 bands of
``size x size`` reflectances with 1 % nodata (NaN) and a few zero-sum pixels. Three runs:

- numpy: ``(nir - red) / (nir + red)`` with zero sums set to NaN, on in-memory arrays;
- statmethods, in memory: :func:`statmethods.imagery.ndvi` on a numpy-backed DataArray;
- statmethods, dask: the same call on a chunked DataArray, computed with the threaded scheduler.

It checks that the three agree, prints the wall times and their ratio to numpy, and writes them to
``benchmarks/results/ndvi.json`` (the book's performance appendix). Not run in CI.

Usage::

    nice .venv/bin/python benchmarks/bench_ndvi.py --size 8192 --chunk 2048 --repeat 3
"""

from __future__ import annotations

import argparse

import dask
import numpy as np
import xarray as xr
from _timing import best_of, write_results  # noqa: E402

from statmethods.imagery import ndvi


def mosaic(size: int, seed: int = 0) -> xr.DataArray:
    rng = np.random.default_rng(seed)
    red = rng.uniform(0.02, 0.3, size=(size, size)).astype("float32")
    nir = rng.uniform(0.05, 0.6, size=(size, size)).astype("float32")
    holes = rng.uniform(size=(size, size)) < 0.01
    red[holes] = np.nan
    zero = rng.uniform(size=(size, size)) < 1e-4
    red[zero] = 0.0
    nir[zero] = 0.0
    return xr.DataArray(np.stack([red, nir]), dims=("band", "y", "x"), coords={"band": ["B04", "B08"]})


def numpy_ndvi(red: np.ndarray, nir: np.ndarray) -> np.ndarray:
    total = nir + red
    with np.errstate(invalid="ignore", divide="ignore"):
        out = (nir - red) / total
    out[total == 0] = np.nan
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=8192, help="mosaic side in pixels")
    ap.add_argument("--chunk", type=int, default=2048, help="dask chunk side in pixels")
    ap.add_argument("--repeat", type=int, default=3, help="best of this many runs")
    ap.add_argument("--workers", type=int, default=2, help="dask threads")
    a = ap.parse_args()

    img = mosaic(a.size)
    red, nir = img.sel(band="B04").values, img.sel(band="B08").values
    t_np, ref = best_of(lambda: numpy_ndvi(red, nir), a.repeat)
    t_mem, mem = best_of(lambda: ndvi(img).values, a.repeat)
    chunked = img.chunk({"band": -1, "y": a.chunk, "x": a.chunk})
    with dask.config.set(scheduler="threads", num_workers=a.workers):
        t_dask, lazy = best_of(lambda: ndvi(chunked).compute().values, a.repeat)
    for name, out in (("in-memory", mem), ("dask", lazy)):
        np.testing.assert_allclose(out, ref, rtol=1e-6, equal_nan=True, err_msg=name)
    mpx = a.size * a.size / 1e6
    print(f"NDVI on a {a.size} x {a.size} mosaic ({mpx:.0f} Mpx, float32, 1% nodata), best of {a.repeat}; "
          f"dask chunks {a.chunk}, {a.workers} threads")
    print(f"{'run':<28}{'seconds':>10}{'ratio to numpy':>16}")
    for name, t in (("numpy, one pass", t_np), ("statmethods, in memory", t_mem),
                    ("statmethods, dask chunks", t_dask)):
        print(f"{name:<28}{t:>10.2f}{t / t_np:>16.2f}")
    case = f"{a.size} x {a.size} mosaic ({mpx:.0f} Mpx, float32)"
    rows = [{"case": case, "method": method, "peer": "numpy, one pass", "seconds": round(t, 4),
             "peer_seconds": round(t_np, 4), "ratio": round(t / t_np, 3)}
            for method, t in (("statmethods.imagery.ndvi, in memory", t_mem),
                              (f"statmethods.imagery.ndvi, dask chunks of {a.chunk} px, {a.workers} threads",
                               t_dask))]
    print("wrote", write_results("ndvi", rows, parameters=vars(a)))


if __name__ == "__main__":
    main()
