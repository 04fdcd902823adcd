"""Text coders side by side: TF-IDF + linear SVM (scikit-learn) vs fastText-style torch model.

Trains both coders of :mod:`statmethods.autocode.models` on the same stratified split of the
2022 NAICS index (20,373 descriptions, 1,010 codes) and of the 2022 Census occupation index
(34,127 titles, 975 SOC codes), and reports for each model: training time, inference throughput
(records per second over the test split, best of ``--repeats`` after a warm-up), test accuracy at
the finest level and at the top level, and the auto-coding rate at 95% accuracy at the finest
level, with the ratios torch / baseline. Epochs can be set heavier than the chapter's defaults.
Not run in CI.

Usage::

    STATMETHODS_DATA_DIR=../shared/data .venv/bin/python benchmarks/bench_autocode.py
    .venv/bin/python benchmarks/bench_autocode.py --sources naics-2022 --torch-epochs 10 --device cuda

Writes ``benchmarks/results/autocode.json`` (``_timing.write_results``: the torch coder as method,
the linear baseline as its peer, time ratios) and ``bench_autocode.csv`` to ``--output-dir``
(default ``benchmarks/out``).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pandas as pd
import sklearn
import torch
from _timing import best_of, write_results  # noqa: E402

from statmethods.autocode import prepare_records, run_autocode, stratified_split
from statmethods.sources.coding import read_coding_index


def throughput(coder, texts: list[str], repeats: int) -> float:
    """Records per second for scoring ``texts`` (best of ``repeats``, after one warm-up)."""
    coder.decision_function(texts[:256])
    best, _ = best_of(lambda: coder.decision_function(texts), repeats)
    return len(texts) / best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sources", nargs="+", default=["naics-2022", "census-occupation-2022"])
    ap.add_argument("--baseline-epochs", type=int, default=4)
    ap.add_argument("--torch-epochs", type=int, default=5)
    ap.add_argument("--device", default="cpu", help="device of the torch model")
    ap.add_argument("--threads", type=int, default=1, help="torch threads (CPU)")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--seed", type=int, default=2022)
    ap.add_argument("--output-dir", default="benchmarks/out")
    args = ap.parse_args()

    rows = []
    for source in args.sources:
        data, hierarchy, info = prepare_records(read_coding_index(source))
        split = stratified_split(data["code"].tolist(), seed=args.seed)
        test = data["text"][split.part == "test"].tolist()
        for model in ("baseline", "torch"):
            kw = (
                {"epochs": args.baseline_epochs}
                if model == "baseline"
                else {"epochs": args.torch_epochs, "n_threads": args.threads}
            )
            t0 = time.perf_counter()
            report = run_autocode(
                data["text"],
                data["code"],
                hierarchy,
                model=model,
                seed=args.seed,
                device=args.device if model == "torch" else "cpu",
                split=split,
                model_kwargs=kw,
                perturb=False,
            )
            total = time.perf_counter() - t0
            rates = report.rate_table()
            rows.append(
                {
                    "source": source,
                    "model": model,
                    "n_train": int(split.counts()["train"]),
                    "n_codes": int(data["code"].nunique()),
                    "train_s": report.coder.fit_seconds_,
                    "pipeline_s": total,
                    "records_per_s": throughput(report.coder, test, args.repeats),
                    "accuracy_finest": report.metrics["accuracy"].iloc[-1],
                    "accuracy_top": report.metrics["accuracy"].iloc[0],
                    "macro_f1_finest": report.metrics["macro_f1"].iloc[-1],
                    "auto_rate_95_finest": rates[0.95].iloc[-1],
                    "auto_rate_95_top": rates[0.95].iloc[0],
                }
            )
            print(pd.DataFrame(rows[-1:]).round(3).to_string(index=False), flush=True)
    table = pd.DataFrame(rows)
    ratios = []
    for source, g in table.groupby("source", sort=False):
        b, t = g.set_index("model").loc["baseline"], g.set_index("model").loc["torch"]
        ratios.append(
            {
                "source": source,
                "train_time_torch_over_baseline": t["train_s"] / b["train_s"],
                "throughput_torch_over_baseline": t["records_per_s"] / b["records_per_s"],
                "accuracy_finest_torch_minus_baseline": t["accuracy_finest"] - b["accuracy_finest"],
            }
        )
    ratios = pd.DataFrame(ratios)
    print("\n" + table.round(3).to_string(index=False))
    print("\n" + ratios.round(3).to_string(index=False))
    out = Path(args.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    table.to_csv(out / "bench_autocode.csv", index=False)
    results = []
    for source, g in table.groupby("source", sort=False):
        b, t = g.set_index("model").loc["baseline"], g.set_index("model").loc["torch"]
        method = f"fastText-style coder (torch {torch.__version__}, {args.torch_epochs} epochs, " \
                 f"{args.device})"
        peer = f"TF-IDF + linear SVM (scikit-learn {sklearn.__version__}, {args.baseline_epochs} epochs)"
        common = {"method": method, "peer": peer, "n_train": int(t["n_train"]), "n_codes": int(t["n_codes"])}
        results.append({"case": f"{source}: training", **common, "seconds": float(t["train_s"]),
                        "peer_seconds": float(b["train_s"]), "ratio": float(t["train_s"] / b["train_s"]),
                        "accuracy_finest": float(t["accuracy_finest"]),
                        "peer_accuracy_finest": float(b["accuracy_finest"]),
                        "auto_rate_95_finest": float(t["auto_rate_95_finest"]),
                        "peer_auto_rate_95_finest": float(b["auto_rate_95_finest"])})
        results.append({"case": f"{source}: scoring, seconds per 10,000 answers", **common,
                        "seconds": 1e4 / float(t["records_per_s"]),
                        "peer_seconds": 1e4 / float(b["records_per_s"]),
                        "ratio": float(b["records_per_s"] / t["records_per_s"]),
                        "records_per_second": float(t["records_per_s"]),
                        "peer_records_per_second": float(b["records_per_s"])})
    print(write_results("autocode", results, args=vars(args), threads=args.threads, device=args.device))

if __name__ == "__main__":
    main()
