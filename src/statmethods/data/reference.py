"""Published reference values (Olofsson, R ``sae``, ...), stored once in ``reference/*.yml``.

Chapters compare their results with these figures, and tests check the estimators against them.

Examples
--------
>>> reference("olofsson")["olofsson2014"]["area_ha"]
[21158, 11686, 285770, 581386]
>>> round(reference("sae")["fay_herriot_milk"]["refvar"], 5)
0.01855
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

__all__ = ["names", "reference"]

_DIR = Path(__file__).with_name("reference")


def names() -> list[str]:
    """The stored reference sets (file names without ``.yml``)."""
    return sorted(p.stem for p in _DIR.glob("*.yml"))


@cache
def _load(name: str) -> dict[str, Any]:
    with open(_DIR / f"{name}.yml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def reference(name: str) -> dict[str, Any]:
    """The reference values of ``name`` (e.g. ``"olofsson"``, ``"sae"``), as a fresh dict.

    Raises
    ------
    ValueError
        If there is no ``reference/<name>.yml``; the message lists the known names.
    """
    import copy

    if name not in names():
        raise ValueError(f"no reference values named {name!r}; known: {', '.join(names())}")
    return copy.deepcopy(_load(name))
