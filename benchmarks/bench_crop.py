"""Crop-type classifiers side by side: scikit-learn tree ensemble vs torch 1D-CNN.

Runs both models of :mod:`statmethods.classify` (the tree ensemble and the TempCNN-style 1D CNN)
on the same stratified, duplicate-grouped
held-out folds of the UCR "Crop" NDVI series (7,200 FORMOSAT-2 pixels x 46 dates, 24 classes) and
reports, per model: training time per fold, inference throughput (records per second, predicting all
7,200 series with one fitted model, best of ``--repeats``), held-out accuracy and macro-F1, and the
ratios CNN / baseline. Settings are heavier than the chapter's defaults (all folds, a larger network,
more epochs). Not run in CI.

Usage::

    STATMETHODS_DATA_DIR=../shared/data .venv/bin/python benchmarks/bench_crop.py
    .venv/bin/python benchmarks/bench_crop.py --folds 5 --epochs 40 --channels 32 --device cuda

Writes ``benchmarks/results/crop.json`` (``_timing.write_results``: the CNN as method, the tree
ensemble as its peer, time ratios) and ``bench_crop.csv`` to ``--output-dir`` (default
``benchmarks/out``).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd
import sklearn
import torch
from _timing import best_of, machine_info, write_results  # noqa: E402

from statmethods import inputs
from statmethods.classify import (  # noqa: E402
    ForestClassifier,
    TempCNNClassifier,
    cross_validate,
    series_groups,
    stratified_group_folds,
)


def throughput(model, X: np.ndarray, repeats: int) -> float:
    """Records per second for predicting ``X`` (best of ``repeats``, after one warm-up)."""
    model.predict_proba(X[:256])
    best, _ = best_of(lambda: model.predict_proba(X), repeats)
    return X.shape[0] / best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n-folds", type=int, default=5, help="folds in the split")
    ap.add_argument("--folds", type=int, default=5, help="how many of the folds to run")
    ap.add_argument("--epochs", type=int, default=40, help="CNN training epochs")
    ap.add_argument("--channels", type=int, default=32, help="CNN filters")
    ap.add_argument("--trees", type=int, default=200, help="trees in the baseline")
    ap.add_argument("--baseline", default="extra-trees", choices=["extra-trees", "random-forest"])
    ap.add_argument("--threads", type=int, default=1, help="CPU threads for torch and scikit-learn")
    ap.add_argument("--device", default="cpu", help="cpu or cuda")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeats", type=int, default=3, help="repeats of the throughput measurement")
    ap.add_argument("--output-dir", default="benchmarks/out")
    args = ap.parse_args()

    ds = inputs.read_labelled_series("ucr-crop/Crop_TRAIN.tsv", "series_file", length=46, log=False)
    groups = series_groups(ds.X)
    folds = stratified_group_folds(ds.y, args.n_folds, groups=groups, seed=args.seed)[: args.folds]
    makers = {
        f"baseline ({args.baseline}, {args.trees} trees, scikit-learn {sklearn.__version__})":
            ForestClassifier(args.baseline, n_estimators=args.trees, seed=args.seed, n_jobs=args.threads),
        f"1D-CNN ({args.channels} filters, {args.epochs} epochs, torch {torch.__version__}, {args.device})":
            TempCNNClassifier(epochs=args.epochs, channels=args.channels, seed=args.seed,
                              device=args.device, n_threads=args.threads),
    }
    rows = []
    for name, make in makers.items():
        cv = cross_validate(make, ds.X, ds.y, folds, classes=ds.classes, name=name)
        rows.append({
            "model": name,
            "folds": len(folds),
            "train_s_per_fold": float(np.mean(cv.fit_seconds)),
            "infer_records_per_s": throughput(cv.models[0], ds.X, args.repeats),
            "accuracy": cv.accuracy,
            "macro_f1": cv.macro_f1,
            "fold_accuracy": [round(a, 4) for a in cv.fold_accuracy()],
        })
        print(f"done: {name}", flush=True)
    table = pd.DataFrame(rows).set_index("model")
    base, cnn = table.iloc[0], table.iloc[1]
    ratios = {
        "train time, CNN / baseline": cnn["train_s_per_fold"] / base["train_s_per_fold"],
        "throughput, CNN / baseline": cnn["infer_records_per_s"] / base["infer_records_per_s"],
        "accuracy, CNN - baseline": cnn["accuracy"] - base["accuracy"],
        "macro-F1, CNN - baseline": cnn["macro_f1"] - base["macro_f1"],
    }
    machine = machine_info() | {
        "threads": args.threads,
        "device": args.device if args.device == "cpu" else torch.cuda.get_device_name(0),
    }
    pd.set_option("display.width", 160)
    print()
    print(f"Crop (UCR archive), {ds.n_series} series x {ds.length} dates, {len(ds.classes)} classes; "
          f"{len(folds)} of {args.n_folds} grouped stratified folds; {machine}")
    print(table.drop(columns="fold_accuracy").round(3).to_string())
    print()
    for k, v in ratios.items():
        print(f"{k:32s} {v:8.3f}")
    out = Path(args.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    table.to_csv(out / "bench_crop.csv")
    case = f"Crop (UCR), {ds.n_series} series x {ds.length} dates, {len(folds)} of {args.n_folds} folds"
    results = [
        {"case": f"{case}: training, seconds per fold", "method": cnn.name, "peer": base.name,
         "seconds": float(cnn["train_s_per_fold"]), "peer_seconds": float(base["train_s_per_fold"]),
         "ratio": float(cnn["train_s_per_fold"] / base["train_s_per_fold"]),
         "accuracy": float(cnn["accuracy"]), "peer_accuracy": float(base["accuracy"]),
         "macro_f1": float(cnn["macro_f1"]), "peer_macro_f1": float(base["macro_f1"])},
        {"case": f"{case}: prediction, seconds per {ds.n_series} series", "method": cnn.name,
         "peer": base.name,
         "seconds": ds.n_series / float(cnn["infer_records_per_s"]),
         "peer_seconds": ds.n_series / float(base["infer_records_per_s"]),
         "ratio": float(base["infer_records_per_s"] / cnn["infer_records_per_s"]),
         "records_per_second": float(cnn["infer_records_per_s"]),
         "peer_records_per_second": float(base["infer_records_per_s"])},
    ]
    print(write_results("crop", results, args=vars(args), threads=args.threads,
                        device=machine["device"]))


if __name__ == "__main__":
    main()
