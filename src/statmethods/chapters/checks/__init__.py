"""Up-front checks of each chapter's parameters, run before the kernel starts.

One module per chapter, named after the chapter id with ``-`` replaced by ``_``
(``area-accuracy`` -> :mod:`statmethods.chapters.checks.area_accuracy`). Each module defines
``check(params: dict) -> None``, which receives every parameter (defaults merged with the
user's values, input paths already made absolute) and raises
:class:`statmethods.validation.BadInputError` (a :class:`ValueError`) whose message
names the parameter, the problem and the fix. The helpers below keep those messages uniform.
Checks must be fast (well under 2 s) and import no heavy library at module level.

Examples
--------
>>> positive_int({"n_replicates": 0}, "n_replicates")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
statmethods.validation.BadInputError: parameter 'n_replicates' must be a positive integer, got 0. Fix: ...
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from importlib import import_module
from typing import Any, NoReturn

from ... import validation


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


def fail(name: str, problem: str, fix: str) -> NoReturn:
    """Raise the uniform message: parameter, problem, fix (:func:`statmethods.validation.fail`)."""
    validation.fail(name, problem, fix)


def positive_int(params: dict[str, Any], name: str, *, minimum: int = 1,
                 maximum: int | None = None) -> int:
    """An integer of at least ``minimum`` (epochs, sizes, replicates, folds)."""
    return validation.positive_int(params[name], name, minimum=minimum, maximum=maximum)


def positive(params: dict[str, Any], name: str, *, allow_zero: bool = False) -> float:
    """A finite number greater than zero (or at least zero)."""
    return validation.positive(params[name], name, allow_zero=allow_zero)


def unit_interval(params: dict[str, Any], name: str, *, open_: bool = False) -> float:
    """A share or threshold in [0, 1] (or (0, 1) with ``open_``)."""
    return validation.unit_interval(params[name], name, open_=open_)


def confidence(params: dict[str, Any], name: str = "confidence") -> float:
    """A confidence level in (0, 1)."""
    return validation.confidence(params[name], name)


def choice(params: dict[str, Any], name: str, allowed: Iterable[Any]) -> Any:
    """One of a fixed list of values."""
    return validation.choice(params[name], name, allowed)


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


def date_range(params: dict[str, Any], start: str, end: str) -> None:
    """Two dates that parse, with ``start`` before ``end``."""
    a, b = iso_date(params, start), iso_date(params, end)
    if not a < b:
        fail(start, f"({a}) must be before {end!r} ({b})", "swap or correct the dates")


def device(params: dict[str, Any], name: str = "device") -> str:
    """A torch device, refused when that GPU is absent (:func:`statmethods.validation.torch_device`)."""
    return validation.torch_device(params[name], name)


MAX_HOURS = 6.0  # default time budget of one run; STATMETHODS_MAX_HOURS changes it


def work_budget(params: dict[str, Any], defaults: dict[str, Any], *, seconds_at_defaults: float,
                scales: Iterable[str], what: str) -> float:
    """Refuse a run that cannot finish: estimate its time from the parameters, up front.

    The estimate is the chapter's time on its defaults (measured on a 2-core machine) times the
    ratio of each work parameter in ``scales`` (epochs, replicates, trees, pixels ...) to its
    default: the work of these loops grows linearly in each of them. A run over the budget
    (``STATMETHODS_MAX_HOURS``, default 6 h) is refused, naming the parameters that drive it.

    Examples
    --------
    >>> work_budget({"n": 40}, {"n": 4}, seconds_at_defaults=10, scales=["n"], what="replicates")
    100.0
    >>> work_budget({"n": 4 * 10**9}, {"n": 4}, seconds_at_defaults=10, scales=["n"], what="replicates")
    Traceback (most recent call last):
    ...
    statmethods.validation.BadInputError: parameter 'n' ... Fix: ...
    """
    import math
    import os

    scales = list(scales)
    factor = 1.0
    for name in scales:
        value, default = params.get(name), defaults.get(name)
        if isinstance(value, int | float) and not isinstance(value, bool) and default:
            factor *= max(float(value), 0.0) / float(default)
    seconds = seconds_at_defaults * factor
    try:
        limit = float(os.environ.get("STATMETHODS_MAX_HOURS", MAX_HOURS)) * 3600
    except ValueError:
        limit = MAX_HOURS * 3600
    if not math.isfinite(seconds) or seconds > limit:
        big = max(scales, key=lambda n: float(params.get(n) or 0) / float(defaults.get(n) or 1))
        hours = seconds / 3600 if math.isfinite(seconds) else float("inf")
        others = ", ".join(f"{n}={params[n]!r}" for n in scales if n != big)
        fail(big, f"= {params[big]!r}{f' (with {others})' if others else ''} would make the {what} run "
             f"for about {hours:,.0f} hours, over the {limit / 3600:g}-hour budget",
             f"lower {' or '.join(scales)} (the defaults take about {seconds_at_defaults:.0f} s), or set "
             "STATMETHODS_MAX_HOURS to allow a longer run")
    return seconds
