"""Check user-supplied chapter parameters before anything runs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from ..validation import BadInputError
from .catalog import Chapter


class ParameterError(BadInputError):
    """A parameter is unknown, of the wrong type or of the wrong shape."""


class _Loader(yaml.SafeLoader):
    """YAML literals as a statistician writes them: dates stay text, duplicate keys are refused."""


_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _mapping_without_duplicates(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":  # `<<: *base` (YAML merge key) is fine
            continue
        key = loader.construct_object(key_node)
        if key in seen:
            raise ParameterError(
                f"parameter {key!r} is given twice (lines {seen[key]} and {key_node.start_mark.line + 1}). "
                "Fix: keep one of them"
            )
        seen[key] = key_node.start_mark.line + 1
    return loader.construct_mapping(node)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_without_duplicates)


MAX_DEPTH = 20  # nesting of lists and mappings
MAX_NODES = 100_000  # values after expanding aliases (a "billion laughs" file has 10**9)


def _yaml_size(text: str, where: str) -> None:
    """Refuse deep nesting and alias bombs from the event stream (no recursion, no expansion)."""
    sizes: dict[str, int] = {}
    stack: list[list] = [[None, 0]]
    for ev in yaml.parse(text, Loader=_Loader):
        if isinstance(ev, yaml.CollectionStartEvent):
            stack.append([ev.anchor, 1])
            if len(stack) - 1 > MAX_DEPTH:
                raise ParameterError(f"{where} nests lists or mappings more than {MAX_DEPTH} deep (line "
                                     f"{ev.start_mark.line + 1}). Fix: write plain `name: value` lines")
        elif isinstance(ev, yaml.CollectionEndEvent):
            anchor, n = stack.pop()
            if anchor:
                sizes[anchor] = n
            stack[-1][1] += n
        elif isinstance(ev, yaml.ScalarEvent | yaml.AliasEvent):
            n = sizes.get(ev.anchor, 1) if isinstance(ev, yaml.AliasEvent) else 1
            if isinstance(ev, yaml.ScalarEvent) and ev.anchor:
                sizes[ev.anchor] = 1
            stack[-1][1] += n
        if stack[-1][1] > MAX_NODES or sum(f[1] for f in stack) > MAX_NODES:
            raise ParameterError(f"{where} expands to more than {MAX_NODES:,} values through its aliases "
                                 "(`*name`). Fix: write the values out; a params file needs no aliases "
                                 "except `<<: *base`")


def _yaml(text: str, where: str) -> Any:
    try:
        _yaml_size(text, where)
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ParameterError(
            f"{where} is not valid YAML{at}: {problem}. Fix: write values as YAML literals, e.g. "
            "0.95, [a, b], [[1, 2], [3, 4]], and quote text that holds ':' or '#'"
        ) from None


def parse_value(text: str) -> Any:
    """Parse a command-line value as a YAML literal (``'[[66,0],[1,55]]'`` -> nested list).

    Dates such as ``2020-06-30`` stay text (the chapter's checks parse them).

    Examples
    --------
    >>> parse_value("[[66,0],[1,55]]")
    [[66, 0], [1, 55]]
    >>> parse_value("2020-06-30")
    '2020-06-30'
    >>> parse_value("")
    ''
    """
    if not text.strip():
        return ""  # `-p footprint_file ""`: an empty text, not YAML's null
    return _yaml(text, f"the value {text!r}")


def load_params_file(path: str | Path) -> dict[str, Any]:
    """Read a YAML mapping of parameter names to values (UTF-8; duplicate names refused)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ParameterError(f"cannot read the params file {path}: {exc.strerror}. "
                             "Fix: check the path and its permissions") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParameterError(
            f"the params file {path} is not UTF-8 (byte {exc.start}: {raw[exc.start:exc.start + 4]!r}). "
            "Fix: save it as UTF-8 (in Excel or Notepad: 'Save as', encoding UTF-8)"
        ) from None
    data = _yaml(text, f"the params file {path}")
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ParameterError(f"the params file {path} must be a YAML mapping of `name: value` lines, "
                             f"not a {type(data).__name__}. Fix: write one `name: value` per line")
    bad = [k for k in data if not isinstance(k, str)]
    if bad:
        raise ParameterError(f"the params file {path} has parameter names that are not text: {bad!r}. "
                             "Fix: write `name: value` lines")
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
    try:
        return _check_kind(name, value, default)
    except ParameterError as exc:
        if "Fix:" in str(exc):
            raise
        raise ParameterError(f"{exc}. Fix: give {_describe(default)}, written like the default "
                             f"({default!r}); `statmethods list` shows every parameter") from None


def _check_kind(name: str, value: Any, default: Any) -> Any:
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
    from ..inputs import is_catalogue_key, user_path

    out = dict(params)
    for name, value in params.items():
        if is_input_parameter(name) and isinstance(value, str) and value.strip():
            p = user_path(value)
            if p.exists() or not is_catalogue_key(value):
                out[name] = str(p)
    return out


def _chapter_check(chapter_id: str) -> Callable[[dict[str, Any]], None] | None:
    from .checks import checker

    return checker(chapter_id)


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
            f"known: {', '.join(chapter.parameters)}. Fix: check the spelling (`statmethods list` shows "
            "each chapter's parameters)"
        )
    checked = {k: _check_one(k, v, chapter.parameters[k].default) for k, v in overrides.items()}
    checked = absolutise_inputs(checked)
    full = {k: p.default for k, p in chapter.parameters.items()} | checked
    check = _chapter_check(chapter.id)
    if check is not None:
        from ..data.fetch import DataFileError

        try:
            check(full)
        except ParameterError:
            raise
        except (ValueError, KeyError, DataFileError) as exc:
            raise ParameterError(str(exc).strip("'\"")) from exc
    return checked
