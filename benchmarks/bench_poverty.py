"""Village wealth from image histograms: training time of the torch MLP and of the ridge path.

Cases, side by side in one run on the 3,020 LSMS villages (918 standardised bins):

- ``HistogramMLP`` (torch, ``--device``) against scikit-learn's ``MLPRegressor`` with the same
  layers and epochs (plain CPU baseline);
- ``ridge_path`` (one eigendecomposition, all 14 penalties of the authors' grid) against 14
  scikit-learn ``Ridge`` fits.

``ratio = seconds / peer_seconds`` (below 1: faster than the peer). Run with ``--device cuda``
on a GPU machine to get the CPU/GPU ratio of the MLP (the CPU row is kept beside it).

    python benchmarks/bench_poverty.py [--device cuda] [--epochs 20] [--repeat 2]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import best_of, write_results  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--epochs", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()

    from sklearn.linear_model import Ridge
    from sklearn.neural_network import MLPRegressor
    from threadpoolctl import threadpool_limits

    from statmethods import data
    from statmethods.applications.poverty import (
        AUTHORS_ALPHAS,
        HistogramMLP,
        r2_pearson,
        ridge_path,
        split_nightlights,
        standardize,
    )

    d = np.load(data.path("africa-poverty-lsms/lsms_image_hists.npz"))
    X = standardize(split_nightlights(d["image_hists"], d["years"]).reshape(len(d["labels"]), -1))
    y = d["labels"].astype(float)
    tr, te = np.arange(len(y)) % 5 != 0, np.arange(len(y)) % 5 == 0
    case = f"{int(tr.sum())} villages x {X.shape[1]} bins, {a.epochs} epochs"
    rows = []

    def torch_fit(device: str) -> float:
        m = HistogramMLP(epochs=a.epochs, device=device, n_threads=a.threads).fit(X[tr], y[tr])
        return r2_pearson(y[te], m.predict(X[te]))

    def sk_fit() -> float:
        with threadpool_limits(a.threads):
            m = MLPRegressor(hidden_layer_sizes=(128, 64), alpha=1e-2, batch_size=64, learning_rate_init=3e-3,
                             max_iter=a.epochs, random_state=0).fit(X[tr], y[tr])
            return r2_pearson(y[te], m.predict(X[te]))

    import warnings

    warnings.filterwarnings("ignore", message="Stochastic Optimizer")
    peer_s, peer_r2 = best_of(sk_fit, a.repeat)
    devices = ["cpu"] + ([a.device] if a.device != "cpu" else [])
    for dev in devices:
        s, r2 = best_of(lambda dev=dev: torch_fit(dev), a.repeat)
        rows.append({"case": case, "method": f"HistogramMLP (torch, {dev})",
                     "peer": "sklearn MLPRegressor (CPU)",
                     "seconds": round(s, 3), "peer_seconds": round(peer_s, 3), "ratio": round(s / peer_s, 3),
                     "test_r2": round(r2, 3), "peer_test_r2": round(peer_r2, 3)})
    if a.device != "cpu":
        cpu, gpu = rows[0]["seconds"], rows[1]["seconds"]
        rows.append({"case": case, "method": f"HistogramMLP (torch, {a.device})",
                     "peer": "HistogramMLP (torch, cpu)",
                     "seconds": gpu, "peer_seconds": cpu, "ratio": round(gpu / cpu, 3)})

    def path() -> np.ndarray:
        return ridge_path(X[tr], y[tr], X[te], AUTHORS_ALPHAS, n_threads=a.threads)

    def sk_path() -> np.ndarray:
        with threadpool_limits(a.threads):
            fits = [Ridge(alpha=al).fit(X[tr], y[tr]) for al in AUTHORS_ALPHAS]
            return np.column_stack([m.predict(X[te]) for m in fits])

    s, p1 = best_of(path, a.repeat)
    ps, p2 = best_of(sk_path, a.repeat)
    rows.append({"case": f"{int(tr.sum())} villages x {X.shape[1]} bins, {len(AUTHORS_ALPHAS)} penalties",
                 "method": "ridge_path (one eigendecomposition)",
                 "peer": "sklearn Ridge, one fit per penalty",
                 "seconds": round(s, 3), "peer_seconds": round(ps, 3), "ratio": round(s / ps, 3),
                 "max_abs_difference": float(np.abs(p1 - p2).max())})
    out = write_results("poverty", rows, parameters=vars(a),
                        gpu=("measured: see the rows with device " + a.device) if a.device != "cpu"
                        else "no GPU used in this run (CPU only); rerun with --device cuda on a GPU machine")
    for r in rows:
        print(r)
    print("wrote", out)


if __name__ == "__main__":
    main()
