"""Load a pickle that may hold only numpy arrays, numpy dtypes and plain containers.

:func:`pickle.load` runs whatever the file asks for: a pickle can name any importable
callable (``os.system``, ``subprocess.Popen``, ...) and have it called while loading. Research
code often ships fold assignments and labels as pickles (Yeh et al.'s ``*_incountry_folds.pkl``
is a dict of dicts of index arrays), so this module reads such files with an unpickler whose
``find_class`` knows a short allow-list and refuses everything else *before* it is called:

* numpy's array reconstruction (``numpy.core.multiarray._reconstruct``, ``numpy.ndarray``,
  ``numpy.dtype``, ``numpy.core.multiarray.scalar``, and protocol 5's
  ``numpy.core.numeric._frombuffer``) and ``_codecs.encode`` (which protocol-2
  pickles use to store bytes);
* nothing else: dicts, lists, tuples, strings, numbers, booleans and ``None`` are built by the
  pickle machine itself and need no global.

Arrays of ``object`` dtype are refused too, since their items would be arbitrary objects.

Examples
--------
>>> import io, pickle
>>> import numpy as np
>>> raw = pickle.dumps({"A": {"test": np.arange(3)}})
>>> safe_loads(raw)["A"]["test"].tolist()
[0, 1, 2]
>>> import collections
>>> try:
...     safe_loads(pickle.dumps(collections.Counter("ab")), where="x.pkl")
... except UnsafePickleError as e:
...     print(str(e).split(",")[0])
x.pkl: the pickle asks for collections.Counter
"""

from __future__ import annotations

import io
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["UnsafePickleError", "safe_load", "safe_loads"]


class UnsafePickleError(ValueError):
    """A pickle names an object outside the allow-list, or is not a readable pickle."""


def _dtype(*args: Any, **kwargs: Any) -> np.dtype:
    dt = np.dtype(*args, **kwargs)
    if dt.hasobject:
        raise UnsafePickleError("an array of dtype 'object'")
    return dt


def _reconstruct(*args: Any, **kwargs: Any) -> Any:
    from numpy._core.multiarray import _reconstruct as rec

    return rec(*args, **kwargs)


def _scalar(dtype: np.dtype, *args: Any) -> Any:
    from numpy._core.multiarray import scalar

    if dtype.hasobject:
        raise UnsafePickleError("a numpy scalar of dtype 'object'")
    return scalar(dtype, *args)


def _frombuffer(buf: Any, dtype: np.dtype, shape: Any, order: str) -> np.ndarray:
    from numpy._core.numeric import _frombuffer as fb

    if np.dtype(dtype).hasobject:
        raise UnsafePickleError("an array of dtype 'object'")
    return fb(buf, dtype, shape, order)


def _encode(obj: str, encoding: str = "latin1") -> bytes:
    import codecs

    if not isinstance(obj, str) or encoding not in ("latin1", "latin-1"):
        raise UnsafePickleError(f"_codecs.encode with {type(obj).__name__} / {encoding!r}")
    return codecs.encode(obj, encoding)


_ALLOWED: dict[tuple[str, str], Callable[..., Any] | type] = {
    **{(m, "_reconstruct"): _reconstruct for m in ("numpy.core.multiarray", "numpy._core.multiarray")},
    **{(m, "scalar"): _scalar for m in ("numpy.core.multiarray", "numpy._core.multiarray")},
    **{(m, "_frombuffer"): _frombuffer for m in ("numpy.core.numeric", "numpy._core.numeric")},
    ("numpy", "ndarray"): np.ndarray,
    ("numpy", "dtype"): _dtype,
    ("_codecs", "encode"): _encode,
}


class _Unpickler(pickle.Unpickler):
    def __init__(self, fh: io.BufferedIOBase, where: str) -> None:
        super().__init__(fh)
        self.where = where

    def find_class(self, module: str, name: str) -> Any:
        target = _ALLOWED.get((module, name))
        if target is None:
            raise UnsafePickleError(
                f"{self.where}: the pickle asks for {module}.{name}, which is not allowed in this file "
                "(only numpy arrays, numpy dtypes and plain dicts, lists, tuples, strings and numbers "
                "are). Fix: save the data with numpy types only (for example np.savez, or a dict of "
                "integer arrays), and never load a pickle you do not trust with pickle.load"
            )
        return target

    def persistent_load(self, pid: Any) -> Any:
        raise UnsafePickleError(f"{self.where}: the pickle refers to a persistent object ({pid!r}), "
                                "which is not allowed. Fix: save plain numpy arrays and containers")


def safe_loads(data: bytes, where: str = "<bytes>") -> Any:
    """Unpickle ``data`` allowing only numpy arrays/dtypes and plain containers.

    Parameters
    ----------
    data
        The pickled bytes.
    where
        How to name the source in errors (a file name).

    Raises
    ------
    UnsafePickleError
        Naming ``where`` and the forbidden object, or saying that the bytes are not a pickle.
    """
    try:
        return _Unpickler(io.BytesIO(data), where).load()
    except UnsafePickleError as exc:
        msg = str(exc)
        if not msg.startswith(where):
            msg = (f"{where}: the pickle holds {msg}, which is not allowed. Fix: save numeric "
                   "arrays only")
        raise UnsafePickleError(msg) from None
    except Exception as exc:  # truncated or foreign bytes
        raise UnsafePickleError(
            f"{where}: cannot be read as a pickle ({type(exc).__name__}: {exc}). Fix: give the "
            "pickle file itself (written with pickle.dump), not a renamed or truncated file"
        ) from None


def safe_load(path: str | os.PathLike) -> Any:
    """Unpickle the file at ``path`` with the allow-list of :func:`safe_loads`.

    Examples
    --------
    >>> from statmethods import data
    >>> folds = safe_load(data.path("africa-poverty-lsms/lsms_incountry_folds.pkl"))
    >>> sorted(folds), sorted(folds["A"])
    (['A', 'B', 'C', 'D', 'E'], ['test', 'train', 'val'])
    """
    p = Path(path)
    return safe_loads(p.read_bytes(), where=str(p))
