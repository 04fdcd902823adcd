"""Area chapter timings: the Monte Carlo coverage simulation and the two land-cover classifiers.

Part 1 (simulation) uses the chapter's Zion set-up: NLCD 2011 resampled onto the Landsat 8 grid as
the truth (1,610,784 pixels), a random-forest map as strata, the classes of interest plus "Other".
It times, per replicate,

- the vectorised :func:`statmethods.area.simulators.coverage_simulation` (multivariate
  hypergeometric counts for all replicates at once + one ``stratified_estimates_batch`` call);
- the plain loop :func:`statmethods.area.simulators.coverage_simulation_loop` (draw the pixels of
  each replicate, cross-tabulate, call ``stratified_area_estimate``);
- the estimation step alone: one batch call vs ``stratified_area_estimate`` per replicate on the
  same simulated counts,

and reports the ratios loop / vectorised, with the coverage each gives (they must agree within
Monte Carlo error).

Part 2 (classifiers) compares the scikit-learn random forest with the torch MLP of
:mod:`statmethods.area.landcover`: spatial cross-validation on the Raleigh labelled pixels (time and
accuracy) and whole-scene prediction throughput on Zion (pixels per second); ``--skip-classifiers``
leaves it out. Not run in CI.

Usage::

    STATMETHODS_DATA_DIR=../shared/data .venv/bin/python benchmarks/bench_area.py
    .venv/bin/python benchmarks/bench_area.py --replicates 20000 --loop-replicates 100

Writes ``benchmarks/results/area.json`` (rows with ``case``, ``method``, ``peer``, ``seconds``,
``peer_seconds``, ``ratio`` = seconds / peer_seconds, for the book's performance appendix), and
``bench_area.csv`` with every timing to ``--output-dir`` (default ``benchmarks/out``).
"""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import sklearn
import torch

warnings.filterwarnings("ignore", message="IProgress not found")

from _timing import best_of, machine_info, write_results  # noqa: E402

from statmethods import data  # noqa: E402
from statmethods.area import allocate_sample, stratified_area_estimate, stratified_estimates_batch  # noqa: E402
from statmethods.area.simulators import (  # noqa: E402
    coverage_simulation,
    coverage_simulation_loop,
    population_confusion,
    simulate_sample_counts,
)
from statmethods.classify import (  # noqa: E402
    ForestClassifier,
    MLPClassifier,
    cross_validate,
    spatial_block_folds,
)
from statmethods.classify.pixels import labelled_pixels, predict_map  # noqa: E402
from statmethods.imagery.align import align_categorical, open_raster, stack_bands  # noqa: E402

# Names of codes 1-8 of landsat8-zion/nlcd.tif (NLCD 2011 Anderson level I).
NLCD_ZION_CLASSES = ["Water", "Developed", "Barren", "Forest", "Shrubland", "Herbaceous", "Cultivated",
                     "Wetlands"]


def zion_setup(seed: int, n_train: int):
    zion = stack_bands([data.path(f"landsat8-zion/landsat_b{b}.tif") for b in (2, 3, 4, 5)],
                       ["blue", "green", "red", "nir"])
    nlcd = open_raster(data.path("landsat8-zion/nlcd.tif"))
    truth = align_categorical(nlcd, zion.isel(band=0)).values.ravel()
    feats = zion.values.reshape(4, -1).T
    rng = np.random.default_rng(seed)
    train = rng.choice(truth.size, n_train, replace=False)
    return zion, truth, feats, train, rng


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--replicates", type=int, default=10_000, help="replicates, vectorised simulation")
    ap.add_argument("--loop-replicates", type=int, default=50, help="replicates, plain loop (slow)")
    ap.add_argument("--sample-size", type=int, default=1000)
    ap.add_argument("--allocation", default="proportional")
    ap.add_argument("--repeats", type=int, default=3, help="best of this many timings")
    ap.add_argument("--n-train", type=int, default=5000, help="Zion training pixels of the map classifiers")
    ap.add_argument("--trees", type=int, default=200, help="random-forest trees (cross-validation)")
    ap.add_argument("--mlp-epochs", type=int, default=300, help="torch MLP training epochs")
    ap.add_argument("--skip-classifiers", action="store_true", help="time the coverage simulation only")
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--output-dir", default="benchmarks/out")
    args = ap.parse_args()
    coi = ["Cultivated", "Barren", "Forest", "Shrubland"]
    rows: list[dict] = []

    # ---- Part 1: the coverage simulation -------------------------------------------------------
    zion, truth, feats, train, rng = zion_setup(args.seed, args.n_train)
    map_rf = ForestClassifier("random-forest", 30, features="raw", min_samples_leaf=2, max_depth=10,
                              seed=args.seed)
    map_rf.fit(feats[train], truth[train])
    map_codes = predict_map(map_rf, zion).values.ravel()
    legend = np.array(["(nodata)", *NLCD_ZION_CLASSES])
    lookup = np.where(np.isin(legend, coi), legend, "Other")
    classes = [*coi, "Other"]
    m, r = lookup[map_codes], lookup[truth]
    pop = population_confusion(m, r, classes)
    n_h = pop.sum(axis=1).to_numpy()
    alloc = allocate_sample(args.sample_size, n_h / n_h.sum(), args.allocation, min_per_stratum=10,
                            expected_users_accuracy=[0.5, 0.7, 0.8, 0.7, 0.5])

    t_vec, sim = best_of(lambda: coverage_simulation(pop, alloc, n_replicates=args.replicates, seed=args.seed,
                                                     pixel_area=0.09), args.repeats)
    t_loop, sim_loop = best_of(lambda: coverage_simulation_loop(m, r, classes, alloc,
                                                                n_replicates=args.loop_replicates,
                                                                seed=args.seed, pixel_area=0.09), 1)
    counts = simulate_sample_counts(pop, alloc, args.loop_replicates * 20,
                                    rng=np.random.default_rng(args.seed))
    w = n_h / n_h.sum()
    t_est_batch, _ = best_of(lambda: stratified_estimates_batch(counts, w), args.repeats)
    t_est_loop, _ = best_of(lambda: [stratified_area_estimate(c, n_h, classes) for c in counts], 1)
    per_rep = {
        "simulation, vectorised": t_vec / args.replicates,
        "simulation, plain loop": t_loop / args.loop_replicates,
        "estimation only, batch": t_est_batch / len(counts),
        "estimation only, per-replicate loop": t_est_loop / len(counts),
    }
    for k, v in per_rep.items():
        rows.append({"part": "simulation", "what": k, "seconds_per_replicate": v})
    cov = pd.DataFrame({"coverage, vectorised": sim.table()["coverage"].to_numpy(),
                        "coverage, loop": sim_loop.table()["coverage"].to_numpy()}, index=classes)

    n_pix = f"{truth.size:,} pixels, n = {int(alloc.sum())}"
    results = [
        {"case": f"coverage simulation per replicate (Zion, {n_pix})",
         "method": "coverage_simulation (multivariate hypergeometric counts, one batch estimate)",
         "peer": "coverage_simulation_loop (draw pixels, cross-tabulate, estimate per replicate)",
         "seconds": per_rep["simulation, vectorised"], "peer_seconds": per_rep["simulation, plain loop"],
         "ratio": per_rep["simulation, vectorised"] / per_rep["simulation, plain loop"],
         "replicates": args.replicates, "peer_replicates": args.loop_replicates,
         "max_coverage_difference": float((cov.iloc[:, 0] - cov.iloc[:, 1]).abs().max())},
        {"case": f"stratified estimates per replicate ({len(counts)} simulated error matrices)",
         "method": "stratified_estimates_batch (all replicates at once)",
         "peer": "stratified_area_estimate per replicate",
         "seconds": per_rep["estimation only, batch"],
         "peer_seconds": per_rep["estimation only, per-replicate loop"],
         "ratio": per_rep["estimation only, batch"] / per_rep["estimation only, per-replicate loop"]},
    ]
    machine = machine_info()
    pd.set_option("display.width", 160)
    print(f"\n{machine}")
    print(f"\nCoverage simulation, Zion ({truth.size:,} pixels, strata {classes}, n = {int(alloc.sum())} "
          f"{args.allocation}); vectorised R = {args.replicates:,}, loop R = {args.loop_replicates}")
    for k, v in per_rep.items():
        print(f"  {k:40s} {v * 1e3:10.4f} ms / replicate")
    print(cov.round(3).to_string())
    if args.skip_classifiers:
        _write(args, rows, results)
        return

    # ---- Part 2: classifiers --------------------------------------------------------------------
    files = [data.path(f"landsat7-raleigh/lsat7_2000_{b}0.tif") for b in (1, 2, 3, 4, 5)]
    raleigh = stack_bands(files, ["blue", "green", "red", "nir", "swir1"])
    px = labelled_pixels(raleigh, open_raster(data.path("landsat7-raleigh/landsat96_labelled_pixels.tif")))
    X, y = px[list(raleigh.band.values)].to_numpy(), px["label"].to_numpy()
    folds = spatial_block_folds(px["row"], px["col"], 20, 5, seed=args.seed)
    models = {
        f"random forest ({args.trees} trees, scikit-learn {sklearn.__version__}, 1 thread)":
            (ForestClassifier("random-forest", args.trees, features="raw", min_samples_leaf=2,
                              class_weight="balanced", seed=args.seed),
             ForestClassifier("random-forest", 30, features="raw", min_samples_leaf=2, max_depth=10,
                              seed=args.seed)),
        f"torch MLP (32 hidden, {args.mlp_epochs} epochs, torch {torch.__version__}, float64, "
        "1 training thread)":
            (MLPClassifier(hidden=(32,), epochs=args.mlp_epochs, seed=args.seed),
             MLPClassifier(hidden=(32,), epochs=args.mlp_epochs, balanced=False, seed=args.seed)),
    }
    clf_rows = []
    for name, (cv_model, map_model) in models.items():
        t_cv, res = best_of(lambda cv_model=cv_model: cross_validate(cv_model, X, y, folds), 1)
        t_fit, _ = best_of(lambda map_model=map_model: map_model.fit(feats[train], truth[train]), 1)
        t_map, mp = best_of(lambda map_model=map_model: predict_map(map_model, zion), args.repeats)
        clf_rows.append({"model": name, "cv_seconds_5_folds": t_cv,
                         "cv_accuracy_spatial": res.accuracy,
                         "zion_fit_seconds": t_fit, "zion_map_pixels_per_s": truth.size / t_map,
                         "zion_map_agreement_with_nlcd": float(np.mean(mp.values.ravel() == truth))})
        print(f"done: {name}", flush=True)
    clf = pd.DataFrame(clf_rows).set_index("model")
    for name, row in clf.iterrows():
        rows.append({"part": "classifier", "what": name, **row.to_dict()})

    rf, mlp = clf.iloc[0], clf.iloc[1]
    results += [
        {"case": "spatial 5-fold cross-validation, Raleigh labelled pixels", "method": mlp.name,
         "peer": rf.name, "seconds": mlp["cv_seconds_5_folds"], "peer_seconds": rf["cv_seconds_5_folds"],
         "ratio": mlp["cv_seconds_5_folds"] / rf["cv_seconds_5_folds"],
         "accuracy": mlp["cv_accuracy_spatial"], "peer_accuracy": rf["cv_accuracy_spatial"]},
        {"case": f"whole-scene map, Zion ({truth.size:,} pixels)", "method": mlp.name, "peer": rf.name,
         "seconds": truth.size / mlp["zion_map_pixels_per_s"],
         "peer_seconds": truth.size / rf["zion_map_pixels_per_s"],
         "ratio": rf["zion_map_pixels_per_s"] / mlp["zion_map_pixels_per_s"],
         "agreement_with_nlcd": mlp["zion_map_agreement_with_nlcd"],
         "peer_agreement_with_nlcd": rf["zion_map_agreement_with_nlcd"]},
    ]
    print("\nClassifiers (Raleigh spatial CV; Zion whole-scene map)")
    print(clf.round(3).to_string())
    _write(args, rows, results)


def _write(args: argparse.Namespace, rows: list[dict], results: list[dict]) -> None:
    print()
    for r in results:
        print(f"{r['case']}: ratio {r['ratio']:.4f} ({r['seconds']:.4g} s vs {r['peer_seconds']:.4g} s)")
    out = Path(args.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_csv(out / "bench_area.csv", index=False)
    print(write_results("area", results, args=vars(args)))


if __name__ == "__main__":
    main()
