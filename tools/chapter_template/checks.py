"""Up-front checks of __ID__ (run before the kernel starts).

Ranges of single parameters come from :mod:`statmethods.validation` (through the helpers of
:mod:`statmethods.chapters.checks`); this module keeps only relations between parameters and the
reading of files, which it does with :mod:`statmethods.inputs`.
"""

from __future__ import annotations

from typing import Any

from ... import inputs, validation
from . import confidence, fail


def check(params: dict[str, Any]) -> None:
    """Refuse bad parameters and input files, naming the parameter, the problem and the fix."""
    confidence(params)
    validation.rng(params["seed"], "seed")
    table = inputs.read_table(params["input_file"], "input_file", required=[params["value_column"]],
                              encoding=params["encoding"])
    if table.empty:
        fail("input_file", "has no rows", "give a file with at least one row")
