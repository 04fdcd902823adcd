"""User-file runs, one module per chapter (``<chapter_id_with_underscores>.py``).

Each module defines ``make_inputs(tmp: Path) -> dict`` (writes a small user file into ``tmp``
and returns the parameters for a cheap run on it) and ``EXPECTED_FILES`` (result files, relative
to the run folder, that the run must write). ``tests/chapters/test_user_files.py`` runs each
chapter once through papermill; ``make userfiles`` runs that test.

Optional names in a module:

- ``BUNDLED``: names and values of the bundled dataset (place names, class names, published
  figures as printed) that must not appear in what a run on the user's file wrote: its result
  files and the *outputs* of its executed notebook (the code, which names the defaults, is not
  searched). :func:`bundled_leaks` does the search; the test fails on any hit.
- ``EXTRA_RUNS``: ``{case name: make_inputs}`` for degenerate but valid inputs (one class, one
  area, no small cells, ...) that must also run to the end (``EXPECTED_FILES`` apply too).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

TEXT_SUFFIXES = {".csv", ".json", ".txt", ".tsv", ".md", ".html"}


def output_texts(run_dir: Path) -> dict[str, str]:
    """The text a run wrote: result files, and the outputs (not the code) of its notebook."""
    texts: dict[str, str] = {}
    for p in sorted(run_dir.rglob("*")):
        if not p.is_file() or p.name == "run.json":
            continue
        if p.suffix == ".ipynb":
            nb = json.loads(p.read_text(encoding="utf-8"))
            parts = []
            for cell in nb.get("cells", []):
                for out in cell.get("outputs", []):
                    parts.append("".join(out.get("text", "")))
                    for kind, value in out.get("data", {}).items():
                        if kind.startswith("text/"):
                            parts.append("".join(value) if isinstance(value, list) else str(value))
            texts[str(p.relative_to(run_dir))] = "\n".join(parts)
        elif p.suffix in TEXT_SUFFIXES:
            texts[str(p.relative_to(run_dir))] = p.read_text(encoding="utf-8", errors="replace")
    return texts


def bundled_leaks(run_dir: Path, names: Iterable[str]) -> list[str]:
    """``"file: name"`` for every bundled name found in what the run wrote (empty: none).

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "t.csv").write_text("county,n\\nCerro Gordo,3\\n", encoding="utf-8")
    >>> bundled_leaks(d, ["Cerro Gordo", "Franklin"])
    ['t.csv: Cerro Gordo']
    """
    hits = []
    for name, text in output_texts(run_dir).items():
        hits += [f"{name}: {n}" for n in names if n and n in text]
    return hits
