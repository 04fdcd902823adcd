"""Classifiers with one scikit-learn-style interface: pixels, time series, torch models.

Every classifier here is a scikit-learn estimator (``get_params`` / ``clone`` work) with
``fit(X, y, classes=None)``, ``predict_proba(X)``, ``predict(X)`` and ``score(X, y)``. After
``fit`` it knows its label encoding (``encoding_``, so ``classes_``), the number of features
(``n_features_in_``) and the checksum of its training data (``data_checksum_``), which
:func:`statmethods.classify.persist.save_classifier` writes next to the weights.

- :class:`ForestClassifier`: a scikit-learn tree ensemble (extra trees or random forest), on the
  features as given or, with ``features="temporal"``, on a series plus phenological features.
- :class:`TempCNNClassifier`: a small 1D CNN over the dates of each series (torch; TempCNN-style).
- :class:`MLPClassifier`: a small multilayer perceptron on pixel features (torch).

Training of the torch models is deterministic on CPU for a fixed thread count: both run inside
:func:`statmethods.classify._torch.torch_determinism`, which restores torch's global state.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike
from sklearn.base import BaseEstimator, ClassifierMixin

from ..validation import choice, positive, positive_int, torch_device
from ._torch import torch_determinism
from .labels import LabelEncoding, data_checksum
from .series import temporal_features, validate_series

if TYPE_CHECKING:
    import torch

__all__ = [
    "Classifier",
    "ForestClassifier",
    "MLPClassifier",
    "TempCNNClassifier",
]


def _encoding(y: ArrayLike, classes: Sequence | None) -> LabelEncoding:
    return LabelEncoding(tuple(classes)) if classes is not None else LabelEncoding.from_labels(y)


#: Kept for :mod:`.mosaiks` and :mod:`.image_cnn` until they import
#: :func:`statmethods.validation.torch_device` themselves; new code uses that directly.
check_device = torch_device


class Classifier(ClassifierMixin, BaseEstimator):
    """Common interface: ``fit(X, y, classes=None)``, ``predict_proba``, ``predict``, ``score``."""

    kind = "abstract"
    _series = False  # time-series models check X with validate_series (finite, fixed length)

    def _check_fitted(self) -> None:
        if not hasattr(self, "encoding_"):
            raise ValueError(f"this {type(self).__name__} is not fitted yet; call fit(X, y) first")

    @property
    def classes_(self) -> np.ndarray:
        self._check_fitted()
        return self.encoding_.decode(np.arange(len(self.encoding_)))

    def _prepare_fit(self, X: ArrayLike, y: ArrayLike,
                     classes: Sequence | None) -> tuple[np.ndarray, np.ndarray]:
        Xa, ya = validate_series(X, y, classes=classes)
        if ya is None:
            raise ValueError("fit needs labels y")
        self.encoding_ = _encoding(ya, classes)
        self.n_features_in_ = int(Xa.shape[1])
        self.data_checksum_ = data_checksum(Xa, ya)
        return Xa, self.encoding_.encode(ya)

    def fit(self, X: ArrayLike, y: ArrayLike, classes: Sequence | None = None) -> Classifier:
        raise NotImplementedError

    def predict_proba(self, X: ArrayLike) -> np.ndarray:
        raise NotImplementedError

    def predict(self, X: ArrayLike) -> np.ndarray:
        """Most probable class label of every row."""
        return self.encoding_.decode(self.predict_proba(X).argmax(axis=1))

    def _check_X(self, X: ArrayLike) -> np.ndarray:
        self._check_fitted()
        if self._series:
            arr, _ = validate_series(X, length=self.n_features_in_)
            return arr
        arr = np.asarray(X, dtype=float)
        if arr.ndim != 2 or arr.shape[1] != self.n_features_in_:
            raise ValueError(f"X must have {self.n_features_in_} feature columns, got shape {arr.shape}")
        return arr


class ForestClassifier(Classifier):
    """A scikit-learn tree ensemble, optionally on a series plus :func:`temporal_features`.

    Parameters
    ----------
    method : {"extra-trees", "random-forest"}
        Extremely randomised trees (as accurate as a random forest on NDVI profiles and about
        three times faster to train) or Breiman's random forest.
    n_estimators : int
        Number of trees.
    features : {"temporal", "raw"}
        ``"temporal"``: the series, its first differences and phenological features (for time
        series); ``"raw"``: the features as given (for pixels).
    min_samples_leaf : int
        Smallest leaf.
    max_depth : int or None
        Deepest tree (None: grown until the leaves are pure or minimal).
    class_weight : None or "balanced"
        Weights of the classes in the trees' splits.
    seed : int
        ``random_state`` of the ensemble.
    n_jobs : int
        Parallel jobs (results do not depend on it).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = np.vstack([rng.normal(0, 1, (20, 8)), rng.normal(3, 1, (20, 8))])
    >>> y = np.repeat(["a", "b"], 20)
    >>> ForestClassifier(n_estimators=20).fit(X, y).predict(X[:2]).tolist()
    ['a', 'a']
    """

    kind = "forest"

    def __init__(self, method: str = "extra-trees", n_estimators: int = 200, features: str = "temporal",
                 min_samples_leaf: int = 1, max_depth: int | None = None, class_weight: str | None = None,
                 seed: int = 0, n_jobs: int = 1) -> None:
        self.method = method
        self.n_estimators = n_estimators
        self.features = features
        self.min_samples_leaf = min_samples_leaf
        self.max_depth = max_depth
        self.class_weight = class_weight
        self.seed = seed
        self.n_jobs = n_jobs

    @property
    def _series(self) -> bool:  # type: ignore[override]
        return self.features == "temporal"

    def _features(self, X: np.ndarray) -> np.ndarray:
        return temporal_features(X) if self.features == "temporal" else X

    def fit(self, X: ArrayLike, y: ArrayLike, classes: Sequence | None = None) -> ForestClassifier:
        """Fit on ``X`` (n x p) and labels ``y``; ``classes`` fixes the label encoding."""
        from sklearn.ensemble import ExtraTreesClassifier, RandomForestClassifier

        choice(self.method, "method", ("extra-trees", "random-forest"))
        choice(self.features, "features", ("temporal", "raw"))
        Xa, codes = self._prepare_fit(X, y, classes)
        cls = ExtraTreesClassifier if self.method == "extra-trees" else RandomForestClassifier
        self.model_ = cls(n_estimators=self.n_estimators, min_samples_leaf=self.min_samples_leaf,
                          max_depth=self.max_depth, class_weight=self.class_weight, random_state=self.seed,
                          n_jobs=self.n_jobs)
        self.model_.fit(self._features(Xa), codes)
        return self

    def predict_proba(self, X: ArrayLike) -> np.ndarray:
        """Class probabilities (share of the trees' votes), columns in encoding order."""
        arr = self._check_X(X)
        raw = self.model_.predict_proba(self._features(arr))
        out = np.zeros((arr.shape[0], len(self.encoding_)))
        out[:, self.model_.classes_] = raw  # classes absent from training get probability 0
        return out


def _tempcnn_module(n_classes: int, channels: int, length: int) -> torch.nn.Module:
    from torch import nn

    class CNN1D(nn.Module):
        """Two 1-D convolutions over time, max-pooling by 2, then a dense layer on the flattened maps.

        Flattening (rather than pooling over all dates) keeps *when* a feature occurs, which is
        what separates crops with similar shapes but different calendars (after TempCNN,
        Pelletier et al. 2019).
        """

        def __init__(self) -> None:
            super().__init__()
            c = channels
            self.features = nn.Sequential(
                nn.Conv1d(1, c, 5, padding=2), nn.BatchNorm1d(c), nn.ReLU(),
                nn.Conv1d(c, c, 5, padding=2), nn.BatchNorm1d(c), nn.ReLU(),
                nn.MaxPool1d(2),
            )
            self.head = nn.Sequential(
                nn.Flatten(), nn.Dropout(0.2), nn.Linear(c * (length // 2), 128), nn.ReLU(),
                nn.Linear(128, n_classes),
            )

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.head(self.features(x.unsqueeze(1)))

    return CNN1D()



class TempCNNClassifier(Classifier):
    """A small 1D convolutional network over the dates of each series (torch).

    Two convolutions over the dates (kernel 5, ``channels`` filters, batch normalisation, ReLU),
    max-pooling by 2, then the feature maps are flattened (so the network knows *when* a feature
    occurs), with dropout 0.2, a dense layer of 128 units and a linear layer to the classes, in the
    spirit of TempCNN (Pelletier et al. 2019). Trained with AdamW and a one-cycle learning-rate
    schedule on cross-entropy. Inputs are standardised with the training mean and standard
    deviation (one scalar each, so that NDVI levels still count).

    Parameters
    ----------
    epochs : int
        Passes over the training data (at least 1).
    channels : int
        Filters in each convolution.
    batch_size : int
        Mini-batch size.
    lr : float
        Peak learning rate of the one-cycle schedule.
    seed : int
        Seeds weight initialisation and shuffling.
    device : str
        ``"cpu"`` (default) or ``"cuda"``; the same code runs on both.
    n_threads : int or None
        CPU threads torch may use (``1`` by default: reproducible bit for bit); ``None`` keeps
        torch's setting.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = np.vstack([rng.normal(0, 1, (32, 10)), rng.normal(2, 1, (32, 10))])
    >>> y = np.repeat([1, 2], 32)
    >>> m = TempCNNClassifier(epochs=5, channels=4).fit(X, y)
    >>> m.predict_proba(X[:1]).shape
    (1, 2)
    """

    kind = "tempcnn"
    _series = True

    def __init__(self, epochs: int = 20, channels: int = 32, batch_size: int = 128, lr: float = 0.01,
                 seed: int = 0, device: str = "cpu", n_threads: int | None = 1) -> None:
        self.epochs = epochs
        self.channels = channels
        self.batch_size = batch_size
        self.lr = lr
        self.seed = seed
        self.device = device
        self.n_threads = n_threads

    def _check_params(self) -> None:
        for name in ("epochs", "channels", "batch_size"):
            positive_int(getattr(self, name), name)
        positive(self.lr, "lr")
        torch_device(self.device)

    def fit(self, X: ArrayLike, y: ArrayLike, classes: Sequence | None = None) -> TempCNNClassifier:
        """Fit on series ``X`` (n x t) and labels ``y``; ``classes`` fixes the label encoding."""
        import torch
        import torch.nn.functional as F

        self._check_params()
        Xa, codes = self._prepare_fit(X, y, classes)
        length = self.n_features_in_
        if length < 4:
            raise ValueError(f"the CNN needs series of at least 4 dates, got {length}; "
                             "use ForestClassifier for very short series")
        self.mean_, self.std_ = float(Xa.mean()), float(Xa.std()) or 1.0
        dev = torch.device(self.device)
        epochs, bs = int(self.epochs), int(self.batch_size)
        with torch_determinism(self.seed, self.n_threads, self.device):
            net = _tempcnn_module(len(self.encoding_), int(self.channels), length).to(dev)
            xt = torch.from_numpy((Xa - self.mean_) / self.std_).to(dev)
            yt = torch.from_numpy(codes).to(dev)
            opt = torch.optim.AdamW(net.parameters(), lr=self.lr / 10, weight_decay=1e-4)
            steps = epochs * -(-len(codes) // bs)
            sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=self.lr, total_steps=steps)
            gen = torch.Generator().manual_seed(self.seed)
            net.train()
            for _ in range(epochs):
                perm = torch.randperm(len(codes), generator=gen).to(dev)
                for start in range(0, len(codes), bs):
                    batch = perm[start:start + bs]
                    if len(batch) < 2:  # batch normalisation needs two series
                        continue
                    opt.zero_grad()
                    loss = F.cross_entropy(net(xt[batch]), yt[batch])
                    loss.backward()
                    opt.step()
                    sched.step()
        net.eval()
        self.net_ = net
        return self

    def _build(self, n_classes: int) -> torch.nn.Module:
        return _tempcnn_module(n_classes, int(self.channels), self.n_features_in_)

    def predict_proba(self, X: ArrayLike) -> np.ndarray:
        """Softmax class probabilities, columns in encoding order."""
        import torch

        arr = self._check_X(X)
        dev = torch.device(self.device)
        out = []
        with torch_determinism(None, self.n_threads, self.device), torch.no_grad():
            for start in range(0, arr.shape[0], 4096):
                xb = torch.from_numpy((arr[start:start + 4096] - self.mean_) / self.std_).to(dev)
                out.append(torch.softmax(self.net_(xb), dim=1).double().cpu().numpy())
        return np.vstack(out)


def _mlp_module(n_in: int, hidden: Sequence[int], n_out: int,
                gen: torch.Generator | None = None) -> torch.nn.Module:
    import torch

    layers: list[torch.nn.Module] = []
    sizes = [n_in, *hidden]
    for a, b in zip(sizes[:-1], sizes[1:], strict=True):
        layers += [torch.nn.Linear(a, b, dtype=torch.float64), torch.nn.ReLU()]
    layers.append(torch.nn.Linear(sizes[-1], n_out, dtype=torch.float64))
    net = torch.nn.Sequential(*layers)
    if gen is not None:
        with torch.no_grad():
            for m in net:
                if isinstance(m, torch.nn.Linear):  # Kaiming-uniform bounds, drawn from our generator
                    bound = 1.0 / np.sqrt(m.in_features)
                    m.weight.uniform_(-bound, bound, generator=gen)
                    m.bias.uniform_(-bound, bound, generator=gen)
    return net


class MLPClassifier(Classifier):
    """A small multilayer perceptron on pixel features (torch).

    Inputs are standardised with the training mean and standard deviation of each feature.
    Training is full-batch Adam on the (optionally class-balanced) cross-entropy, in float64 and
    on one thread, from weights initialised with a seeded generator, so that the same data and
    seed give the same model on any machine.

    Parameters
    ----------
    hidden : tuple of int
        Sizes of the hidden layers (ReLU activations).
    epochs : int
        Number of full-batch gradient steps (at least 1).
    lr : float
        Adam learning rate.
    weight_decay : float
        L2 penalty (Adam ``weight_decay``).
    balanced : bool
        Weight the loss by inverse class frequency.
    seed : int
        Seed of the weight initialisation.

    Examples
    --------
    >>> X = np.r_[np.zeros((20, 2)), np.ones((20, 2))]; y = np.r_[np.zeros(20), np.ones(20)]
    >>> MLPClassifier(epochs=50).fit(X, y).score(X, y)
    1.0
    """

    kind = "mlp"

    def __init__(self, hidden: tuple[int, ...] = (32, 32), epochs: int = 300, lr: float = 0.01,
                 weight_decay: float = 1e-4, balanced: bool = True, seed: int = 0) -> None:
        self.hidden = hidden
        self.epochs = epochs
        self.lr = lr
        self.weight_decay = weight_decay
        self.balanced = balanced
        self.seed = seed

    def fit(self, X: ArrayLike, y: ArrayLike, classes: Sequence | None = None) -> MLPClassifier:
        """Fit on features ``X`` (n, p) and labels ``y`` (n,)."""
        import torch

        epochs = positive_int(self.epochs, "epochs")
        X = np.asarray(X, dtype=float)
        y = np.asarray(y)
        if X.ndim != 2 or X.shape[0] != y.shape[0]:
            raise ValueError(f"X must be (n, p) with one label per row; got X {X.shape} and y {y.shape}")
        if not np.all(np.isfinite(X)):
            raise ValueError("X holds NaN or infinite values; drop or fill incomplete pixels first")
        self.encoding_ = _encoding(y, classes)
        y_idx = self.encoding_.encode(y)
        self.n_features_in_ = int(X.shape[1])
        self.data_checksum_ = data_checksum(X, y)
        k = len(self.encoding_)
        self.mean_ = X.mean(axis=0)
        self.scale_ = X.std(axis=0)
        self.scale_[self.scale_ == 0] = 1.0
        Xt = torch.from_numpy((X - self.mean_) / self.scale_)
        yt = torch.from_numpy(y_idx.astype(np.int64))
        counts = np.bincount(y_idx, minlength=k).astype(float)
        with np.errstate(divide="ignore"):
            w = np.where(counts > 0, counts.sum() / (np.count_nonzero(counts) * counts), 0.0)
        if not self.balanced:
            w = np.ones_like(counts)
        with torch_determinism(self.seed, 1):  # forked: nn.Linear's default init draws from it
            gen = torch.Generator().manual_seed(int(self.seed))
            net = _mlp_module(X.shape[1], self.hidden, k, gen)
            loss_fn = torch.nn.CrossEntropyLoss(weight=torch.from_numpy(w))
            opt = torch.optim.Adam(net.parameters(), lr=self.lr, weight_decay=self.weight_decay)
            for _ in range(epochs):
                opt.zero_grad()
                loss = loss_fn(net(Xt), yt)
                loss.backward()
                opt.step()
            self.loss_ = float(loss.detach())
        self.net_ = net.eval()
        return self

    def _build(self, n_classes: int) -> torch.nn.Module:
        return _mlp_module(self.n_features_in_, self.hidden, n_classes)

    def predict_proba(self, X: ArrayLike) -> np.ndarray:
        """Class probabilities, columns in encoding order."""
        import torch

        arr = self._check_X(X)
        with torch_determinism(None, 1), torch.no_grad():
            logits = self.net_(torch.from_numpy((arr - self.mean_) / self.scale_))
            return torch.softmax(logits, dim=1).numpy()
