"""Unit checks of the linkage methods against hand computations and simulations."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

from statmethods.linkage import (
    bcubed,
    bloom_encode,
    dice,
    fellegi_sunter_em,
    frequency_attack,
    jaro_winkler,
    levenshtein,
    levenshtein_similarity,
    link_filters,
    pair_metrics,
    pr_curve,
    review_band,
    secret_key,
)
from statmethods.linkage.fellegi_sunter import observed_information
from statmethods.testing import assert_result_protocol


@pytest.mark.parametrize(("a", "b", "want"), [("martha", "marhta", 0.961111), ("dwayne", "duane", 0.84),
                                              ("dixon", "dicksonx", 0.813333), ("abc", "xyz", 0.0)])
def test_jaro_winkler_matches_winklers_published_examples(a, b, want):
    assert jaro_winkler(a, b) == pytest.approx(want, abs=1e-6)


def test_string_similarities_agree_with_duckdb_on_febrl_surnames(febrl4):
    a, b = febrl4
    names = pd.DataFrame({"x": a["surname"].dropna().to_numpy()[:400],
                          "y": b["surname"].dropna().to_numpy()[:400]})
    got = duckdb.sql("select levenshtein(x, y) d, jaro_winkler_similarity(x, y) jw from names").df()
    assert [levenshtein(x, y) for x, y in zip(names.x, names.y, strict=False)] == got["d"].tolist()
    mine = np.array([jaro_winkler(x, y) for x, y in zip(names.x, names.y, strict=False)])
    np.testing.assert_allclose(mine, got["jw"].to_numpy(), atol=1e-9)
    assert levenshtein_similarity("abcd", "abce") == 0.75


def test_em_recovers_simulated_m_u_and_lambda():
    rng = np.random.default_rng(3)
    n, m, u = 50_000, np.array([0.95, 0.9, 0.8, 0.85]), np.array([0.02, 0.1, 0.3, 0.05])
    match = rng.random(n) < 0.1
    g = np.where(match[:, None], rng.random((n, 4)) < m, rng.random((n, 4)) < u).astype(int)
    fit = fellegi_sunter_em(g)
    assert fit.lambda_ == pytest.approx(0.1, abs=0.01)
    np.testing.assert_allclose(fit.m, m, atol=0.02)
    np.testing.assert_allclose(fit.u, u, atol=0.01)
    prob = fit.match_probability(g)
    assert ((prob > 0.5) == match).mean() > 0.97
    assert "lambda" in str(fit.summary())
    assert_result_protocol(fit)


def _fs_sample(seed: int, n: int, m: np.ndarray, u: np.ndarray, lam: float) -> np.ndarray:
    rng = np.random.default_rng(seed)
    match = rng.random(n) < lam
    return np.where(match[:, None], rng.random((n, len(m))) < m, rng.random((n, len(m))) < u).astype(int)


def test_em_information_is_minus_the_numerical_hessian_of_the_log_likelihood():
    m, u = np.array([0.95, 0.9, 0.8]), np.array([0.02, 0.1, 0.3])
    pat, cnt = np.unique(_fs_sample(1, 5000, m, u, 0.2), axis=0, return_counts=True)
    theta = np.array([0.9, 0.85, 0.7, 0.05, 0.15, 0.25, 0.3])  # any interior point

    def loglik(t: np.ndarray) -> float:
        pm = np.prod(t[:3] ** pat * (1 - t[:3]) ** (1 - pat), axis=1)
        pu = np.prod(t[3:6] ** pat * (1 - t[3:6]) ** (1 - pat), axis=1)
        return float(cnt @ np.log(t[6] * pm + (1 - t[6]) * pu))

    h, eye = 1e-5, np.eye(7)
    hess = np.array([[(loglik(theta + h * (a + b)) - loglik(theta + h * (a - b)) - loglik(theta - h * (a - b))
                       + loglik(theta - h * (a + b))) / (4 * h * h) for b in eye] for a in eye])
    info = observed_information(pat, cnt, theta[:3], theta[3:6], theta[6])
    np.testing.assert_allclose(info, -hess, rtol=1e-4, atol=1e-3 * np.abs(info).max())


def test_em_standard_errors_match_the_spread_over_simulated_files():
    m, u, lam = np.array([0.95, 0.9, 0.8, 0.85]), np.array([0.02, 0.1, 0.3, 0.05]), 0.1
    truth = np.concatenate([m, u, [lam]])
    fits = [fellegi_sunter_em(_fs_sample(seed, 5000, m, u, lam)) for seed in range(100)]
    est = np.array([f.estimates.to_numpy() for f in fits])
    se = np.array([f.se.to_numpy() for f in fits])
    ratio = se.mean(axis=0) / est.std(axis=0, ddof=1)
    assert ((ratio > 0.8) & (ratio < 1.25)).all(), ratio
    ci = [f.conf_int() for f in fits]
    covered = np.array([(c["lower"].to_numpy() <= truth) & (truth <= c["upper"].to_numpy()) for c in ci])
    assert 0.92 <= covered.mean() <= 0.98, covered.mean()
    assert all(((c["lower"] > 0) & (c["upper"] < 1)).all() for c in ci)


def test_em_estimates_on_the_boundary_have_no_standard_error():
    g = _fs_sample(2, 4000, np.array([0.9, 0.8, 0.85]), np.array([0.1, 0.2, 0.05]), 0.3)
    g = np.column_stack([g, np.ones(len(g), int)])  # a field on which every pair agrees
    fit = fellegi_sunter_em(g)
    assert np.isnan(fit.se[["x3: m", "x3: u"]]).all()
    assert np.isfinite(fit.se.drop(["x3: m", "x3: u"])).all()
    two_fields = fellegi_sunter_em(_fs_sample(3, 4000, np.array([0.9, 0.8]), np.array([0.1, 0.2]), 0.3))
    assert np.isnan(two_fields.se).all()  # 5 parameters, 3 degrees of freedom: not identified
    assert_result_protocol(fit)


def test_pair_metrics_and_wilson_interval_by_hand():
    pred = pd.DataFrame({"id_l": list(range(10)), "id_r": list(range(10))})
    truth = pd.DataFrame({"id_l": list(range(2, 12)), "id_r": list(range(2, 12))})
    met = pair_metrics(pred, truth)
    assert (met.tp, met.fp, met.fn) == (8, 2, 2)
    lo, hi = met.conf_int().loc["precision"]
    assert lo == pytest.approx(0.4902, abs=1e-4) and hi == pytest.approx(0.9433, abs=1e-4)


def test_pr_curve_counts_blocking_losses_in_recall():
    s = pd.DataFrame({"match_probability": [0.99, 0.9, 0.6, 0.2]})
    cur = pr_curve(s, np.array([1, 1, 0, 1], bool), n_true=5, thresholds=[0.5, 0.1])
    assert cur["recall"].tolist() == [0.4, 0.6]
    assert cur["precision"].round(4).tolist() == [0.6667, 0.75]


def test_bcubed_is_one_for_the_truth_and_matches_a_hand_example():
    t = pd.Series(["a", "a", "a", "b", "b"])
    assert bcubed(t, t).tolist() == [1.0, 1.0, 1.0]
    one = bcubed(pd.Series([0, 0, 0, 0, 0]), t)
    assert one["recall"] == 1.0 and one["precision"] == pytest.approx((3 * 3 / 5 + 2 * 2 / 5) / 5)


def test_review_band_refuses_a_reversed_band():
    with pytest.raises(ValueError, match="lower bound below"):
        review_band(pd.DataFrame({"match_probability": [0.5]}), 0.9, 0.1)


def test_bloom_filters_depend_on_the_key_and_keep_similarity():
    df = pd.DataFrame({"n": ["jonathan", "jonathon", "mary"]})
    f1, f2 = bloom_encode(df, {"n": 20}, b"key one"), bloom_encode(df, {"n": 20}, b"key two")
    assert not (f1[0] == f2[0]).all()
    assert dice(f1[0], f1[1]) > 0.7 > dice(f1[0], f1[2])
    links = link_filters(f1, f1, ["a", "b", "c"], ["a", "b", "c"], threshold=0.9).links
    assert links[["id_l", "id_r"]].values.tolist() == [["a", "a"], ["b", "b"], ["c", "c"]]


def test_production_mode_refuses_without_the_key(monkeypatch):
    monkeypatch.delenv("STATMETHODS_PPRL_KEY", raising=False)
    with pytest.raises(ValueError, match="STATMETHODS_PPRL_KEY"):
        secret_key("production")
    monkeypatch.setenv("STATMETHODS_PPRL_KEY", "s3cret")
    assert secret_key("production") == (b"s3cret", "environment")


def test_salting_defeats_the_frequency_attack_on_field_level_filters():
    rng = np.random.default_rng(0)
    names = rng.choice(["ann", "bob", "cy", "di", "ed"], p=[0.4, 0.25, 0.15, 0.12, 0.08], size=2000)
    years = rng.integers(1930, 2000, size=2000).astype(str)
    df = pd.DataFrame({"n": names, "y": years})
    public = rng.choice(["ann", "bob", "cy", "di", "ed"], p=[0.4, 0.25, 0.15, 0.12, 0.08], size=5000)
    plain = frequency_attack(bloom_encode(df, {"n": 20}, b"k"), names, public, top=5)
    salted = frequency_attack(bloom_encode(df, {"n": 20}, b"k", salt="y"), names, public, top=5)
    assert plain["records_revealed"] > 0.9
    assert salted["records_revealed"] < 0.05


@pytest.mark.parametrize(("p", "n"), [(0.4, 500), (0.97, 200), (0.05, 100)])
def test_wilson_interval_covers_a_sampled_rate_at_its_level(p, n):
    """The mock combination's interval: a sample of n survey records from 3,094, rate p."""
    from statmethods.linkage import wilson_interval

    rng = np.random.default_rng(11)
    population = np.zeros(3094, bool)
    population[: int(round(p * 3094))] = True
    true = population.mean()
    hits = 0
    for _ in range(2000):
        k = int(rng.choice(population, size=n, replace=False).sum())
        lo, hi = wilson_interval(k, n, 0.95)
        hits += lo <= true <= hi
    assert hits / 2000 >= 0.93
