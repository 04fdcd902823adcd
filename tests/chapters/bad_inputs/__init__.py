"""Table of bad inputs, one module per chapter (``<chapter_id_with_underscores>.py``).

Each module defines ``CASES: list[BadInput]``. ``tests/chapters/test_bad_inputs.py`` runs every
case through ``statmethods run`` and asserts that it is refused with ``exit_code`` before the
kernel starts (no executed notebook is written), that the message contains ``phrase``
(case-insensitive) and that no Python traceback is printed.

In ``params`` and ``args``, the text ``{tmp}`` is replaced by the case's temporary folder, which
is also the current folder of the command; ``files(tmp)`` may write bad input files there first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class BadInput:
    """One bad input and what the refusal must say."""

    id: str
    params: dict[str, Any]
    phrase: str
    files: Callable[[Path], None] | None = None
    args: tuple[str, ...] = ()
    exit_code: int = 2
    extra: dict[str, Any] = field(default_factory=dict)


def write_csv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` in ``encoding`` and return the path."""
    path.write_bytes(text.encode(encoding))
    return path
