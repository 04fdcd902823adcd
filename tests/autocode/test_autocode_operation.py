"""Splits, coverage curves, thresholds and hierarchical fallback (statmethods.autocode.operation)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from statmethods.autocode.hierarchy import prefix_hierarchy
from statmethods.autocode.operation import (
    auto_coding_table,
    coverage_curve,
    fallback_thresholds,
    hierarchical_fallback,
    run_autocode,
    stratified_split,
    threshold_for_accuracy,
    worst_codes,
)


def test_split_puts_every_common_code_in_all_parts_and_reports_rare_codes():
    codes = ["a"] * 50 + ["b"] * 7 + ["c"] * 3 + ["d"] * 2 + ["e"]
    s = stratified_split(codes, seed=3)
    df = pd.DataFrame({"code": codes, "part": s.part})
    tab = pd.crosstab(df["code"], df["part"])
    assert (tab.loc[["a", "b", "c"], ["train", "calibration", "test"]] >= 1).all().all()
    assert tab.loc["a"].to_dict() == {"calibration": 10, "test": 10, "train": 30}
    assert s.rare_codes == ["d", "e"] and set(df.loc[df.code.isin(["d", "e"]), "part"]) == {"train"}
    assert (stratified_split(codes, seed=3).part == s.part).all()


def test_coverage_curve_matches_brute_force():
    rng = np.random.default_rng(0)
    conf = np.round(rng.random(300), 2)  # ties on purpose
    ok = rng.random(300) < conf
    curve = coverage_curve(conf, ok)
    for _, r in curve.sample(20, random_state=1).iterrows():
        m = conf >= r["threshold"]
        assert r["n_coded"] == m.sum() and r["accuracy"] == pytest.approx(ok[m].mean())


def test_threshold_on_calibrated_scores_gives_the_target_accuracy_on_new_data():
    # simulation with known truth: a record with confidence c is right with probability c
    rng = np.random.default_rng(42)
    accs, covs = [], []
    for _ in range(200):
        conf = rng.beta(5, 1, size=(2, 2000))
        ok = rng.random((2, 2000)) < conf
        tab = auto_coding_table(conf[0], ok[0], conf[1], ok[1], targets=[0.95])
        accs.append(tab["accuracy_test"].iloc[0])
        covs.append(tab["coverage_test"].iloc[0])
    # coded share where mean confidence above t is 0.95: E[c | c>=t] = 0.95 under Beta(5,1)
    assert np.mean(accs) == pytest.approx(0.95, abs=0.004)
    assert 0.2 < np.mean(covs) < 0.6


def test_unreachable_target_is_reported_not_silently_dropped():
    conf = np.linspace(0.2, 0.9, 100)
    ok = np.arange(100) % 2 == 0  # 50% accuracy everywhere
    assert threshold_for_accuracy(conf, ok, 0.95) is None
    tab = auto_coding_table(conf, ok, conf, ok, targets=[0.95])
    assert (
        not tab["reachable"].iloc[0] and tab["coverage_test"].iloc[0] == 0 and tab["human_queue"].iloc[0] == 1
    )


def test_fallback_keeps_each_level_at_target_on_the_data_it_was_chosen_on():
    rng = np.random.default_rng(5)
    n = 5000
    coarse = rng.beta(8, 1, n)
    fine = coarse * rng.beta(4, 1, n)
    conf = {"coarse": coarse, "fine": fine}
    ok = {k: rng.random(n) < v for k, v in conf.items()}
    th = fallback_thresholds(conf, ok, ["coarse", "fine"], 0.9)
    fb = hierarchical_fallback(conf, ok, th, ["coarse", "fine"])
    assert fb["share"].sum() == pytest.approx(1.0)
    assert (fb.loc[["fine", "coarse"], "accuracy"] >= 0.9 - 1e-12).all()
    assert fb.loc["human queue", "share"] < 1 - fb.loc["fine", "share"]


def test_worst_codes_lists_the_most_confused_code():
    truth = ["a"] * 5 + ["b"] * 5
    pred = ["b", "b", "b", "a", "a"] + ["b"] * 5
    w = worst_codes(truth, pred)
    assert w.iloc[0].to_dict() == {
        "code": "a",
        "n_test": 5,
        "errors": 3,
        "recall": 0.4,
        "confused_with": "b",
        "n_confused": 3,
    }


def test_run_autocode_end_to_end_on_a_small_labelled_set():
    rng = np.random.default_rng(0)
    vocab = {
        "A1": "wheat corn barley",
        "A2": "cattle dairy sheep",
        "B1": "bread cake cookie",
        "B2": "steel iron pipe",
    }
    texts, codes = [], []
    for code, words in vocab.items():
        w = words.split()
        for _ in range(30):
            texts.append(" ".join(rng.choice(w, 2)) + " " + rng.choice(["farm", "plant", "shop", "works"]))
            codes.append(code)
    r = run_autocode(
        texts, codes, prefix_hierarchy((1, 2)), model="baseline", seed=1, targets=[0.95, 0.999999]
    )
    assert r.metrics.loc["2 char", "accuracy"] > 0.9
    assert list(r.split_counts) == [72, 24, 24]
    assert r.summary().table.shape[0] == 2
    assert r.rate_table().shape == (2, 2)
    with pytest.raises(ValueError, match="expected codes of 2 characters"):
        run_autocode(texts + ["x"], codes + ["ABC"], prefix_hierarchy((1, 2)))
