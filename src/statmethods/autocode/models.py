"""Two text coders with one interface: a TF-IDF linear baseline and a fastText-style torch model.

Both map normalised answers to scores (logits) over the fine codes of a classification;
:mod:`statmethods.autocode.calibration` turns those into calibrated probabilities and
:class:`~statmethods.autocode.hierarchy.CodeHierarchy` sums them up to coarser levels.

- :class:`TfidfLinearCoder`: character (2-4, within words) and word (1-2) n-gram TF-IDF
  features and a linear SVM fitted by stochastic gradient descent (scikit-learn), one-vs-rest.
- :class:`FastTextCoder`: the fastText architecture :cite:`joulin2017bag` in torch: hashed
  character (3-5) and word (1-2) n-grams, an ``EmbeddingBag`` that averages their vectors,
  and one linear softmax layer. Deterministic on CPU (seeded, ``torch.use_deterministic_algorithms``,
  a fixed thread count); the same code runs on ``device="cuda"``.

Saved models record the classification (name and version), the label encoding (the ordered
list of codes) and a SHA-256 checksum of the training data; :func:`load_coder` refuses a model
whose label encoding or classification differs from what the caller expects.

Examples
--------
>>> texts = ["wheat farming", "corn farming", "bread bakeries", "cookie bakeries"] * 5
>>> codes = ["111140", "111150", "311812", "311821"] * 5
>>> coder = TfidfLinearCoder(seed=1, classification="NAICS 2022").fit(texts, codes)
>>> str(coder.predict(["wheat farm"])[0])
'111140'
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import joblib
import numpy as np
from scipy import sparse
from scipy.special import softmax
from sklearn.feature_extraction.text import HashingVectorizer, TfidfVectorizer
from sklearn.linear_model import SGDClassifier
from sklearn.pipeline import FeatureUnion

from ..classify._torch import torch_determinism
from ..validation import positive_int, torch_device
from .text import check_texts

if TYPE_CHECKING:
    import torch

__all__ = [
    "CoderMetadata",
    "FastTextCoder",
    "LabelEncodingError",
    "TfidfLinearCoder",
    "load_coder",
    "make_coder",
    "training_checksum",
]

FORMAT_VERSION = 1

#: A model setting recorded in saved models (seed, epochs, sizes, rates, classification name).
Param = int | float | str | None


class LabelEncodingError(ValueError):
    """A saved model's codes (or classification) differ from what the caller expects."""


def training_checksum(texts: Sequence[str], codes: Sequence[str]) -> str:
    """SHA-256 of the training pairs, in order (one ``text<TAB>code`` line per record).

    Examples
    --------
    >>> training_checksum(["a"], ["1"])[:12]
    '9493985885f1'
    """
    h = hashlib.sha256()
    for t, c in zip(texts, codes, strict=True):
        h.update(f"{t}\t{c}\n".encode())
    return h.hexdigest()


@dataclass
class CoderMetadata:
    """What a saved model records about how it was made."""

    model: str
    classification: str
    labels: list[str]
    training_checksum: str
    n_train: int
    params: dict[str, Param] = field(default_factory=dict)
    format_version: int = FORMAT_VERSION


def _check_codes(codes: Any, n: int) -> list[str]:
    values = list(codes.tolist() if hasattr(codes, "tolist") else codes)
    if len(values) != n:
        raise ValueError(f"got {n} texts but {len(values)} codes; give one code per text")
    bad = [i for i, c in enumerate(values) if not isinstance(c, str) or not c.strip()]
    if bad:
        raise ValueError(
            f"codes: {len(bad)} missing or non-text code(s) (first at position {bad[0]}: "
            f"{values[bad[0]]!r}); codes must be strings such as '311812' (keep leading zeros)"
        )
    return [c.strip() for c in values]


class _Coder:
    """Shared fit/predict/save logic; subclasses implement ``_fit`` and ``_scores``."""

    kind = "base"

    def __init__(self, *, classification: str = "unspecified", seed: int = 0) -> None:
        self.classification = classification
        self.seed = int(seed)
        self.labels_: np.ndarray | None = None
        self.metadata_: CoderMetadata | None = None
        self.fit_seconds_: float | None = None

    # -- public API ------------------------------------------------------------------------
    def fit(self, texts: Sequence[str], codes: Sequence[str]) -> _Coder:
        """Fit on answers and their fine codes.

        Raises
        ------
        EmptyAnswerError
            If an answer is empty or not text.
        ValueError
            If a code is missing, or there are fewer than two distinct codes.
        """
        x = check_texts(texts)
        y_codes = _check_codes(codes, len(x))
        labels, y = np.unique(np.array(y_codes), return_inverse=True)
        if len(labels) < 2:
            raise ValueError("need at least two distinct codes to train a coder")
        self.labels_ = labels
        t0 = time.perf_counter()
        self._fit(x, y)
        self.fit_seconds_ = time.perf_counter() - t0
        self.metadata_ = CoderMetadata(
            model=self.kind,
            classification=self.classification,
            labels=[str(v) for v in labels],
            training_checksum=training_checksum(x, y_codes),
            n_train=len(x),
            params=self.get_params(),
        )
        return self

    def decision_function(self, texts: Sequence[str]) -> np.ndarray:
        """Scores (logits) of shape ``(n, K)``, columns in the order of ``labels_``."""
        self._check_fitted()
        return self._scores(check_texts(texts))

    def predict_proba(self, texts: Sequence[str], temperature: float = 1.0) -> np.ndarray:
        """Softmax of the scores divided by ``temperature`` (fit it with
        :class:`~statmethods.autocode.calibration.TemperatureScaler`)."""
        return softmax(self.decision_function(texts) / temperature, axis=1)

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        """The highest-scoring code for each answer."""
        scores = self.decision_function(texts)
        assert self.labels_ is not None
        return self.labels_[np.argmax(scores, axis=1)]

    def save(self, path: str | Path) -> Path:
        """Save the model with its metadata (classification, label encoding, data checksum).

        The file is a pickle (joblib): load only files you made or trust.
        """
        self._check_fitted()
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        joblib.dump({"metadata": asdict(self.metadata_), "kind": self.kind, "state": self._state()}, path)
        return path

    def get_params(self) -> dict[str, Param]:
        return {"seed": self.seed}

    # -- internals -------------------------------------------------------------------------
    def _check_fitted(self) -> None:
        if self.labels_ is None:
            raise RuntimeError(f"this {type(self).__name__} is not fitted yet; call fit(texts, codes) first")

    def _fit(self, x: list[str], y: np.ndarray) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _scores(self, x: list[str]) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def _state(self) -> dict[str, Any]:  # pragma: no cover - abstract
        raise NotImplementedError


class TfidfLinearCoder(_Coder):
    """Character + word n-gram TF-IDF features and a one-vs-rest linear SVM (scikit-learn).

    Parameters
    ----------
    classification : str
        Name and version of the classification, recorded in saved models.
    seed : int
        Seed of the stochastic gradient descent.
    epochs : int, default 4
        Passes over the training data (``SGDClassifier(max_iter=epochs, tol=None)``).
    alpha : float, default 2e-5
        L2 penalty.
    max_features : int, default 60000
        Vocabulary size of each of the two TF-IDF vectorisers.
    n_jobs : int, default 1
        Threads for the one-vs-rest fits (the result does not depend on it).
    """

    kind = "baseline"

    def __init__(
        self,
        *,
        classification: str = "unspecified",
        seed: int = 0,
        epochs: int = 4,
        alpha: float = 2e-5,
        max_features: int = 60000,
        n_jobs: int = 1,
    ) -> None:
        super().__init__(classification=classification, seed=seed)
        self.epochs, self.alpha, self.max_features, self.n_jobs = (
            int(epochs),
            float(alpha),
            int(max_features),
            n_jobs,
        )
        self.features_: FeatureUnion | None = None
        self.clf_: SGDClassifier | None = None

    def get_params(self) -> dict[str, Param]:
        return {
            "seed": self.seed,
            "epochs": self.epochs,
            "alpha": self.alpha,
            "max_features": self.max_features,
        }

    def _fit(self, x: list[str], y: np.ndarray) -> None:
        common = {
            "lowercase": False,
            "sublinear_tf": True,
            "dtype": np.float32,
            "max_features": self.max_features,
        }
        self.features_ = FeatureUnion(
            [
                ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), min_df=2, **common)),
                (
                    "word",
                    TfidfVectorizer(
                        analyzer="word", ngram_range=(1, 2), min_df=1, token_pattern=r"(?u)\b\w+\b", **common
                    ),
                ),
            ]
        )
        features = self.features_.fit_transform(x)
        self.clf_ = SGDClassifier(
            loss="hinge",
            alpha=self.alpha,
            max_iter=self.epochs,
            tol=None,
            random_state=self.seed,
            n_jobs=self.n_jobs,
        )
        import warnings

        from sklearn.exceptions import ConvergenceWarning

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)  # fixed epochs by design
            self.clf_.fit(features, y)

    def _scores(self, x: list[str]) -> np.ndarray:
        assert self.features_ is not None and self.clf_ is not None
        s = self.clf_.decision_function(self.features_.transform(x))
        return np.asarray(s, dtype=np.float64)

    def _state(self) -> dict[str, Any]:
        return {"features": self.features_, "clf": self.clf_, "params": self.get_params()}

    def _set_state(self, state: dict[str, Any]) -> None:
        self.features_, self.clf_ = state["features"], state["clf"]


def _torch_device(device: str) -> torch.device:
    import torch

    return torch.device(torch_device(device))


class FastTextCoder(_Coder):
    """fastText-style classifier in torch: mean of hashed n-gram embeddings, then a softmax layer.

    Parameters
    ----------
    classification : str
        Name and version of the classification, recorded in saved models.
    seed : int
        Seeds weight initialisation and batch order.
    dim : int, default 64
        Embedding dimension.
    buckets_bits : int, default 18
        ``2**buckets_bits`` hash buckets for character n-grams and as many for word n-grams.
    epochs : int, default 5
    lr : float, default 0.5
        Initial Adagrad learning rate, decaying linearly to zero over training.
    batch_size : int, default 64
    device : {"cpu", "cuda"}, default "cpu"
    n_threads : int, default 1
        CPU threads torch may use during fit and predict: a fixed count keeps CPU sums in a fixed
        order. Fit and predict run inside
        :func:`statmethods.classify._torch.torch_determinism`, which restores torch's global
        threads, deterministic-algorithm flag and random state afterwards.
    """

    kind = "torch"

    def __init__(
        self,
        *,
        classification: str = "unspecified",
        seed: int = 0,
        dim: int = 64,
        buckets_bits: int = 18,
        epochs: int = 5,
        lr: float = 0.5,
        batch_size: int = 64,
        device: str = "cpu",
        n_threads: int = 1,
    ) -> None:
        super().__init__(classification=classification, seed=seed)
        _torch_device(device)
        self.dim, self.buckets_bits, self.epochs, self.lr = (
            int(dim),
            int(buckets_bits),
            int(epochs),
            float(lr),
        )
        self.batch_size, self.device = int(batch_size), device
        self.n_threads = positive_int(n_threads, "n_threads")
        self.net_: torch.nn.Module | None = None
        self.train_loss_: list[float] = []

    def get_params(self) -> dict[str, Param]:
        return {
            "seed": self.seed,
            "dim": self.dim,
            "buckets_bits": self.buckets_bits,
            "epochs": self.epochs,
            "lr": self.lr,
            "batch_size": self.batch_size,
        }

    def _hash(self, x: list[str]) -> sparse.csr_matrix:
        n = 2**self.buckets_bits
        kw = {"n_features": n, "alternate_sign": False, "norm": None, "binary": True, "lowercase": False}
        chars = HashingVectorizer(analyzer="char_wb", ngram_range=(3, 5), **kw).transform(x)
        words = HashingVectorizer(
            analyzer="word", ngram_range=(1, 2), token_pattern=r"(?u)\b\w+\b", **kw
        ).transform(x)
        m = sparse.hstack([chars, words], format="csr")
        m.sort_indices()
        return m

    def _build(self, n_classes: int) -> torch.nn.Module:
        from torch import nn

        class _Net(nn.Module):
            def __init__(self, n_buckets: int, dim: int, k: int) -> None:
                super().__init__()
                self.emb = nn.EmbeddingBag(n_buckets, dim, mode="mean", sparse=True)
                self.out = nn.Linear(dim, k)
                nn.init.uniform_(self.emb.weight, -1.0 / dim, 1.0 / dim)

            def forward(self, idx: torch.Tensor, offsets: torch.Tensor) -> torch.Tensor:
                return self.out(self.emb(idx, offsets))

        return _Net(2 * 2**self.buckets_bits, self.dim, n_classes)

    def _batch(self, m: sparse.csr_matrix, rows: np.ndarray,
               dev: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
        import torch

        sub = m[rows]
        idx = torch.from_numpy(sub.indices.astype(np.int64)).to(dev)
        off = torch.from_numpy(sub.indptr[:-1].astype(np.int64)).to(dev)
        return idx, off

    def _fit(self, x: list[str], y: np.ndarray) -> None:
        dev = _torch_device(self.device)
        with torch_determinism(self.seed, self.n_threads, self.device):
            self._fit_seeded(x, y, dev)

    def _fit_seeded(self, x: list[str], y: np.ndarray, dev: torch.device) -> None:
        import torch

        m = self._hash(x)
        empty = np.flatnonzero(np.diff(m.indptr) == 0)
        if len(empty):  # cannot happen after check_texts, but a bag of nothing would be NaN
            raise ValueError(f"{len(empty)} answer(s) produced no n-grams (first: {x[empty[0]]!r})")
        net = self._build(len(self.labels_)).to(dev)
        # Adagrad (sparse gradients for the embedding) with a linearly decaying step, as in
        # fastText's schedule; SparseAdam gives the same accuracy at several times the cost.
        opt = torch.optim.Adagrad(net.parameters(), lr=self.lr)
        n_steps = self.epochs * -(-len(x) // self.batch_size)
        sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda step: max(0.0, 1.0 - step / n_steps))
        target = torch.from_numpy(y.astype(np.int64)).to(dev)
        gen = torch.Generator().manual_seed(self.seed)
        loss_fn = torch.nn.CrossEntropyLoss()
        self.train_loss_ = []
        net.train()
        # opting out explicitly of sparse invariant checks (Adagrad builds valid COO gradients)
        with torch.sparse.check_sparse_tensor_invariants(enable=False):
            self._train_loop(net, opt, sched, loss_fn, m, target, gen, len(x), dev)
        self.net_ = net.eval()

    def _train_loop(
        self,
        net: torch.nn.Module,
        opt: torch.optim.Optimizer,
        sched: torch.optim.lr_scheduler.LRScheduler,
        loss_fn: torch.nn.Module,
        m: sparse.csr_matrix,
        target: torch.Tensor,
        gen: torch.Generator,
        n: int,
        dev: torch.device,
    ) -> None:
        import torch

        for _ in range(self.epochs):
            order = torch.randperm(n, generator=gen).numpy()
            total = 0.0
            for start in range(0, len(order), self.batch_size):
                rows = order[start : start + self.batch_size]
                idx, off = self._batch(m, rows, dev)
                loss = loss_fn(net(idx, off), target[rows])
                opt.zero_grad()
                loss.backward()
                opt.step()
                sched.step()
                total += float(loss.detach()) * len(rows)
            self.train_loss_.append(total / n)

    def _scores(self, x: list[str]) -> np.ndarray:
        import torch

        dev = _torch_device(self.device)
        m = self._hash(x)
        out = []
        with torch_determinism(None, self.n_threads, self.device), torch.no_grad():
            for start in range(0, len(x), 4096):
                rows = np.arange(start, min(start + 4096, len(x)))
                idx, off = self._batch(m, rows, dev)
                out.append(self.net_(idx, off).double().cpu().numpy())
        return np.concatenate(out)

    def _state(self) -> dict[str, Any]:
        return {
            "params": self.get_params(),
            "weights": {k: v.detach().cpu().numpy() for k, v in self.net_.state_dict().items()},
        }

    def _set_state(self, state: dict[str, Any]) -> None:
        import torch

        net = self._build(len(self.labels_))
        net.load_state_dict({k: torch.from_numpy(v) for k, v in state["weights"].items()})
        self.net_ = net.to(_torch_device(self.device)).eval()


_KINDS: dict[str, type[_Coder]] = {"baseline": TfidfLinearCoder, "torch": FastTextCoder}


def make_coder(model: str, **kwargs: Param) -> TfidfLinearCoder | FastTextCoder:
    """Build a coder by name: ``"baseline"`` (TF-IDF + linear SVM) or ``"torch"`` (fastText-style).

    ``device`` is accepted for both; the baseline runs on the CPU whatever it says.
    """
    if model not in _KINDS:
        raise ValueError(f"model must be one of {list(_KINDS)}, got {model!r}")
    if model == "baseline":
        device = kwargs.pop("device", "cpu")
        _torch_device(device) if device != "cpu" else None
        for k in ("dim", "buckets_bits", "lr", "batch_size", "n_threads"):
            kwargs.pop(k, None)
    return _KINDS[model](**kwargs)  # type: ignore[return-value]


def load_coder(
    path: str | Path,
    *,
    labels: Sequence[str] | None = None,
    classification: str | None = None,
    device: str = "cpu",
) -> TfidfLinearCoder | FastTextCoder:
    """Load a saved coder, checking its label encoding and classification.

    Parameters
    ----------
    path : str or Path
        File written by ``coder.save``. A pickle: load only files you made or trust.
    labels : sequence of str, optional
        The codes, in order, that the caller's downstream code expects (for example the
        columns of a stored calibration). If given and different, loading fails.
    classification : str, optional
        Expected classification name and version; if given and different, loading fails.
    device : str, default "cpu"
        Where to place a torch model.

    Raises
    ------
    LabelEncodingError
        If the labels or classification differ, naming the first difference.
    """
    blob = joblib.load(Path(path))
    meta = CoderMetadata(**blob["metadata"])
    if meta.format_version != FORMAT_VERSION:
        raise LabelEncodingError(
            f"{path}: saved with format {meta.format_version}, this version reads "
            f"{FORMAT_VERSION}; refit the model"
        )
    if classification is not None and classification != meta.classification:
        raise LabelEncodingError(
            f"{path}: model was trained for classification {meta.classification!r}, "
            f"not {classification!r}; retrain it on data coded to {classification!r}"
        )
    if labels is not None:
        want = [str(v) for v in labels]
        if want != meta.labels:
            extra, missing = sorted(set(want) - set(meta.labels)), sorted(set(meta.labels) - set(want))
            if extra or missing:
                what = (
                    f"codes expected but not in the model: {extra[:5]}; codes in the model but not expected: "
                    f"{missing[:5]}"
                )
            else:
                i = next(i for i, (a, b) in enumerate(zip(want, meta.labels, strict=True)) if a != b)
                what = (
                    f"same codes in a different order (first difference at column {i}: "
                    f"{want[i]!r} vs {meta.labels[i]!r})"
                )
            raise LabelEncodingError(
                f"{path}: label encoding differs from the expected one ({what}). "
                "Use the labels saved with the model or retrain it."
            )
    params = dict(blob["state"]["params"])
    if meta.model == "torch":
        params["device"] = device
    coder = _KINDS[meta.model](classification=meta.classification, **params)
    coder.labels_ = np.array(meta.labels)
    coder.metadata_ = meta
    coder._set_state(blob["state"])  # type: ignore[attr-defined]
    return coder
