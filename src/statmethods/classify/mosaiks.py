"""MOSAIKS: random convolutional features of image patches (Rolf et al. 2021).

Random patches of ``filter_size`` x ``filter_size`` pixels, cut from the training images at
random places, become the filters of one convolution layer. Each image is convolved with every
filter, shifted by a bias, passed through a ReLU on both signs and averaged over the image:

.. math:: f_{k}^{+}(x) = \\operatorname{mean}_{ij} \\max(0, (w_k * x)_{ij} - b), \\qquad
          f_{k}^{-}(x) = \\operatorname{mean}_{ij} \\max(0, -(w_k * x)_{ij} - b),

so ``n_features`` features come from ``n_features / 2`` filters. Images are standardised per band
with the training mean and standard deviation, and the filters are ZCA-whitened (decorrelated)
with the covariance of the sampled patches, as in Coates & Ng's single-layer networks on which
MOSAIKS builds. Nothing is trained: the features are fixed once the filters are drawn, and a
linear model (ridge) on them does the learning.

Examples
--------
>>> import numpy as np
>>> imgs = np.random.default_rng(0).normal(size=(4, 3, 16, 16)).astype("float32")
>>> MosaiksFeatures(n_features=8, seed=0).fit(imgs).transform(imgs).shape
(4, 8)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._torch import torch_determinism
from .models import check_device  # one device check for every torch model

__all__ = ["MosaiksFeatures", "check_device", "mosaiks_numpy"]


def _whitening(patches: np.ndarray, eps: float) -> np.ndarray:
    """ZCA whitening matrix of flattened patches (rows)."""
    cov = np.cov(patches, rowvar=False)
    vals, vecs = np.linalg.eigh(cov)
    return (vecs / np.sqrt(vals + eps)) @ vecs.T


class MosaiksFeatures:
    """Random convolutional features (MOSAIKS) of ``(n, bands, rows, cols)`` images.

    Parameters
    ----------
    n_features : int
        Number of features, an even number (two per filter: ReLU of both signs).
    filter_size : int
        Side of the random patches used as filters, in pixels (3 in Rolf et al. 2021).
    bias : float
        Subtracted before the ReLU (1 in Rolf et al. 2021).
    whiten : bool
        ZCA-whiten the filters with the covariance of the sampled patches.
    seed : int
        Seeds the choice of patches.
    device : str
        ``"cpu"`` (default) or ``"cuda"``: where the convolutions run.
    batch_size : int
        Images per convolution call (memory).
    n_threads : int or None
        CPU threads torch may use (``1`` by default, so that features do not depend on the
        machine's thread count); ``None`` keeps torch's setting.

    Attributes
    ----------
    filters_ : numpy.ndarray
        ``(n_features // 2, bands, filter_size, filter_size)``.
    mean_, std_ : numpy.ndarray
        Per-band standardisation from the training images.
    """

    def __init__(self, n_features: int = 512, filter_size: int = 3, bias: float = 1.0, whiten: bool = True,
                 seed: int = 0, device: str = "cpu", batch_size: int = 64, n_threads: int | None = 1) -> None:
        if isinstance(n_features, bool) or not isinstance(n_features, int | np.integer) or n_features < 2 \
                or n_features % 2:
            raise ValueError(f"n_features must be an even integer of at least 2, got {n_features!r}")
        if isinstance(filter_size, bool) or not isinstance(filter_size, int | np.integer) or filter_size < 1:
            raise ValueError(f"filter_size must be a positive integer, got {filter_size!r}")
        self.n_features, self.filter_size, self.bias = int(n_features), int(filter_size), float(bias)
        self.whiten, self.seed, self.batch_size, self.n_threads = whiten, seed, int(batch_size), n_threads
        self.device = check_device(device)

    def _check(self, images: Any) -> np.ndarray:
        arr = np.asarray(images, dtype=np.float32)
        if arr.ndim != 4:
            raise ValueError(f"images must be an array (n, bands, rows, cols), got shape {arr.shape}")
        if not np.isfinite(arr).all():
            raise ValueError("images hold NaN or infinite values; fill or drop those patches first")
        if min(arr.shape[2:]) < self.filter_size:
            raise ValueError(f"images of {arr.shape[2]} x {arr.shape[3]} pixels are smaller than the filters "
                             f"({self.filter_size})")
        return arr

    def fit(self, images: Any) -> MosaiksFeatures:
        """Draw the filters from random places of the training ``images``."""
        arr = self._check(images)
        n, b, r, c = arr.shape
        self.mean_ = arr.mean(axis=(0, 2, 3)).astype(np.float64)
        self.std_ = arr.std(axis=(0, 2, 3)).astype(np.float64)
        self.std_[self.std_ == 0] = 1.0
        rng = np.random.default_rng(self.seed)
        k, fs = self.n_features // 2, self.filter_size
        which = rng.integers(0, n, k)
        top, left = rng.integers(0, r - fs + 1, k), rng.integers(0, c - fs + 1, k)
        patches = np.stack([arr[i, :, t:t + fs, lft:lft + fs]
                            for i, t, lft in zip(which, top, left, strict=True)])
        patches = (patches - self.mean_[None, :, None, None]) / self.std_[None, :, None, None]
        flat = patches.reshape(k, -1)
        if self.whiten:
            flat = (flat - flat.mean(axis=0)) @ _whitening(flat, eps=1e-3 if k > flat.shape[1] else 1.0)
        self.filters_ = flat.reshape(k, b, fs, fs).astype(np.float32)
        self.n_bands_ = b
        return self

    def transform(self, images: Any) -> np.ndarray:
        """Features ``(n, n_features)``: first the positive, then the negative ReLU of each filter."""
        import torch
        import torch.nn.functional as F

        if not hasattr(self, "filters_"):
            raise ValueError("call fit() before transform()")
        arr = self._check(images)
        if arr.shape[1] != self.n_bands_:
            raise ValueError(f"images have {arr.shape[1]} bands, the filters {self.n_bands_}")
        dev = torch.device(self.device)
        out = []
        with torch_determinism(n_threads=self.n_threads, device=self.device), torch.no_grad():
            w = torch.from_numpy(self.filters_).to(dev)
            mean = torch.from_numpy(self.mean_.astype(np.float32)).to(dev)[None, :, None, None]
            std = torch.from_numpy(self.std_.astype(np.float32)).to(dev)[None, :, None, None]
            for start in range(0, len(arr), self.batch_size):
                x = (torch.from_numpy(arr[start:start + self.batch_size]).to(dev) - mean) / std
                z = F.conv2d(x, w)
                pos = F.relu(z - self.bias).mean(dim=(2, 3))
                neg = F.relu(-z - self.bias).mean(dim=(2, 3))
                out.append(torch.cat([pos, neg], dim=1).double().cpu().numpy())
        return np.vstack(out)

    def fit_transform(self, images: Any) -> np.ndarray:
        """``fit(images).transform(images)``."""
        return self.fit(images).transform(images)


def mosaiks_numpy(images: np.ndarray, filters: np.ndarray, mean: np.ndarray, std: np.ndarray,
                  bias: float = 1.0) -> np.ndarray:
    """The same features in plain numpy (a sliding window and a tensor product); for teaching and checks.

    Examples
    --------
    >>> import numpy as np
    >>> imgs = np.random.default_rng(1).normal(size=(2, 3, 8, 8)).astype("float32")
    >>> m = MosaiksFeatures(n_features=4, seed=1).fit(imgs)
    >>> bool(np.allclose(mosaiks_numpy(imgs, m.filters_, m.mean_, m.std_), m.transform(imgs), atol=1e-4))
    True
    """
    from numpy.lib.stride_tricks import sliding_window_view

    x = (images - mean[None, :, None, None]) / std[None, :, None, None]
    fs = filters.shape[-1]
    win = sliding_window_view(x, (fs, fs), axis=(2, 3))  # n, bands, r', c', fs, fs
    z = np.einsum("nbijuv,kbuv->nkij", win, filters, optimize=True)
    pos = np.maximum(z - bias, 0).mean(axis=(2, 3))
    neg = np.maximum(-z - bias, 0).mean(axis=(2, 3))
    return np.hstack([pos, neg])
