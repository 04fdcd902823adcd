"""Benchmark: zonal sums through the package against exactextract directly and rasterstats.

Real raster, generated zones: the GHSL Belgium 1 km population grid (ESRI:54009, 219 x 303, with
no-data cells) summed over randomly rotated squares tiling it, so that the number of zones can be
scaled and every zone cuts cells at its edges.

* ``statmethods.indicators.zonal.zonal_stats`` (exactextract underneath, plus CRS checks and the
  ``valid_fraction`` column);
* ``exactextract.exact_extract`` called directly with the same operations, both with the
  package's processing order (``strategy="raster-sequential"``) and with exactextract's default
  (``"feature-sequential"``, which re-reads the in-memory raster for every zone);
* ``rasterstats.zonal_stats`` (cell-centre rasterisation, no partial coverage).

Reports the best-of-``repeat`` wall time of each, the ratios, and how far the totals differ
(exactextract weights partly covered cells by the covered fraction; rasterstats takes a cell
wholly or not at all), and writes them to ``benchmarks/results/zonal.json`` (the book's
performance appendix).

Run: ``STATMETHODS_DATA_DIR=... nice .venv/bin/python benchmarks/bench_zonal.py [--zones 100 1000]``.
"""

from __future__ import annotations

import argparse

import geopandas as gpd
import numpy as np
import rioxarray
from _timing import best_of, write_results  # noqa: E402
from exactextract import exact_extract
from rasterstats import zonal_stats as rs_zonal_stats
from shapely.affinity import rotate
from shapely.geometry import box

from statmethods import data
from statmethods.indicators.zonal import zonal_stats


def zones_over(da, n: int, seed: int = 1) -> gpd.GeoDataFrame:
    """About ``n`` rotated squares tiling the raster's extent (so cells are cut at the edges)."""
    x0, y0, x1, y1 = da.rio.bounds()
    side = np.sqrt((x1 - x0) * (y1 - y0) / n)
    rng = np.random.default_rng(seed)
    geoms = []
    for x in np.arange(x0, x1 - side / 2, side):
        for y in np.arange(y0, y1 - side / 2, side):
            geoms.append(rotate(box(x, y, x + side, y + side), float(rng.uniform(0, 45))))
    return gpd.GeoDataFrame({"zone": np.arange(len(geoms))}, geometry=geoms, crs=da.rio.crs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--zones", nargs="+", type=int, default=[100, 1000])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    path = data.path("ghsl-belgium/POP.tif")
    da = rioxarray.open_rasterio(path, masked=True)
    print(f"{'zones':>6} {'package s':>10} {'exactextract s':>15} {'ee default s':>13} {'rasterstats s':>14} "
          f"{'pkg/ee':>7} {'rs/ee':>7} {'max |diff| pkg-ee':>18} {'rel diff rs-ee':>15}")
    rows = []
    for n in args.zones:
        zones = zones_over(da, n)
        t_pkg, r_pkg = best_of(lambda z=zones: zonal_stats(da, z, stats=("sum",), id_column="zone"),
                               args.repeat)
        t_ee, r_ee = best_of(lambda z=zones: exact_extract(da, z, ["sum", "count"], include_cols=["zone"],
                                                           output="pandas", strategy="raster-sequential"),
                             args.repeat)
        t_def, _ = best_of(lambda z=zones: exact_extract(da, z, ["sum", "count"], include_cols=["zone"],
                                                         output="pandas"), 1)
        t_rs, r_rs = best_of(lambda z=zones: rs_zonal_stats(z, str(path), stats=["sum"], nodata=np.nan),
                             args.repeat)
        s_pkg = r_pkg["sum"].fillna(0.0).to_numpy()
        s_ee = r_ee.sort_values("zone")["sum"].to_numpy()
        s_rs = np.array([d["sum"] or 0.0 for d in r_rs])
        max_diff = float(np.abs(s_pkg - s_ee).max())
        rel_rs = float(abs(s_rs.sum() - s_ee.sum()) / s_ee.sum())
        print(f"{len(zones):>6} {t_pkg:>10.3f} {t_ee:>15.3f} {t_def:>13.3f} {t_rs:>14.3f} "
              f"{t_pkg / t_ee:>7.2f} "
              f"{t_rs / t_ee:>7.2f} {max_diff:>18.3g} "
              f"{rel_rs:>15.2e}")
        case = f"{len(zones)} zones, GHSL Belgium 1 km population"
        method = "statmethods.indicators.zonal.zonal_stats"
        for peer, t_peer, extra in (
            ('exactextract.exact_extract, strategy="raster-sequential"', t_ee,
             {"max_abs_diff_of_sums": round(max_diff, 6)}),
            ("exactextract.exact_extract, default strategy", t_def, {}),
            ("rasterstats.zonal_stats (cell centres)", t_rs, {"relative_diff_of_total": round(rel_rs, 6)}),
        ):
            rows.append({"case": case, "method": method, "peer": peer, "seconds": round(t_pkg, 4),
                         "peer_seconds": round(t_peer, 4), "ratio": round(t_pkg / t_peer, 3), **extra})
    print("wrote", write_results("zonal", rows, parameters=vars(args)))


if __name__ == "__main__":
    main()
