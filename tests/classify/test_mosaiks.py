"""MOSAIKS random convolutional features against an explicit loop, and their properties."""

from __future__ import annotations

import numpy as np
import pytest

from statmethods.classify.mosaiks import MosaiksFeatures, mosaiks_numpy


def _images(n=5, b=3, s=12, seed=0):
    return np.random.default_rng(seed).uniform(0, 2000, (n, b, s, s)).astype("float32")


def test_features_equal_an_explicit_loop_over_pixels_and_filters():
    X = _images()
    m = MosaiksFeatures(n_features=6, filter_size=3, seed=3).fit(X)
    feats = m.transform(X)
    x = (X[1].astype(float) - m.mean_[:, None, None]) / m.std_[:, None, None]
    k = m.filters_.shape[0]
    pos, neg = np.zeros(k), np.zeros(k)
    for f in range(k):
        vals = [float((x[:, i:i + 3, j:j + 3] * m.filters_[f]).sum()) for i in range(10) for j in range(10)]
        pos[f] = np.mean([max(0.0, v - 1.0) for v in vals])
        neg[f] = np.mean([max(0.0, -v - 1.0) for v in vals])
    assert np.allclose(feats[1], np.concatenate([pos, neg]), atol=1e-4)


def test_numpy_and_torch_versions_agree():
    X = _images(seed=1)
    m = MosaiksFeatures(n_features=10, seed=0).fit(X)
    assert np.allclose(mosaiks_numpy(X, m.filters_, m.mean_, m.std_), m.transform(X), atol=1e-4)


def test_whitened_filters_are_decorrelated():
    X = _images(n=30, s=16)
    m = MosaiksFeatures(n_features=2000, seed=0).fit(X)
    cov = np.cov(m.filters_.reshape(1000, -1), rowvar=False)
    assert np.allclose(cov, np.eye(27), atol=0.02)


def test_same_seed_same_features_other_seed_other_filters():
    X = _images()
    a = MosaiksFeatures(n_features=8, seed=1).fit_transform(X)
    b = MosaiksFeatures(n_features=8, seed=1).fit_transform(X)
    c = MosaiksFeatures(n_features=8, seed=2).fit_transform(X)
    assert np.array_equal(a, b) and not np.allclose(a, c)
    assert a.shape == (5, 8) and (a >= 0).all()


def test_odd_feature_count_and_wrong_band_count_are_refused():
    with pytest.raises(ValueError, match="even"):
        MosaiksFeatures(n_features=7)
    m = MosaiksFeatures(n_features=4).fit(_images())
    with pytest.raises(ValueError, match="4 bands"):
        m.transform(_images(b=4))


def test_cuda_without_a_gpu_is_refused_clearly():
    import torch

    if torch.cuda.is_available():
        pytest.skip("a GPU is present")
    with pytest.raises(ValueError, match="no CUDA GPU.*device cpu"):
        MosaiksFeatures(device="cuda")
