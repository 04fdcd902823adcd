"""Up-front checks of each chapter's parameters, run before the kernel starts.

One module per chapter, named after the chapter id with ``-`` replaced by ``_``
(``area-accuracy`` -> :mod:`statmethods.chapters.checks.area_accuracy`). Each module defines
``check(params: dict) -> None``, which receives every parameter (defaults merged with the
user's values, input paths already made absolute) and raises :class:`ValueError` whose message
names the parameter, the problem and the fix. The helpers below keep those messages uniform.
Checks must be fast (well under 2 s) and import no heavy library at module level.

Examples
--------
>>> positive_int({"n_replicates": 0}, "n_replicates")
Traceback (most recent call last):
...
ValueError: parameter 'n_replicates' must be a positive integer, got 0. Fix: give an integer of at least 1
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from importlib import import_module
from typing import Any


def module_name(chapter_id: str) -> str:
    """The checks module of a chapter."""
    return f"{__name__}.{chapter_id.replace('-', '_')}"


def checker(chapter_id: str) -> Callable[[dict[str, Any]], None] | None:
    """The ``check`` function of a chapter, or ``None`` if it has no checks module."""
    try:
        mod = import_module(module_name(chapter_id))
    except ModuleNotFoundError as exc:
        if exc.name == module_name(chapter_id):
            return None
        raise
    return mod.check


def fail(name: str, problem: str, fix: str) -> None:
    """Raise the uniform message: parameter, problem, fix."""
    raise ValueError(f"parameter {name!r} {problem}. Fix: {fix}")


def positive_int(params: dict[str, Any], name: str, *, minimum: int = 1) -> int:
    """An integer of at least ``minimum`` (epochs, sizes, replicates, folds)."""
    v = params[name]
    if isinstance(v, bool) or not isinstance(v, int) or v < minimum:
        fail(name, f"must be a positive integer, got {v!r}", f"give an integer of at least {minimum}")
    return v


def positive(params: dict[str, Any], name: str, *, allow_zero: bool = False) -> float:
    """A number greater than zero (or at least zero)."""
    v = params[name]
    if isinstance(v, bool) or not isinstance(v, int | float) or v < 0 or (v == 0 and not allow_zero):
        fail(name, f"must be {'at least' if allow_zero else 'greater than'} 0, got {v!r}",
             "give a positive number")
    return float(v)


def unit_interval(params: dict[str, Any], name: str, *, open_: bool = False) -> float:
    """A share or threshold in [0, 1] (or (0, 1) with ``open_``)."""
    v = params[name]
    ok = isinstance(v, int | float) and not isinstance(v, bool) and (0 < v < 1 if open_ else 0 <= v <= 1)
    if not ok:
        rng = "(0, 1)" if open_ else "[0, 1]"
        fail(name, f"must be in {rng}, got {v!r}", f"give a number in {rng}, for example 0.5")
    return float(v)


def confidence(params: dict[str, Any], name: str = "confidence") -> float:
    """A confidence level in (0, 1)."""
    v = params[name]
    if not (isinstance(v, int | float) and not isinstance(v, bool) and 0 < v < 1):
        fail(name, f"must be in (0, 1), got {v!r}", "give a level such as 0.95 (not 95)")
    return float(v)


def choice(params: dict[str, Any], name: str, allowed: Iterable[Any]) -> Any:
    """One of a fixed list of values."""
    allowed = list(allowed)
    if params[name] not in allowed:
        fail(name, f"must be one of {', '.join(map(repr, allowed))}, got {params[name]!r}",
             "choose one of those values")
    return params[name]


def subset(params: dict[str, Any], name: str, allowed: Iterable[Any]) -> list[Any]:
    """A list whose items all come from ``allowed`` (class or level names that exist)."""
    allowed = list(allowed)
    unknown = [x for x in params[name] if x not in allowed]
    if unknown:
        fail(name, f"names unknown value(s) {', '.join(map(repr, unknown))}",
             f"use values from {', '.join(map(repr, allowed))}")
    return list(params[name])


def less_than(params: dict[str, Any], low: str, high: str, *, strict: bool = True) -> None:
    """``params[low] < params[high]`` (cluster threshold below centre threshold)."""
    a, b = params[low], params[high]
    if a > b or (strict and a == b):
        fail(low, f"({a!r}) must be {'below' if strict else 'at most'} {high!r} ({b!r})",
             f"lower {low!r} or raise {high!r}")


def iso_date(params: dict[str, Any], name: str) -> date:
    """A date written ``YYYY-MM-DD`` (quoted or a YAML date)."""
    v = params[name]
    if isinstance(v, date):
        return v
    try:
        return date.fromisoformat(str(v))
    except ValueError:
        fail(name, f"is not a date in the form YYYY-MM-DD, got {v!r}", "write it as e.g. 2020-06-30")
    raise AssertionError


def date_range(params: dict[str, Any], start: str, end: str) -> None:
    """Two dates that parse, with ``start`` before ``end``."""
    a, b = iso_date(params, start), iso_date(params, end)
    if not a < b:
        fail(start, f"({a}) must be before {end!r} ({b})", "swap or correct the dates")


def device(params: dict[str, Any], name: str = "device") -> str:
    """A torch device, ``"cpu"`` or ``"cuda"``/``"cuda:N"``, refused when no CUDA GPU is there.

    torch is imported only when a GPU is asked for, so CPU runs stay fast to check.
    """
    d = params[name]
    ok = isinstance(d, str) and (d in ("cpu", "cuda") or (d.startswith("cuda:") and d[5:].isdigit()))
    if not ok:
        fail(name, f"must be 'cpu' or 'cuda' (or 'cuda:N'), got {d!r}", "use -p device cpu")
    if d.startswith("cuda"):
        import torch

        if not torch.cuda.is_available():
            fail(name, f"is {d!r} but torch finds no CUDA GPU on this machine",
                 "use -p device cpu (every chapter runs on a CPU)")
        index = int(d[5:]) if ":" in d else 0
        if index >= torch.cuda.device_count():
            fail(name, f"is {d!r} but this machine has {torch.cuda.device_count()} GPU(s)",
                 "use cuda:0 or another index below that count")
    return d
