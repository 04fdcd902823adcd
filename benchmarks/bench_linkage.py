"""Benchmark: pairs scored per second by a trained Fellegi-Sunter model on FEBRL4.

One trained Splink model (estimated once on DuckDB) scores the candidate pairs of four blocking
rules on FEBRL4 (5,000 x 5,000 records) with

* Splink on DuckDB (embedded),
* Splink on Spark in local mode (``local[2]``; needs Java), and
* a plain pandas comparison loop: ``pandas.merge`` blocking, a Python Levenshtein per field and
  pair, and the model's match weights summed in numpy.

Each engine blocks, compares and scores the same pairs (the match probabilities agree to 1e-6).
Reports the best-of-``repeat`` wall time, pairs per second and the ratios to DuckDB, and writes
``benchmarks/results/linkage.json`` (the book's performance appendix). Not run in CI.

Run: ``STATMETHODS_DATA_DIR=... nice .venv/bin/python benchmarks/bench_linkage.py [--repeat 2]``.
"""

from __future__ import annotations

import argparse
import shutil

import numpy as np
import pandas as pd
from _timing import best_of, write_results  # noqa: E402

from statmethods import inputs
from statmethods.linkage import Linker, block_pairs, clean_strings, levenshtein

COMPARISONS = {"given_name": "levenshtein", "surname": "levenshtein", "date_of_birth": "levenshtein",
               "soc_sec_id": "levenshtein", "street_number": "exact", "postcode": "levenshtein",
               "suburb": "exact"}
BLOCKING = [["soc_sec_id"], ["given_name"], ["surname"], ["date_of_birth"]]
EM = [["date_of_birth"], ["given_name", "surname"]]


def pandas_loop(a: pd.DataFrame, b: pd.DataFrame, model: dict) -> pd.DataFrame:
    """Block with pandas, compare in Python, score with the model's weights."""
    pairs = pd.concat([block_pairs(a, b, r, id_column="rec_id") for r in BLOCKING]).drop_duplicates()
    ia, ib = a.set_index("rec_id"), b.set_index("rec_id")
    logit = np.full(len(pairs), np.log2(model["probability_two_random_records_match"]
                                        / (1 - model["probability_two_random_records_match"])))
    for comp in model["comparisons"]:
        col = comp["output_column_name"]
        x = ia[col].reindex(pairs["id_l"]).to_numpy(dtype=object)
        y = ib[col].reindex(pairs["id_r"]).to_numpy(dtype=object)
        levels = [lev for lev in comp["comparison_levels"] if not lev.get("is_null_level")]
        w = np.array([np.log2(lev["m_probability"] / lev["u_probability"]) for lev in levels])
        out = np.zeros(len(pairs))
        for i, (p, q) in enumerate(zip(x, y, strict=True)):
            if pd.isna(p) or pd.isna(q):
                continue                                    # null level: weight 0
            if COMPARISONS[col] == "exact":
                k = 0 if p == q else 1
            else:
                d = levenshtein(p, q)
                k = 0 if d == 0 else 1 if d <= 1 else 2 if d <= 2 else 3
            out[i] = w[k]
        logit += out
    pairs = pairs.assign(match_probability=1 / (1 + 2.0 ** -logit))
    return pairs.sort_values(["id_l", "id_r"]).reset_index(drop=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    cols = [*COMPARISONS]
    a = clean_strings(inputs.read_table("febrl/dataset4a.csv", "a"), cols)
    b = clean_strings(inputs.read_table("febrl/dataset4b.csv", "b"), cols)
    trained = Linker([a, b], COMPARISONS, id_column="rec_id", blocking_rules=BLOCKING)
    model = trained.train(EM, deterministic_rules=[BLOCKING[0]], recall=0.8, seed=1).model()

    def run(backend, spark=None):  # apply the trained model: block, compare and score
        return lambda: Linker([a, b], model, backend=backend, spark=spark).predict().predictions

    t_duck, duck = best_of(run("duckdb"), args.repeat)
    t_pd, loop = best_of(lambda: pandas_loop(a, b, model), args.repeat)
    n = len(duck)
    diff = float(np.abs(loop["match_probability"].to_numpy() - duck["match_probability"].to_numpy()).max())
    assert len(loop) == n and diff < 1e-6, diff
    rows = [{"case": f"FEBRL4 5000x5000, {n} candidate pairs", "method": "splink_duckdb",
             "peer": "pandas_loop",
             "seconds": round(t_duck, 3), "peer_seconds": round(t_pd, 3), "ratio": round(t_duck / t_pd, 4),
             "pairs_per_second": round(n / t_duck), "peer_pairs_per_second": round(n / t_pd),
             "max_probability_difference": diff}]
    if shutil.which("java"):
        from statmethods.linkage import spark_session

        spark = spark_session("local[2]")
        run("spark", spark)()                                 # warm up the JVM and the UDF jar
        t_spark, sp = best_of(run("spark", spark), args.repeat)
        spark.stop()
        d2 = float(np.abs(sp["match_probability"].to_numpy() - duck["match_probability"].to_numpy()).max())
        rows.append({"case": rows[0]["case"], "method": "splink_spark_local2", "peer": "splink_duckdb",
                     "seconds": round(t_spark, 3), "peer_seconds": round(t_duck, 3),
                     "ratio": round(t_spark / t_duck, 4), "pairs_per_second": round(n / t_spark),
                     "peer_pairs_per_second": round(n / t_duck), "max_probability_difference": d2})
    for r in rows:
        print(f"{r['method']:>22} {r['seconds']:8.2f} s {r['pairs_per_second']:>10,} pairs/s   "
              f"vs {r['peer']}: ratio {r['ratio']}")
    print(write_results("linkage", rows, units="seconds to block, compare and score all candidate pairs"))


if __name__ == "__main__":
    main()
