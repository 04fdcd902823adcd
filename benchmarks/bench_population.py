"""Population-from-imagery benchmark: MOSAIKS features and CNN training against plain baselines.

In one run, on the Gdańsk patches of So2Sat POP (267 cells, cropped to 96 x 96 and averaged to
48 x 48 as in the chapter):

- ``mosaiks_features``: :class:`statmethods.classify.mosaiks.MosaiksFeatures` (batched torch
  convolution) against the same features in plain numpy (``mosaiks_numpy``: a sliding window
  and ``einsum``), reported as images per second;
- ``frozen_features``: :class:`statmethods.classify.image_cnn.PretrainedFeatures` (one pass of
  the pretrained EfficientNet-Lite0, five pooled layers) against a plain ``net.features(x)``
  loop over the same batches (the last layer only), reported as images per second;
- ``cnn_training_scratch`` / ``cnn_training_pretrained``: one training run of
  :class:`statmethods.classify.image_cnn.ImageCNNRegressor` against a plain torch loop (same
  network, AdamW, mean squared error; no determinism settings, thread pinning or augmentation);
- with ``--device cuda``: the package on the GPU against the package on the CPU (the CPU/GPU ratio).

Usage::

    STATMETHODS_DATA_DIR=../shared/data .venv/bin/python benchmarks/bench_population.py
    .venv/bin/python benchmarks/bench_population.py --device cuda --epochs 5

Writes ``benchmarks/results/population.json``. Not run in CI.
"""

from __future__ import annotations

import argparse

import numpy as np
import torch
from _timing import best_of, write_results  # noqa: E402

from statmethods.classify.image_cnn import ImageCNNRegressor, PretrainedFeatures, _modules, efficientnet_lite0
from statmethods.classify.mosaiks import MosaiksFeatures, mosaiks_numpy
from statmethods.inputs import read_patches

GDANSK = "so2sat-pop-sample/train/01120_22136_gdansk"


def load() -> tuple[np.ndarray, np.ndarray]:
    ps = read_patches(GDANSK, f"{GDANSK}/01120_22136_gdansk.csv", size=96)
    X = ps.images.reshape(len(ps), 3, 48, 2, 48, 2).mean(axis=(3, 5))
    return X, np.log1p(ps.population)


def plain_torch_loop(arch: str, X: np.ndarray, y: np.ndarray, epochs: int, device: str) -> None:
    """The loop a user would write: no seeding policy, no thread pinning, no augmentation."""
    net = _modules()["SmallCNN"](3) if arch == "scratch" else efficientnet_lite0(n_outputs=1)
    net = net.to(device).train()
    lo, hi = np.percentile(X, [2, 98])
    scaled = (np.clip((X - lo) / (hi - lo), 0, 1) * 255 - 127) / 128
    xt = torch.from_numpy(scaled.astype("float32")).to(device)
    yt = torch.from_numpy(((y - y.mean()) / y.std()).astype("float32")).to(device)
    opt = torch.optim.AdamW(net.parameters(), lr=1e-3)
    for _ in range(epochs):
        perm = torch.randperm(len(yt), device=device)
        for s in range(0, len(yt), 32):
            idx = perm[s:s + 32]
            if len(idx) < 2:
                continue
            opt.zero_grad()
            torch.nn.functional.mse_loss(net(xt[idx]).squeeze(1), yt[idx]).backward()
            opt.step()
    if device.startswith("cuda"):
        torch.cuda.synchronize()


def frozen_feature_rows(X: np.ndarray, args: argparse.Namespace) -> list[dict]:
    """Frozen-feature extraction: the package against a plain loop, and GPU against CPU where asked."""
    def package(dev: str = args.device) -> np.ndarray:
        out = PretrainedFeatures(device=dev, n_threads=args.threads).fit(X).transform(X)
        if dev.startswith("cuda"):
            torch.cuda.synchronize()
        return out

    def plain() -> None:
        net = efficientnet_lite0().to(args.device).eval()
        lo, hi = np.percentile(X, [2, 98])
        scaled = ((np.clip((X - lo) / (hi - lo), 0, 1) * 255 - 127) / 128).astype("float32")
        with torch.no_grad():
            for s in range(0, len(X), 32):
                net.features(torch.from_numpy(scaled[s:s + 32]).to(args.device))
        if args.device.startswith("cuda"):
            torch.cuda.synchronize()

    t_pkg, _ = best_of(package, args.repeats)
    t_peer, _ = best_of(plain, args.repeats)
    rows = [{"case": "frozen_features", "method": f"PretrainedFeatures ({args.device})",
             "peer": f"plain net.features loop ({args.device})", "seconds": t_pkg, "peer_seconds": t_peer,
             "ratio": t_pkg / t_peer, "images_per_second": len(X) / t_pkg, "images": len(X),
             "pixels": f"{X.shape[-2]}x{X.shape[-1]}"}]
    if args.device.startswith("cuda"):
        t_cpu, _ = best_of(lambda: package("cpu"), 1)
        rows.append({"case": "frozen_features_gpu_vs_cpu", "method": "PretrainedFeatures (cuda)",
                     "peer": "PretrainedFeatures (cpu)", "seconds": t_pkg, "peer_seconds": t_cpu,
                     "ratio": t_pkg / t_cpu, "images": len(X)})
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--device", default="cpu", help="cpu or cuda")
    ap.add_argument("--features", type=int, default=512)
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--threads", type=int, default=2, help="torch CPU threads for package and peer")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    X, y = load()
    rows = []

    m = MosaiksFeatures(args.features, seed=0, device=args.device, n_threads=args.threads).fit(X)
    t_pkg, feats = best_of(lambda: m.transform(X), args.repeats)
    t_np, ref = best_of(lambda: mosaiks_numpy(X, m.filters_, m.mean_, m.std_), args.repeats)
    rows.append({"case": "mosaiks_features", "method": f"MosaiksFeatures (torch, {args.device})",
                 "peer": "plain numpy (sliding window + einsum)", "seconds": t_pkg, "peer_seconds": t_np,
                 "ratio": t_pkg / t_np, "images_per_second": len(X) / t_pkg,
                 "peer_images_per_second": len(X) / t_np, "features": args.features,
                 "max_abs_difference": float(np.abs(feats - ref).max()), "images": len(X), "pixels": "48x48"})
    if args.device.startswith("cuda"):
        mc = MosaiksFeatures(args.features, seed=0, device="cpu", n_threads=args.threads).fit(X)
        t_cpu, _ = best_of(lambda: mc.transform(X), args.repeats)
        rows.append({"case": "mosaiks_features_gpu_vs_cpu", "method": "MosaiksFeatures (cuda)",
                     "peer": "MosaiksFeatures (cpu)", "seconds": t_pkg, "peer_seconds": t_cpu,
                     "ratio": t_pkg / t_cpu, "images": len(X)})

    rows += frozen_feature_rows(X, args)
    cases = (("scratch", "cnn_training_scratch"), ("efficientnet_lite0", "cnn_training_pretrained"))
    for arch, case in cases:
        def fit(dev: str = args.device, a: str = arch) -> None:
            ImageCNNRegressor(a, epochs=args.epochs, device=dev, n_threads=args.threads).fit(X, y)
            if dev.startswith("cuda"):
                torch.cuda.synchronize()

        t_pkg, _ = best_of(fit, args.repeats)
        t_peer, _ = best_of(lambda a=arch: plain_torch_loop(a, X, y, args.epochs, args.device), args.repeats)
        rows.append({"case": case, "method": f"ImageCNNRegressor({arch!r}, {args.device})",
                     "peer": f"plain torch loop ({args.device})", "seconds": t_pkg, "peer_seconds": t_peer,
                     "ratio": t_pkg / t_peer, "epochs": args.epochs, "images": len(X)})
        if args.device.startswith("cuda"):
            t_cpu, _ = best_of(lambda a=arch: fit("cpu", a), 1)
            rows.append({"case": f"{case}_gpu_vs_cpu", "method": f"ImageCNNRegressor({arch!r}, cuda)",
                         "peer": f"ImageCNNRegressor({arch!r}, cpu)", "seconds": t_pkg, "peer_seconds": t_cpu,
                         "ratio": t_pkg / t_cpu, "epochs": args.epochs, "images": len(X)})
    gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else None
    note = (f"GPU: {gpu}" if args.device.startswith("cuda") else
            "CPU only: no GPU was used in this run, so no CPU/GPU ratio is reported")
    path = write_results("population", rows, device=args.device, gpu=gpu, torch=torch.__version__,
                         threads=args.threads, note=note)
    for r in rows:
        print(f"{r['case']:32s} {r['seconds']:8.2f} s vs {r['peer_seconds']:8.2f} s  ratio {r['ratio']:.2f}")
    print("wrote", path)


if __name__ == "__main__":
    main()
