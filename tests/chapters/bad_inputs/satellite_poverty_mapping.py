"""Bad inputs for satellite-poverty-mapping."""

import pickle
from pathlib import Path

from . import BadInput, write_csv


class _Folds(dict):
    """A custom class: the safe loader must refuse to build it."""


class _Payload:
    """Unpickling this would call a function (here a harmless ``print``), as a malicious pickle does."""

    def __reduce__(self):
        return (print, ("this must never run",))


def _npz(path: Path, n: int = 30, keys: tuple[str, ...] = ("image_hists", "locs", "years")) -> None:
    import numpy as np

    rng = np.random.default_rng(0)
    arrays = {"image_hists": rng.integers(0, 50, size=(n, 3, 5)),
              "locs": np.c_[np.arange(n) * 0.1, np.arange(n) * 0.2], "years": np.full(n, 2010)}
    np.savez(path, **{k: arrays[k] for k in keys})


def _csv(path: Path, n: int = 30, wealth: str = "index_all") -> None:
    lines = [f"lat,lon,year,country,{wealth},geolev2"]
    lines += [f"{i * 0.1:.4f},{i * 0.2:.4f},2010,{'ab'[i % 2]},{(i % 7) / 7:.3f},d{i % 5}" for i in range(n)]
    write_csv(path, "\n".join(lines) + "\n")


def _folds(path: Path, n: int = 30, unsafe: str | None = None) -> None:
    import numpy as np

    folds = {f: {"test": np.arange(n)[np.arange(n) % 3 == i]} for i, f in enumerate("ABC")}
    if unsafe == "callable":
        folds["A"]["test"] = _Payload()
        raw = pickle.dumps(folds)
    elif unsafe == "class":
        raw = pickle.dumps(_Folds(folds))
    else:
        raw = pickle.dumps(folds)
    path.write_bytes(raw)


def _all(tmp: Path, n_csv: int = 30, keys=("image_hists", "locs", "years"), wealth: str = "index_all",
         unsafe: str | None = None) -> None:
    _npz(tmp / "h.npz", keys=keys)
    _csv(tmp / "v.csv", n=n_csv, wealth=wealth)
    _folds(tmp / "f.pkl", unsafe=unsafe)


def _preds(path: Path, n: int = 30, shift: float = 0.0) -> None:
    rows = [f"{i * 0.1 + shift:.4f},{i * 0.2:.4f},2010,{(i % 5) / 5:.3f}" for i in range(n)]
    lines = ["lat,lon,year,cnn", *rows]
    write_csv(path, "\n".join(lines) + "\n")


MINE = {"hists_file": "{tmp}/h.npz", "wealth_file": "{tmp}/v.csv", "folds_file": "{tmp}/f.pkl"}
PREDS = {**MINE, "dhs_predictions_file": "{tmp}/p.csv", "dhs_year_column": "year", "dhs_models": ["cnn"]}

CASES = [
    BadInput("folds-with-custom-class", MINE, "refused by the safe loader",
             files=lambda t: _all(t, unsafe="class")),
    BadInput("folds-with-callable", MINE, "refused by the safe loader",
             files=lambda t: _all(t, unsafe="callable")),
    BadInput("csv-without-wealth-column", MINE, "missing column(s) 'index_all'",
             files=lambda t: _all(t, wealth="asset_index")),
    BadInput("npz-without-image-hists", MINE, "lacks the array(s) 'image_hists'",
             files=lambda t: _all(t, keys=("locs", "years"))),
    BadInput("row-counts-differ", MINE, "has 29 rows but hists_file has 30 villages",
             files=lambda t: _all(t, n_csv=29)),
    BadInput("zero-epochs", {"mlp_epochs": 0}, "'mlp_epochs' must be a positive integer"),
    BadInput("unknown-device", {"device": "tpu"}, "'device' must be 'cpu' or 'cuda'"),
    BadInput("missing-hists-file", {"hists_file": "my_hists.npz"}, "file not found"),
    BadInput("unknown-wealth-column", {"wealth_column": "income"}, "missing column(s) 'income'"),
    BadInput("unknown-prediction-column", {"dhs_models": ["msnl_concat", "resnet50"]},
             "missing column(s) 'resnet50'"),
    BadInput("predictions-of-other-villages", PREDS, "do not have one row for each village",
             files=lambda t: (_all(t), _preds(t / "p.csv", shift=5.0))),
    BadInput("empty-prediction-model-list", {"dhs_models": []}, "'dhs_models' must be a non-empty list"),
]
