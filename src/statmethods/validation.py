"""One exception hierarchy and one set of argument validators for the whole package.

Modelled on :mod:`statsmodels.tools.validation`: each validator takes the value and the name of
the argument (or chapter parameter) it came from, returns the value in its working type, and
raises :class:`BadInputError` whose message names the argument, the problem and the fix.
The method modules call them on their own arguments; the chapter checks
(:mod:`statmethods.chapters.checks`) call the same functions on the chapter's parameters, so a
rule lives in one place.

Exceptions
----------
- :class:`StatmethodsError`: base of every error the package raises on purpose.
- :class:`BadInputError` (also a :class:`ValueError`): an argument or parameter is not valid.
- :class:`InputFileError`: an input file is missing, unreadable or not of the expected form.

Examples
--------
>>> confidence(0.9)
0.9
>>> positive_int(0, "n_replicates")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
statmethods.validation.BadInputError: parameter 'n_replicates' must be a positive integer, got 0. Fix: ...
>>> rng(3).integers(10)
np.int64(8)
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable
from typing import NoReturn, TypeVar

import numpy as np
from scipy import stats

T = TypeVar("T")

__all__ = [
    "BadInputError",
    "InputFileError",
    "StatmethodsError",
    "choice",
    "confidence",
    "fail",
    "positive",
    "positive_int",
    "rng",
    "torch_device",
    "unit_interval",
    "z_quantile",
]


class StatmethodsError(Exception):
    """Base class of every error that :mod:`statmethods` raises on purpose."""


class BadInputError(StatmethodsError, ValueError):
    """An argument or chapter parameter is not valid; the message says how to fix it."""


class InputFileError(BadInputError):
    """A chapter input file is missing, unreadable or not of the expected form."""


def fail(name: str, problem: str, fix: str) -> NoReturn:
    """Raise the uniform message ``parameter NAME PROBLEM. Fix: FIX``.

    Examples
    --------
    >>> fail("k", "must be below 10, got 12", "lower k")
    Traceback (most recent call last):
    ...
    statmethods.validation.BadInputError: parameter 'k' must be below 10, got 12. Fix: lower k
    """
    raise BadInputError(f"parameter {name!r} {problem}. Fix: {fix}")


def _is_real(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def positive_int(value: object, name: str = "value", *, minimum: int = 1,
                 maximum: int | None = None) -> int:
    """An integer of at least ``minimum`` (and at most ``maximum``): sizes, epochs, folds.

    Examples
    --------
    >>> positive_int(5, "n_folds", minimum=2)
    5
    """
    ok = isinstance(value, numbers.Integral) and not isinstance(value, bool) and value >= minimum
    if not ok:
        fail(name, f"must be a positive integer, got {value!r}", f"give an integer of at least {minimum}")
    if maximum is not None and value > maximum:
        fail(name, f"must be at most {maximum}, got {value!r}", f"give an integer of at most {maximum}")
    return int(value)


def positive(value: object, name: str = "value", *, allow_zero: bool = False) -> float:
    """A finite number greater than zero (or at least zero with ``allow_zero``).

    Examples
    --------
    >>> positive(0.5, "epsilon")
    0.5
    """
    ok = _is_real(value) and (value >= 0 if allow_zero else value > 0)
    if not ok:
        word = "at least" if allow_zero else "greater than"
        fail(name, f"must be {word} 0, got {value!r}", "give a positive number")
    if not np.isfinite(value):
        fail(name, f"must be finite, got {value!r}", "give a finite positive number")
    return float(value)


def unit_interval(value: object, name: str = "value", *, open_: bool = False) -> float:
    """A share or threshold in [0, 1] (or (0, 1) with ``open_``).

    Examples
    --------
    >>> unit_interval(0.25, "share")
    0.25
    """
    ok = _is_real(value) and (0 < value < 1 if open_ else 0 <= value <= 1)
    if not ok:
        span = "(0, 1)" if open_ else "[0, 1]"
        fail(name, f"must be in {span}, got {value!r}", f"give a number in {span}, for example 0.5")
    return float(value)


def confidence(value: object, name: str = "confidence") -> float:
    """A confidence level strictly between 0 and 1.

    Examples
    --------
    >>> confidence(95)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    statmethods.validation.BadInputError: parameter 'confidence' must be in (0, 1), ... got 95. Fix: ...
    """
    if not (_is_real(value) and 0 < value < 1):
        fail(name, f"must be in (0, 1), strictly between 0 and 1, got {value!r}",
             "give a level such as 0.95 (not 95)")
    return float(value)


def z_quantile(level: object, name: str = "confidence") -> float:
    """Two-sided normal quantile ``z_{1-alpha/2}`` for a confidence level.

    Examples
    --------
    >>> round(z_quantile(0.95), 4)
    1.96
    """
    return float(stats.norm.ppf(0.5 + confidence(level, name) / 2))


def choice(value: T, name: str, allowed: Iterable[T]) -> T:
    """One of a fixed list of values.

    Examples
    --------
    >>> choice("ghsl-2024", "rule_set", ["manual-2021", "ghsl-2024"])
    'ghsl-2024'
    """
    allowed = list(allowed)
    if value not in allowed:
        fail(name, f"must be one of {', '.join(map(repr, allowed))}, got {value!r}",
             "choose one of those values")
    return value


def rng(seed: object, name: str = "seed") -> np.random.Generator:
    """A :class:`numpy.random.Generator` from a seed (a non-negative integer) or a Generator.

    Examples
    --------
    >>> isinstance(rng(0), np.random.Generator)
    True
    """
    if isinstance(seed, np.random.Generator):
        return seed
    if not (isinstance(seed, numbers.Integral) and not isinstance(seed, bool) and seed >= 0):
        fail(name, f"must be a non-negative integer, got {seed!r}", "give a seed such as 0")
    return np.random.default_rng(int(seed))


def torch_device(value: object, name: str = "device") -> str:
    """A torch device: ``"cpu"``, ``"cuda"`` or ``"cuda:N"``, refused when that GPU is absent.

    torch is imported only when a GPU is asked for, so checks of CPU runs stay fast.

    Examples
    --------
    >>> torch_device("cpu")
    'cpu'
    >>> torch_device("gpu")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    statmethods.validation.BadInputError: parameter 'device' must be 'cpu' or 'cuda' ..., got 'gpu'. Fix: ...
    """
    ok = isinstance(value, str) and (
        value in ("cpu", "cuda") or (value.startswith("cuda:") and value[5:].isdigit()))
    if not ok:
        fail(name, f"must be 'cpu' or 'cuda' (or 'cuda:N'), got {value!r}", "use -p device cpu")
    if value.startswith("cuda"):
        import torch

        if not torch.cuda.is_available():
            fail(name, f"is {value!r} but torch finds no CUDA GPU on this machine",
                 "use -p device cpu (every chapter runs on a CPU)")
        index = int(value[5:]) if ":" in value else 0
        if index >= torch.cuda.device_count():
            fail(name, f"is {value!r} but this machine has {torch.cuda.device_count()} GPU(s)",
                 "use cuda:0 or another index below that count")
    return value
