"""Check user-supplied chapter parameters before anything runs."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from pathlib import Path
from typing import Any

import yaml

from .catalog import Chapter


class ParameterError(ValueError):
    """A parameter is unknown, of the wrong type or of the wrong shape."""


# Legacy: chapter checks still inside method modules. New checks live in
# ``statmethods.chapters.checks.<chapter_id>`` and are found there first.
CHAPTER_CHECKS: dict[str, str] = {
    "area-accuracy": "statmethods.area.accuracy:check_chapter_parameters",
    "autocode-industry-occupation": "statmethods.autocode.operation:check_chapter_parameters",
    "area-regression-estimator": "statmethods.area.regression:check_chapter_parameters",
    "area-small-area": "statmethods.area.small_area:check_chapter_parameters",
    "area-landcover-map": "statmethods.area.simulation:check_chapter_parameters",
    "autocode-crop-types": "statmethods.autocode.timeseries:check_chapter_parameters",
    "satellite-green-space": "statmethods.indicators.green:check_chapter_parameters",
}


def parse_value(text: str) -> Any:
    """Parse a command-line value as a YAML literal (``'[[66,0],[1,55]]'`` -> nested list)."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ParameterError(f"cannot parse {text!r} as a YAML literal: {exc}") from exc


def load_params_file(path: str | Path) -> dict[str, Any]:
    """Read a YAML mapping of parameter names to values."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ParameterError(f"{path}: a params file must be a YAML mapping name: value")
    return data


def _kind(x: Any) -> str:
    if isinstance(x, bool):
        return "bool"
    if isinstance(x, int | float):
        return "number"
    if isinstance(x, str):
        return "str"
    if isinstance(x, list | tuple):
        return "list"
    if isinstance(x, dict):
        return "dict"
    if x is None:
        return "null"
    return type(x).__name__


def _depth(x: Any) -> int:
    if isinstance(x, list | tuple):
        return 1 + max((_depth(v) for v in x), default=0)
    return 0


def _leaf_kinds(x: Any) -> set[str]:
    if isinstance(x, list | tuple):
        return set().union(*(_leaf_kinds(v) for v in x)) if x else set()
    return {_kind(x)}


def _describe(default: Any) -> str:
    if isinstance(default, list | tuple):
        leaves = "/".join(sorted(_leaf_kinds(default))) or "any"
        d = _depth(default)
        return "a list of " + "lists of " * (d - 1) + leaves + (" values" if d else "")
    if isinstance(default, int) and not isinstance(default, bool):
        return "an integer"
    return {"bool": "true or false", "number": "a number", "str": "a string",
            "dict": "a mapping", "null": "any value"}.get(_kind(default), type(default).__name__)


def _check_one(name: str, value: Any, default: Any) -> Any:
    dk, vk = _kind(default), _kind(value)
    expected = f"parameter {name!r} expects {_describe(default)} (default {default!r})"
    if dk == "null":
        return value
    if dk == "number":
        if vk != "number":
            raise ParameterError(f"{expected}, got {value!r}")
        if isinstance(default, int) and not isinstance(value, int):
            raise ParameterError(f"{expected}, got the non-integer {value!r}")
        return float(value) if isinstance(default, float) else value
    if dk != vk:
        raise ParameterError(f"{expected}, got {vk} {value!r}")
    if dk == "list" and default:
        if _depth(value) != _depth(default) and value:
            raise ParameterError(
                f"{expected}: wrong shape, nesting depth {_depth(value)} instead of {_depth(default)}"
            )
        want, got = _leaf_kinds(default), _leaf_kinds(value)
        if got and not got <= want:
            raise ParameterError(f"{expected}: element types {sorted(got)} are not {sorted(want)}")
        if _depth(default) == 2 and len({len(r) for r in value}) > 1:
            raise ParameterError(f"{expected}: rows have different lengths (not a rectangular matrix)")
    return value


def is_input_parameter(name: str) -> bool:
    """Input data parameters are named ``*_file`` or ``*_dir`` (``output_dir`` is the output)."""
    return (name.endswith("_file") or name.endswith("_dir")) and name != "output_dir"


def absolutise_inputs(params: dict[str, Any]) -> dict[str, Any]:
    """Make user paths of input parameters absolute, from the folder the command started in.

    Catalogue keys stay as they are; a path that exists locally wins over a catalogue key.
    """
    from ..io import is_catalogue_key, user_path

    out = dict(params)
    for name, value in params.items():
        if is_input_parameter(name) and isinstance(value, str) and value.strip():
            p = user_path(value)
            if p.exists() or not is_catalogue_key(value):
                out[name] = str(p)
    return out


def _chapter_check(chapter_id: str) -> Callable[[dict[str, Any]], None] | None:
    from .checks import checker

    found = checker(chapter_id)
    if found is not None:
        return found
    target = CHAPTER_CHECKS.get(chapter_id)
    if not target:
        return None
    module, _, func = target.partition(":")
    return getattr(import_module(module), func)


def validate_parameters(chapter: Chapter, overrides: dict[str, Any]) -> dict[str, Any]:
    """Merge overrides into the chapter's defaults and check every value.

    Returns
    -------
    dict
        The overrides, with numbers coerced to the default's type.

    Raises
    ------
    ParameterError
        Naming the parameter and what was expected.
    """
    unknown = sorted(set(overrides) - set(chapter.parameters))
    if unknown:
        raise ParameterError(
            f"unknown parameter(s) {', '.join(map(repr, unknown))} for chapter {chapter.id!r}; "
            f"known: {', '.join(chapter.parameters)}"
        )
    checked = {k: _check_one(k, v, chapter.parameters[k].default) for k, v in overrides.items()}
    checked = absolutise_inputs(checked)
    full = {k: p.default for k, p in chapter.parameters.items()} | checked
    check = _chapter_check(chapter.id)
    if check is not None:
        try:
            check(full)
        except ParameterError:
            raise
        except ValueError as exc:
            raise ParameterError(str(exc)) from exc
    return checked
