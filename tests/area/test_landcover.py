"""statmethods.area.landcover: areas from a classified map and a stratified reference sample."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from statmethods.area.landcover import (
    area_comparison,
    area_from_reference_sample,
    confusion_corrected_shares,
    stratified_reference_sample,
)


def _population(seed: int = 0):
    """A synthetic population with known classes and a map with known confusion (simulation truth)."""
    rng = np.random.default_rng(seed)
    truth = rng.choice(3, size=20_000, p=[0.6, 0.3, 0.1])
    confuse = np.array([[0.82, 0.10, 0.08], [0.15, 0.80, 0.05], [0.30, 0.10, 0.60]])
    u = rng.random(truth.size)[:, None]
    mapped = (u > np.cumsum(confuse[truth], axis=1)).sum(axis=1)
    return truth, mapped


def test_a_census_reference_sample_recovers_the_true_areas_exactly():
    truth, mapped = _population()
    everyone = np.arange(truth.size)
    r = area_from_reference_sample(mapped, everyone, truth[everyone], [0, 1, 2], pixel_area=0.0064)
    np.testing.assert_allclose(r.area.to_numpy(), np.bincount(truth) * 0.0064, rtol=1e-12)
    np.testing.assert_allclose(r.map_area.to_numpy(), np.bincount(mapped) * 0.0064)


def test_stratified_area_is_unbiased_and_its_intervals_cover_where_pixel_counts_are_biased():
    truth, mapped = _population()
    true_area = np.bincount(truth).astype(float)
    pixel_count = np.bincount(mapped).astype(float)
    assert abs(pixel_count[2] - true_area[2]) / true_area[2] > 0.1  # the map over-counts class 2
    est, cover = [], []
    for rep in range(400):
        s = stratified_reference_sample(mapped, 50, seed=rep)
        r = area_from_reference_sample(mapped, s, truth[s], [0, 1, 2])
        ci = r.conf_int()
        est.append(r.area.to_numpy())
        cover.append(((ci["lower"] <= true_area) & (true_area <= ci["upper"])).to_numpy())
    est = np.array(est)
    se_mean = est.std(axis=0) / np.sqrt(len(est))
    assert np.all(np.abs(est.mean(axis=0) - true_area) < 4 * se_mean)
    coverage = np.mean(cover, axis=0)
    assert np.all((coverage > 0.91) & (coverage < 0.98)), coverage


def test_area_comparison_lines_up_estimates_and_truth():
    truth, mapped = _population()
    s = stratified_reference_sample(mapped, 30, seed=1)
    r = area_from_reference_sample(mapped, s, truth[s], [0, 1, 2])
    proba = np.eye(3)[mapped]
    t = area_comparison(r, true_labels=truth, proba=proba)
    np.testing.assert_allclose(t["pixel_count"], np.bincount(mapped))
    np.testing.assert_allclose(t["probability_sum"], np.bincount(mapped))  # hard labels: same
    np.testing.assert_allclose(t["true"], np.bincount(truth))
    assert t["covered"].dtype == bool


def test_matrix_inversion_recovers_shares_when_the_errors_transfer():
    truth, mapped = _population()
    true_share = np.bincount(truth) / truth.size
    # the population's own P(predicted | true): expected mapped shares are exactly C.T @ p
    c = pd.crosstab(truth, mapped).to_numpy()
    np.testing.assert_allclose(confusion_corrected_shares(np.bincount(mapped), c), true_share, atol=1e-12)
    # the same error rates applied to another population with other shares still recover them
    p_new = np.array([0.2, 0.3, 0.5])
    cond = c / c.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(confusion_corrected_shares(cond.T @ p_new * 1000, c), p_new, atol=1e-12)
    with pytest.raises(ValueError, match="singular"):
        confusion_corrected_shares([5, 5], [[1, 1], [1, 1]])


def test_reference_sample_takes_n_per_map_class_and_checks_n():
    mapped = np.array([0] * 100 + [1] * 5 + [2] * 50)
    s = stratified_reference_sample(mapped, 10, seed=0)
    assert np.bincount(mapped[s]).tolist() == [10, 5, 10]
    with pytest.raises(ValueError, match="at least 2"):
        stratified_reference_sample(mapped, 1)


