"""Stratified area and accuracy estimators against published figures and an independent computation."""

import math

import numpy as np
import pytest

from statmethods.area import (
    allocate_sample,
    counts_from_samples,
    sample_size_overall_accuracy,
    stratified_area_estimate,
    stratified_estimates_batch,
)
from statmethods.data.reference import reference
from statmethods.testing import assert_result_protocol

# Olofsson et al. (2014), Remote Sensing of Environment 148, Table 8 and p. 54; (2013) Example 1.
OLOFSSON = reference("olofsson")
PUB = OLOFSSON["olofsson2014"]
COUNTS_2014 = PUB["sample_counts"]
AREA_2014 = PUB["map_area_px"]
NAMES_2014 = PUB["class_names"]
EX_2013 = OLOFSSON["olofsson2013_example1"]


@pytest.fixture(scope="module")
def olofsson2014():
    return stratified_area_estimate(COUNTS_2014, AREA_2014, NAMES_2014, pixel_area=0.09)


def test_stratified_area_matches_olofsson_2014_section_5(olofsson2014):
    # Published: 21,158 ± 6,158; 11,686 ± 3,756; 285,770 ± 15,510; 581,386 ± 16,282 ha.
    np.testing.assert_allclose(olofsson2014.area.round(0), PUB["area_ha"])
    # The paper used z = 1.96 (we use the exact quantile), so allow one hectare.
    np.testing.assert_allclose(olofsson2014.area_ci, PUB["area_ci_ha"], atol=1.0)
    with_196 = PUB["z_used"] * olofsson2014.area_se
    np.testing.assert_allclose(with_196.round(0), PUB["area_ci_ha"])


def test_accuracies_match_olofsson_2014_at_published_precision(olofsson2014):
    np.testing.assert_allclose(olofsson2014.users_accuracy.round(2), PUB["users_accuracy"])
    np.testing.assert_allclose((olofsson2014.z * olofsson2014.users_se).round(2), PUB["users_ci"])
    np.testing.assert_allclose(olofsson2014.producers_accuracy.round(2), PUB["producers_accuracy"])
    assert round(olofsson2014.overall_accuracy, 2) == PUB["overall_accuracy"]
    assert round(olofsson2014.z * olofsson2014.overall_accuracy_se, 2) == PUB["overall_accuracy_ci"]


def test_estimated_proportions_match_olofsson_2014_table_9(olofsson2014):
    # Table 9, first row and diagonal (area proportions, 4 decimals).
    p = olofsson2014.proportions.to_numpy()
    np.testing.assert_allclose(p[0].round(4), PUB["proportions_first_row"])
    np.testing.assert_allclose(np.diag(p).round(4), PUB["proportions_diagonal"])


def _independent(counts, npix):
    """Olofsson et al. (2013) in pixel-count form, written as plain loops."""
    k = len(counts)
    n_row = [sum(r) for r in counts]
    ntot = sum(npix)
    nhat = [sum(npix[i] * counts[i][j] / n_row[i] for i in range(k)) for j in range(k)]
    out = {"area": [], "area_se": [], "ua": [], "ua_se": [], "pa": [], "pa_se": []}
    for j in range(k):
        out["area"].append(nhat[j])
        v = sum(npix[i] ** 2 * (counts[i][j] / n_row[i]) * (1 - counts[i][j] / n_row[i]) / (n_row[i] - 1)
                for i in range(k))
        out["area_se"].append(math.sqrt(v))
        u = counts[j][j] / n_row[j]
        out["ua"].append(u)
        out["ua_se"].append(math.sqrt(u * (1 - u) / (n_row[j] - 1)))
        pa = npix[j] * counts[j][j] / n_row[j] / nhat[j]
        out["pa"].append(pa)
        t1 = npix[j] ** 2 * (1 - pa) ** 2 * u * (1 - u) / (n_row[j] - 1)
        t2 = pa**2 * sum(npix[i] ** 2 * (counts[i][j] / n_row[i]) * (1 - counts[i][j] / n_row[i])
                         / (n_row[i] - 1) for i in range(k) if i != j)
        out["pa_se"].append(math.sqrt((t1 + t2) / nhat[j] ** 2))
    oa = sum(npix[i] / ntot * counts[i][i] / n_row[i] for i in range(k))
    oa_se = math.sqrt(sum((npix[i] / ntot) ** 2 * out["ua"][i] * (1 - out["ua"][i]) / (n_row[i] - 1)
                          for i in range(k)))
    return out, oa, oa_se


@pytest.mark.parametrize(
    "counts, npix",
    [
        (COUNTS_2014, AREA_2014),
        # Olofsson et al. (2013), Example 1.
        (EX_2013["sample_counts"], EX_2013["map_area_px"]),
        # A hand-made 2-class cropland map.
        ([[92, 8], [6, 194]], [120000, 880000]),
    ],
)
def test_estimator_matches_independent_pixel_count_formulas(counts, npix):
    r = stratified_area_estimate(counts, npix, pixel_area=1.0)
    ref, oa, oa_se = _independent(counts, npix)
    np.testing.assert_allclose(r.area, ref["area"], rtol=1e-12)
    np.testing.assert_allclose(r.area_se, ref["area_se"], rtol=1e-12)
    np.testing.assert_allclose(r.users_accuracy, ref["ua"], rtol=1e-12)
    np.testing.assert_allclose(r.users_se, ref["ua_se"], rtol=1e-12)
    np.testing.assert_allclose(r.producers_accuracy, ref["pa"], rtol=1e-12)
    np.testing.assert_allclose(r.producers_se, ref["pa_se"], rtol=1e-12)
    assert r.overall_accuracy == pytest.approx(oa, rel=1e-12)
    assert r.overall_accuracy_se == pytest.approx(oa_se, rel=1e-12)


def test_batch_estimates_equal_one_at_a_time_estimates():
    rng = np.random.default_rng(1)
    w = np.array(AREA_2014) / sum(AREA_2014)
    batch = rng.integers(1, 50, size=(5, 4, 4))
    b = stratified_estimates_batch(batch, w)
    for r in range(5):
        one = stratified_area_estimate(batch[r], AREA_2014, pixel_area=1.0)
        np.testing.assert_allclose(b["area_prop"][r], one.area_proportion)
        np.testing.assert_allclose(b["producers_se"][r], one.producers_se)


def test_area_interval_covers_at_nominal_rate_for_common_classes():
    # Synthetic population with known truth; large per-stratum samples so the normal
    # approximation holds. Coverage must be within 3 Monte Carlo SEs of 95%.
    rng = np.random.default_rng(7)
    q = np.array([[0.8, 0.15, 0.05], [0.1, 0.85, 0.05], [0.05, 0.15, 0.8]])
    w = np.array([0.3, 0.5, 0.2])
    n = [150, 200, 150]
    reps = 4000
    sims = np.stack([rng.multinomial(n[i], q[i], size=reps) for i in range(3)], axis=1)
    est = stratified_estimates_batch(sims, w)
    truth = (w[:, None] * q).sum(axis=0)
    z = 1.959963984540054
    cover = (np.abs(est["area_prop"] - truth) <= z * est["area_prop_se"]).mean(axis=0)
    mcse = math.sqrt(0.95 * 0.05 / reps)
    assert np.all(np.abs(cover - 0.95) < 3 * mcse + 0.005), cover
    oa_true = (w * np.diag(q)).sum()
    oa_cover = (np.abs(est["overall"] - oa_true) <= z * est["overall_se"]).mean()
    assert abs(oa_cover - 0.95) < 3 * mcse + 0.005


def test_sample_size_matches_olofsson_2014_example():
    w = np.array(AREA_2014) / sum(AREA_2014)
    n = sample_size_overall_accuracy(w, PUB["anticipated_users_accuracy"], PUB["target_se"])
    assert n == PUB["sample_size"] == 641


def test_allocation_sums_to_n_and_respects_floor():
    w = [0.02, 0.015, 0.32, 0.645]
    for method in ["proportional", "equal"]:
        a = allocate_sample(641, w, method, min_per_stratum=75)
        assert a.sum() == 641 and a.min() >= 75
    ney = allocate_sample(641, w, "neyman", expected_users_accuracy=[0.7, 0.6, 0.9, 0.95])
    assert ney.sum() == 641
    # Neyman gives a high-variance stratum more than proportional does.
    assert ney[1] > allocate_sample(641, w, "proportional")[1]


def test_counts_from_samples_crosstabs_in_class_order():
    t = counts_from_samples(["a", "a", "b"], ["a", "b", "b"], ["b", "a"])
    assert t.to_numpy().tolist() == [[1, 0], [1, 1]]


def test_counts_from_samples_names_a_class_outside_the_legend():
    with pytest.raises(ValueError, match=r"reference_class holds value\(s\) \['c'\]"):
        counts_from_samples(["a", "b"], ["a", "c"], ["a", "b"])


def test_result_protocol_estimates_se_and_conf_int_at_another_level(olofsson2014):
    assert olofsson2014.estimates.equals(olofsson2014.area)
    assert olofsson2014.se.equals(olofsson2014.area_se)
    ci90 = olofsson2014.conf_int(0.90)
    half = (ci90["upper"] - ci90["lower"]) / 2
    np.testing.assert_allclose(half, 1.6448536269514722 * olofsson2014.area_se)
    users = olofsson2014.users_conf_int(0.90)
    np.testing.assert_allclose((users["upper"] - users["lower"]) / 2,
                               1.6448536269514722 * olofsson2014.users_se)
    prod = olofsson2014.producers_conf_int()
    np.testing.assert_allclose(prod["upper"] - olofsson2014.producers_accuracy,
                               olofsson2014.z * olofsson2014.producers_se)
    assert_result_protocol(olofsson2014)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"sample_counts": [[5, -1], [2, 8]]}, "non-negative"),
        ({"sample_counts": [[5, 1, 0], [2, 8, 0]]}, "square"),
        ({"sample_counts": [[5, 1], [0, 0]]}, "at least 2"),
        ({"map_area": [10, 20, 30]}, "one mapped area per class"),
        ({"class_names": ["a", "b", "c"]}, "class_names has 3 names"),
        ({"confidence": 1.2}, "between 0 and 1"),
        ({"confidence": 0}, "between 0 and 1"),
        ({"pixel_area": -1}, "positive"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(kwargs, message):
    args = {"sample_counts": [[5, 1], [2, 8]], "map_area": [100, 200], "class_names": ["a", "b"],
            "pixel_area": 1.0, "confidence": 0.95} | kwargs
    with pytest.raises(ValueError, match=message):
        stratified_area_estimate(args.pop("sample_counts"), args.pop("map_area"), args.pop("class_names"),
                                 **args)


def test_summary_prints_overall_accuracy_and_every_class(olofsson2014):
    text = str(olofsson2014.summary())
    assert "0.947 ± 0.018" in text
    for name in NAMES_2014:
        assert name in text


def test_class_absent_from_map_and_sample_contributes_nothing():
    two = stratified_area_estimate([[5, 1], [2, 8]], [100, 200], ["a", "b"], pixel_area=1.0)
    three = stratified_area_estimate([[5, 1, 0], [2, 8, 0], [0, 0, 0]], [100, 200, 0], ["a", "b", "c"],
                                     pixel_area=1.0)
    np.testing.assert_allclose(three.area.iloc[:2], two.area)
    np.testing.assert_allclose(three.area_se.iloc[:2], two.area_se)
    assert three.area.iloc[2] == 0 and np.isnan(three.users_accuracy.iloc[2])
    assert three.overall_accuracy == pytest.approx(two.overall_accuracy)
