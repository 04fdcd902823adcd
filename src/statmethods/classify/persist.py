"""Save and load any classifier of :mod:`statmethods.classify.models`, with its labels and data checksum.

A saved model predicts indices ``0..k-1``; reading them with another label encoding would
silently mislabel every prediction, and a model trained on other data answers another question.
:func:`load_classifier` therefore refuses a file whose labels or training-data checksum differ
from those the caller expects. Torch models are written with ``torch.save`` holding plain types
only (so they load with ``weights_only=True``); tree ensembles with joblib (load only files you
trust).

Examples
--------
>>> import numpy as np, tempfile, pathlib
>>> from statmethods.classify.models import MLPClassifier
>>> X = np.r_[np.zeros((10, 2)), np.ones((10, 2))]; y = np.repeat(["01", "1"], 10)
>>> m = MLPClassifier(epochs=20).fit(X, y)
>>> path = save_classifier(m, pathlib.Path(tempfile.mkdtemp()) / "mlp.pt")
>>> load_classifier(path, classes=["01", "1"], data_checksum=m.data_checksum_).predict(X[:1]).tolist()
['01']
>>> load_classifier(path, classes=["1", "01"])
Traceback (most recent call last):
...
ValueError: label encoding mismatch: ...
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .labels import LabelEncoding
from .models import Classifier, ForestClassifier, MLPClassifier, TempCNNClassifier

__all__ = ["FORMAT", "load_classifier", "save_classifier"]

FORMAT = "statmethods.classify/1"
_KINDS: dict[str, type[Classifier]] = {"forest": ForestClassifier, "tempcnn": TempCNNClassifier,
                                      "mlp": MLPClassifier}


def _plain(v: Any) -> Any:
    if isinstance(v, tuple):
        return [_plain(x) for x in v]
    if isinstance(v, np.generic):
        return v.item()
    return v


def save_classifier(model: Classifier, path: str | Path) -> Path:
    """Write a fitted classifier, its label encoding, feature count and training-data checksum."""
    if not isinstance(model, Classifier):
        raise TypeError(f"save_classifier saves statmethods.classify models, got {type(model).__name__}")
    model._check_fitted()
    path = Path(path)
    meta = {"format": FORMAT, "kind": model.kind, "classes": model.encoding_.as_strings(),
            "n_features": model.n_features_in_, "data_checksum": model.data_checksum_,
            "params": {k: _plain(v) for k, v in model.get_params().items()}}
    if isinstance(model, ForestClassifier):
        import joblib

        joblib.dump({"meta": meta, "model": model.model_}, path)
        return path
    import torch

    if isinstance(model, TempCNNClassifier):
        meta |= {"mean": model.mean_, "std": model.std_}
    else:
        assert isinstance(model, MLPClassifier)
        meta |= {"mean": model.mean_.tolist(), "scale": model.scale_.tolist()}
    state = {k: v.detach().cpu() for k, v in model.net_.state_dict().items()}
    torch.save({"meta": meta, "state_dict": state}, path)
    return path


def load_classifier(path: str | Path, *, classes: Sequence | LabelEncoding | None = None,
                    data_checksum: str | None = None, device: str = "cpu") -> Classifier:
    """Load a classifier written by :func:`save_classifier`, checking its labels and training data.

    Parameters
    ----------
    path : str or Path
        The saved file.
    classes : sequence or LabelEncoding, optional
        The label encoding you expect (labels in index order, compared as strings).
    data_checksum : str, optional
        The :func:`statmethods.classify.labels.data_checksum` of the training data you expect.
    device : str
        Where to put a torch model's weights.

    Raises
    ------
    ValueError
        The file is missing or not a saved classifier, or its labels or checksum differ.
    """
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"no saved model at {path}")
    with path.open("rb") as fh:
        is_zip = fh.read(4) == b"PK\x03\x04"  # torch.save writes a zip archive; joblib a pickle
    try:
        if is_zip:
            import torch

            blob: Any = torch.load(path, map_location="cpu", weights_only=True)
        else:
            import joblib

            blob = joblib.load(path)
    except Exception as exc:
        raise ValueError(f"{path} is not a saved statmethods classifier: {exc}") from exc
    meta = blob.get("meta", {}) if isinstance(blob, dict) else {}
    if meta.get("format") != FORMAT or meta.get("kind") not in _KINDS:
        raise ValueError(f"{path} was not written by statmethods.classify.save_classifier (format {FORMAT})")
    saved = list(meta["classes"])
    if classes is not None:
        want = classes.as_strings() if isinstance(classes, LabelEncoding) else [str(c) for c in classes]
        if want != saved:
            diff = [f"index {i}: saved {sv!r} vs expected {w!r}"
                    for i, (sv, w) in enumerate(zip(saved, want, strict=False)) if sv != w][:3]
            if not diff:
                diff = [f"the first {min(len(saved), len(want))} agree, the lengths differ"]
            raise ValueError(
                f"label encoding mismatch: the model at {path.name} was trained with {len(saved)} classes "
                f"but {len(want)} were expected ({'; '.join(diff)}). Its predictions would be mislabelled: "
                f"retrain the model or pass its own encoding. Saved: {saved}; expected: {want}"
            )
    if data_checksum is not None and data_checksum != meta["data_checksum"]:
        raise ValueError(
            f"training-data checksum mismatch: the model at {path.name} was trained on data with checksum "
            f"{meta['data_checksum'][:12]}..., not {data_checksum[:12]}...; retrain on the data you mean"
        )
    params = dict(meta["params"])
    if "hidden" in params:
        params["hidden"] = tuple(params["hidden"])
    if "device" in params:
        params["device"] = device
    model = _KINDS[meta["kind"]](**params)
    model.encoding_ = LabelEncoding(tuple(saved))
    model.n_features_in_ = int(meta["n_features"])
    model.data_checksum_ = meta["data_checksum"]
    if isinstance(model, ForestClassifier):
        model.model_ = blob["model"]
        return model
    if isinstance(model, TempCNNClassifier):
        model.mean_, model.std_ = meta["mean"], meta["std"]
    else:
        assert isinstance(model, MLPClassifier)
        model.mean_, model.scale_ = np.asarray(meta["mean"]), np.asarray(meta["scale"])
    net = model._build(len(saved))
    net.load_state_dict(blob["state_dict"])
    model.net_ = net.to(device).eval() if isinstance(model, TempCNNClassifier) else net.eval()
    return model
