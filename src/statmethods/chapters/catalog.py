"""Find the handbook's chapters and read their ``parameters`` cells."""

from __future__ import annotations

import ast
import io
import os
import tokenize
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

ENV_ROOT = "STATMETHODS_ROOT"


class ChapterError(ValueError):
    """A chapter cannot be found or its notebook is malformed."""


@dataclass(frozen=True)
class Parameter:
    """One entry of a chapter's ``parameters`` cell."""

    name: str
    default: Any
    comment: str


@dataclass(frozen=True)
class Chapter:
    """An executable chapter: a notebook with one cell tagged ``parameters``."""

    id: str
    title: str
    path: Path
    parameters: dict[str, Parameter]


def project_root() -> Path:
    """The handbook's root folder (the one holding ``_toc.yml`` and ``notebooks/``).

    Taken from ``$STATMETHODS_ROOT``, else the current folder or one of its parents,
    else the source checkout that the package was installed from in editable mode.
    """
    env = os.environ.get(ENV_ROOT)
    candidates = [Path(env)] if env else []
    cwd = Path.cwd().resolve()
    candidates += [cwd, *cwd.parents, Path(__file__).resolve().parents[3]]
    for c in candidates:
        if (c / "_toc.yml").is_file() and (c / "notebooks").is_dir():
            return c
    raise ChapterError(
        "Cannot find the handbook's root (a folder with _toc.yml and notebooks/). "
        f"Run from inside the repository or set {ENV_ROOT}."
    )


def _comments_by_line(source: str) -> dict[int, str]:
    comments: dict[int, str] = {}
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT:
            comments[tok.start[0]] = tok.string.lstrip("#").strip()
    return comments


def parse_parameters(source: str) -> dict[str, Parameter]:
    """Parse a ``parameters`` cell: ``name = literal  # comment`` lines.

    A comment on the assignment's own line(s) is the parameter's description; full-line
    comments directly above it are prepended. Only plain literals are allowed.
    """
    tree = ast.parse(source)
    comments = _comments_by_line(source)
    lines = source.splitlines()
    params: dict[str, Parameter] = {}
    for node in tree.body:
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)):
            raise ChapterError(
                f"parameters cell line {node.lineno}: only `name = literal` assignments are allowed"
            )
        name = node.targets[0].id
        try:
            default = ast.literal_eval(node.value)
        except ValueError as exc:
            raise ChapterError(f"parameter {name!r}: default must be a plain literal") from exc
        above: list[str] = []
        ln = node.lineno - 1
        while ln >= 1 and lines[ln - 1].lstrip().startswith("#"):
            above.insert(0, comments.get(ln, ""))
            ln -= 1
        own = [comments[i] for i in range(node.lineno, node.end_lineno + 1) if i in comments]
        params[name] = Parameter(name, default, " ".join(above + own).strip())
    return params


def _title(nb: nbformat.NotebookNode, fallback: str) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return fallback


def read_chapter(path: Path) -> Chapter:
    """Read one chapter notebook."""
    nb = nbformat.read(path, as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    if len(tagged) != 1:
        raise ChapterError(f"{path}: expected exactly one cell tagged 'parameters', found {len(tagged)}")
    return Chapter(path.stem, _title(nb, path.stem), path, parse_parameters(tagged[0].source))


def chapters(root: Path | None = None) -> dict[str, Chapter]:
    """All chapters under ``notebooks/``, keyed by id (the notebook's file name)."""
    root = root or project_root()
    out: dict[str, Chapter] = {}
    for nb_path in sorted((root / "notebooks").rglob("*.ipynb")):
        if ".ipynb_checkpoints" in nb_path.parts:
            continue
        out[nb_path.stem] = read_chapter(nb_path)
    return out


def get_chapter(chapter_id: str, root: Path | None = None) -> Chapter:
    """Look up a chapter by id; the error lists the known ids."""
    found = chapters(root)
    if chapter_id not in found:
        raise ChapterError(
            f"Unknown chapter {chapter_id!r}. Known chapters: {', '.join(found) or 'none'}. "
            "Run `statmethods list` to see them."
        )
    return found[chapter_id]
