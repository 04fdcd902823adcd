"""The one torch determinism context and the result protocol of cross-validation."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from statmethods.classify import ForestClassifier, cross_validate, out_of_fold_predictions, random_folds
from statmethods.classify._torch import torch_determinism
from statmethods.testing import assert_result_protocol


def _state() -> tuple:
    return (torch.get_num_threads(), torch.are_deterministic_algorithms_enabled(),
            torch.is_deterministic_algorithms_warn_only_enabled(), torch.backends.cudnn.deterministic,
            torch.backends.cudnn.benchmark, torch.random.get_rng_state().clone())


def _same(a: tuple, b: tuple) -> bool:
    return a[:5] == b[:5] and bool(torch.equal(a[5], b[5]))


def test_torch_determinism_restores_every_global_setting_even_after_an_error(torch_device):
    torch.manual_seed(123)
    before = _state()
    with torch_determinism(seed=5, n_threads=1, device=torch_device):
        assert torch.get_num_threads() == 1 and torch.are_deterministic_algorithms_enabled()
        a = torch.rand(3, device=torch_device)
    assert _same(before, _state())
    with pytest.raises(RuntimeError, match="boom"):
        with torch_determinism(seed=5, n_threads=1, device=torch_device):
            b = torch.rand(3, device=torch_device)
            raise RuntimeError("boom")
    assert _same(before, _state())
    assert torch.equal(a, b)
    with torch_determinism(seed=None):  # no seed: the generator is not forked, draws advance it
        torch.rand(1)
    assert not torch.equal(before[5], torch.random.get_rng_state())


def test_torch_determinism_refuses_bad_threads_and_devices():
    with pytest.raises(ValueError, match="'n_threads' must be a positive integer"):
        torch_determinism(n_threads=0).__enter__()
    with pytest.raises(ValueError, match="'device' must be 'cpu' or 'cuda'"):
        torch_determinism(device="tpu").__enter__()


def test_models_leave_the_global_torch_state_alone(torch_device):
    from statmethods.applications.poverty import HistogramMLP
    from statmethods.autocode.models import FastTextCoder
    from statmethods.classify import MLPClassifier, TempCNNClassifier

    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(40, 8)), np.repeat([0, 1], 20)
    torch.manual_seed(7)
    before = _state()
    MLPClassifier(epochs=3).fit(X, y).predict(X)  # CPU only
    TempCNNClassifier(epochs=1, channels=2, device=torch_device).fit(X, y).predict(X)
    HistogramMLP(epochs=1, hidden=4, device=torch_device).fit(X, y.astype(float)).predict(X)
    FastTextCoder(epochs=1, buckets_bits=8, dim=4, device=torch_device).fit(
        ["a b", "c d"] * 5, ["1", "2"] * 5).predict(["a"])
    assert _same(before, _state())


def test_cross_validation_result_follows_the_protocol():
    rng = np.random.default_rng(1)
    X = np.r_[rng.normal(0, 1, (40, 3)), rng.normal(1.5, 1, (40, 3))]
    y = np.repeat(["a", "b"], 40)
    res = cross_validate(ForestClassifier(n_estimators=10, features="raw"), X, y, random_folds(80, 4))
    assert_result_protocol(res)
    assert list(res.conf_int().index) == ["accuracy", "macro_f1"]
    assert res.conf_int().loc["accuracy", "lower"] < res.accuracy < res.conf_int().loc["accuracy", "upper"]


def test_one_fold_loop_for_classifiers_and_regressors():
    from sklearn.linear_model import LinearRegression
    from sklearn.neighbors import KNeighborsClassifier

    rng = np.random.default_rng(2)
    X = rng.normal(size=(50, 2))
    folds = random_folds(50, 5, seed=0)
    oof = out_of_fold_predictions(LinearRegression(), X, 3 * X[:, 0] - X[:, 1], folds)
    np.testing.assert_allclose(oof.output, 3 * X[:, 0] - X[:, 1])
    assert oof.model_name == "LinearRegression" and oof.models == []
    labels = np.where(X[:, 0] > 0, "pos", "neg")
    cv = cross_validate(KNeighborsClassifier(3), X, labels, folds)  # labels only: no probabilities
    assert cv.proba is None and cv.name == "KNeighborsClassifier" and cv.accuracy > 0.8
    with pytest.raises(ValueError, match="fit parameter 'groups' has 3 values"):
        out_of_fold_predictions(LinearRegression(), X, X[:, 0], folds, fit_params={"groups": [1, 2, 3]})
