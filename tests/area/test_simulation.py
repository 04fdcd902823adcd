"""Tests for stratified sampling from a known-truth map and the vectorised coverage simulation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from statmethods.area.coverage import interval_coverage
from statmethods.area.simulators import (
    cap_allocation,
    coverage_simulation,
    coverage_simulation_loop,
    draw_stratified_sample,
    population_confusion,
    simulate_sample_counts,
    simulate_stratified_accuracy,
)
from statmethods.testing import assert_result_protocol

# A small known-truth population: rows = map class (stratum), columns = reference class.
POP = np.array([[8_000, 1_500, 500], [600, 20_000, 1_400], [900, 2_100, 65_000]])


def _exact_variance(pop: np.ndarray, alloc: np.ndarray) -> np.ndarray:
    """Design variance of the stratified area proportion under SRS without replacement (Cochran 5.7)."""
    n_h = pop.sum(axis=1)
    w = n_h / n_h.sum()
    p = pop / n_h[:, None]
    fpc = (n_h - alloc) / (n_h - 1)
    return (w[:, None] ** 2 * fpc[:, None] * p * (1 - p) / alloc[:, None]).sum(axis=0)


def test_population_confusion_matches_crosstab():
    rng = np.random.default_rng(0)
    m, r = rng.choice(["a", "b", "c"], 500), rng.choice(["a", "b", "c"], 500)
    want = pd.crosstab(m, r).to_numpy()
    np.testing.assert_array_equal(population_confusion(m, r, ["a", "b", "c"]).to_numpy(), want)
    with pytest.raises(ValueError, match=r"not in classes.*'other' class"):
        population_confusion(m, r, ["a", "b"])


def test_draw_stratified_sample_takes_allocation_without_replacement():
    rng = np.random.default_rng(1)
    strata = rng.choice([1, 2, 3], size=(50, 40), p=[0.1, 0.3, 0.6])
    s = draw_stratified_sample(strata, [20, 30, 40], [1, 2, 3], rng=rng)
    assert s.groupby("stratum").size().tolist() == [20, 30, 40]
    assert s["index"].is_unique
    np.testing.assert_array_equal(strata.ravel()[s["index"]], s["stratum"])
    np.testing.assert_array_equal(strata[s["row"], s["col"]], s["stratum"])
    with pytest.raises(ValueError, match="asks for 9999 pixels in stratum 1"):
        draw_stratified_sample(strata, [9999, 1, 1], [1, 2, 3], rng=rng)


def test_simulated_counts_have_hypergeometric_moments():
    alloc = np.array([50, 60, 70])
    c = simulate_sample_counts(POP, alloc, 20_000, rng=np.random.default_rng(2))
    assert c.shape == (20_000, 3, 3)
    np.testing.assert_array_equal(c.sum(axis=2), np.broadcast_to(alloc, (20_000, 3)))
    n_h = POP.sum(axis=1, keepdims=True)
    p = POP / n_h
    mean = alloc[:, None] * p
    var = alloc[:, None] * p * (1 - p) * (n_h - alloc[:, None]) / (n_h - 1)
    np.testing.assert_allclose(c.mean(axis=0), mean, atol=4 * np.sqrt(var.max() / 20_000) + 1e-9)
    np.testing.assert_allclose(c.var(axis=0), var, rtol=0.05)


def test_stratified_estimator_is_unbiased_with_exact_variance_and_nominal_coverage():
    alloc = np.array([100, 100, 100])
    sim = coverage_simulation(POP, alloc, n_replicates=8_000, seed=3, pixel_area=1.0)
    truth = POP.sum(axis=0) / POP.sum()
    np.testing.assert_allclose(sim.true_prop, truth)
    mc_se = sim.draws.std(axis=0) / np.sqrt(8_000)
    assert np.all(np.abs(sim.draws.mean(axis=0) - truth) < 4 * mc_se)
    np.testing.assert_allclose(sim.draws.var(axis=0), _exact_variance(POP, alloc), rtol=0.06)


def test_intervals_cover_at_nominal_rate_when_no_class_is_rare_in_any_stratum():
    pop = np.array([[6_000, 2_000, 2_000], [2_000, 14_000, 4_000], [3_000, 3_000, 24_000]])
    sim = coverage_simulation(pop, [200, 200, 200], n_replicates=8_000, seed=7)
    cov = sim.table()["coverage"].to_numpy()
    assert np.all(np.abs(cov - 0.95) < 0.01), cov  # MC SE of a coverage rate here is 0.0024


def test_rare_omission_in_large_strata_undercovers():
    # The chapter's warning: class 1 hides at 1-3% in the two large strata, where 100 units find
    # only one or two of its pixels; the normal interval then covers well below 95%.
    sim = coverage_simulation(POP, [100, 100, 100], n_replicates=8_000, seed=3)
    assert sim.table()["coverage"].iloc[0] < 0.92


def test_pixel_counting_bias_is_row_minus_column_total():
    sim = coverage_simulation(POP, [50, 50, 50], n_replicates=10, pixel_area=0.09)
    t = sim.table()
    want = (POP.sum(axis=1) - POP.sum(axis=0)) * 0.09
    np.testing.assert_allclose(t["pixel_count_bias_ha"], want)
    np.testing.assert_allclose(t["true_area_ha"], POP.sum(axis=0) * 0.09)


def test_vectorised_and_loop_simulations_agree_in_distribution():
    rng = np.random.default_rng(4)
    ref = rng.choice([0, 1, 2], size=(60, 50), p=[0.2, 0.3, 0.5])
    noise = rng.random(ref.shape) < 0.25
    mapped = np.where(noise, rng.choice([0, 1, 2], size=ref.shape), ref)
    pop = population_confusion(mapped, ref, [0, 1, 2])
    alloc = [30, 30, 30]
    loop = coverage_simulation_loop(mapped, ref, [0, 1, 2], alloc, n_replicates=200, seed=5)
    vec = coverage_simulation(pop, alloc, n_replicates=4_000, seed=6)
    np.testing.assert_array_equal(loop.population, vec.population)
    sd = vec.draws.std(axis=0)
    assert np.all(np.abs(loop.draws.mean(axis=0) - vec.true_prop) < 4 * sd / np.sqrt(200))
    np.testing.assert_allclose(loop.draws.std(axis=0), sd, rtol=0.2)


def test_stratum_with_one_unit_is_refused():
    with pytest.raises(ValueError, match=r"'b' has .* only 1 sample unit.*min_per_stratum=2"):
        coverage_simulation(POP, [10, 1, 10], class_names=["a", "b", "c"])


def test_class_missing_from_the_map_gets_zero_weight():
    pop = np.array([[500, 20, 7], [30, 900, 3], [0, 0, 0]])
    sim = coverage_simulation(pop, [40, 40, 0], n_replicates=500, seed=1)
    assert np.all(np.isfinite(sim.draws)) and np.all(np.isfinite(sim.draw_se))
    assert sim.draws.sum(axis=1) == pytest.approx(np.ones(500))
    assert_result_protocol(sim)
    assert "coverage" in str(sim.summary())


def test_cap_allocation_takes_small_strata_whole_and_keeps_the_total():
    a = cap_allocation([500, 500, 500, 500], [11, 10_000, 20_000, 70_000])
    assert a.tolist() == [11, 663, 663, 663] and a.sum() == 2000
    b = cap_allocation([300, 300, 300], [50, 280, 10_000])  # a second stratum overflows after the first
    assert b.tolist()[:2] == [50, 280] and b.sum() == 900
    assert cap_allocation([5, 5], [100, 100]).tolist() == [5, 5]
    with pytest.raises(ValueError, match="larger than the 20 pixels"):
        cap_allocation([15, 15], [10, 10])


# ------------------------------------------------------------------ interval coverage helper
def test_interval_coverage_counts_intervals_that_hold_the_truth_and_binomial_mcse():
    est = np.array([0.0, 1.0, 2.5, -1.9, np.nan])
    cov = interval_coverage(est, np.ones(5), 0.0, 0.95)
    # |e| <= 1.96: 0, 1 and -1.9 are inside, 2.5 is outside; the NaN replicate is left out.
    assert cov.estimates.iloc[0] == pytest.approx(3 / 4)
    assert cov.se.iloc[0] == pytest.approx(np.sqrt(0.75 * 0.25 / 4))
    assert int(cov.n_valid.iloc[0]) == 4


def test_interval_coverage_of_exact_normal_intervals_is_nominal_within_monte_carlo_error():
    rng = np.random.default_rng(11)
    truth = np.array([3.0, -1.0])
    est = truth + rng.normal(0, [0.5, 2.0], size=(20_000, 2))
    cov = interval_coverage(est, np.array([0.5, 2.0]), truth, 0.9, names=["a", "b"])
    assert np.all(np.abs(cov.estimates - 0.9) < 4 * cov.se)
    assert cov.table()["empirical_se"].to_numpy() == pytest.approx([0.5, 2.0], rel=0.03)
    assert_result_protocol(cov)


def test_interval_coverage_refuses_bad_confidence_and_shapes():
    with pytest.raises(ValueError, match="between 0 and 1"):
        interval_coverage([1.0], [1.0], 0.0, 1.5)
    with pytest.raises(ValueError, match="broadcast"):
        interval_coverage(np.zeros((4, 2)), np.ones(3), 0.0)


def test_simulate_stratified_accuracy_equals_the_hand_written_multinomial_loop():
    counts = np.array([[66, 0, 5, 4], [0, 55, 8, 12], [1, 0, 153, 11], [2, 1, 9, 313]], dtype=float)
    area = np.array([200_000, 150_000, 3_200_000, 6_450_000], dtype=float)
    sim = simulate_stratified_accuracy(counts, area, n_replicates=300, seed=5)
    # The same draws by hand (the loop the area-accuracy chapter used to hold).
    rng = np.random.default_rng(5)
    q = counts / counts.sum(axis=1, keepdims=True)
    sizes = counts.sum(axis=1)
    draws = np.stack([rng.multinomial(int(n), q[i], size=300) for i, n in enumerate(sizes)], axis=1)
    n = draws.sum(axis=-1, keepdims=True)
    p = area / area.sum()
    est = (p[:, None] * draws / n).sum(axis=-2)
    se = np.sqrt((p[:, None] ** 2 * (draws / n) * (1 - draws / n) / (n - 1)).sum(axis=-2))
    truth = (p[:, None] * q).sum(axis=0)
    hand = (np.abs(est - truth) <= 1.959963984540054 * se).mean(axis=0)
    assert sim.coverage["area"].estimates.to_numpy() == pytest.approx(hand)
    assert sim.rates["area"].to_numpy() == pytest.approx(hand)
    assert sim.estimates.loc["area"].to_numpy() == pytest.approx(hand)
    assert_result_protocol(sim)
    assert_result_protocol(sim.coverage["area"])


def test_simulate_fay_herriot_coverage_is_near_nominal_for_known_model():
    from statmethods.area import fay_herriot, simulate_fay_herriot

    rng = np.random.default_rng(2)
    m = 40
    x = rng.normal(size=m)
    d = rng.uniform(0.5, 1.5, m)
    df = pd.DataFrame({"y": 1 + x + rng.normal(0, 1, m) + rng.normal(0, np.sqrt(d)), "x": x, "D": d})
    fit = fay_herriot("y ~ x", df, "D")
    sim = simulate_fay_herriot(fit, df, "D", n_replicates=60, seed=3)
    # Direct intervals are exact under the model: nominal within Monte Carlo error.
    assert abs(sim.estimates["direct"] - 0.95) < 4 * sim.se["direct"] + 0.005
    assert 0.85 < sim.estimates["eblup"] < 1.0
    assert sim.table()["mean interval length"].iloc[0] < sim.table()["mean interval length"].iloc[1]
    assert sim.table()["coverage"].tolist() == sim.estimates.tolist()
    assert_result_protocol(sim)


def test_simulate_regression_estimator_is_unbiased_and_beats_direct_on_a_linear_frame():
    from statmethods.area import simulate_regression_estimator

    rng = np.random.default_rng(4)
    s = pd.DataFrame({"h": np.repeat(["a", "b", "c"], 8), "x": rng.uniform(0, 10, 24)})
    s["y"] = 3 * s["x"] + rng.normal(0, 2, 24)
    pop = pd.DataFrame({"N": [200, 300, 250], "x": [5.0, 4.0, 6.0]}, index=["a", "b", "c"])
    sim = simulate_regression_estimator(s, "y", "x", pop, strata="h", n_replicates=150, seed=9)
    t = sim.table()
    assert abs(t.loc["regression", "relative_bias_pct"]) < 2
    assert t.loc["regression", "true_se"] < t.loc["direct", "true_se"]
    assert_result_protocol(sim)
