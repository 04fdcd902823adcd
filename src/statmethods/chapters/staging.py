"""A run writes into a fresh staging folder, then moves its files into the run folder safely.

Why: with ``--force`` a run may go into a folder that holds the user's own files, or symlinks
someone planted there. The kernel therefore never writes into that folder directly. Its files
are moved in afterwards, and a file is *never* moved over

- a file that was there before the run and that no earlier run wrote (``run.json``'s
  ``result_files``): the user's own file;
- a symlink, or anything below a symlinked folder: writing through it would leave the folder.

Such files stay in ``.statmethods-kept-<stamp>/`` inside the run folder, and the run says so.
A lock file (``.statmethods.lock``, created with ``O_EXCL``) stops two runs from using one folder
at once.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

LOCK = ".statmethods.lock"


class RunFolderBusy(FileExistsError):
    """Another run holds the run folder's lock."""


def acquire_lock(out: Path) -> Path:
    """Create ``out/.statmethods.lock`` atomically; refuse if another run holds it.

    >>> import tempfile; d = Path(tempfile.mkdtemp()); lock = acquire_lock(d)
    >>> try:
    ...     acquire_lock(d)
    ... except RunFolderBusy as e:
    ...     print("busy")
    busy
    >>> release_lock(lock)
    """
    lock = out / LOCK
    try:
        fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0), 0o644)
    except FileExistsError:
        raise RunFolderBusy(
            f"--output {out} is in use by another run (it holds {LOCK}). Two runs into one folder "
            f"would overwrite each other. Fix: choose another --output folder, or, if no run is "
            f"going, delete {lock}."
        ) from None
    with os.fdopen(fd, "w") as f:
        f.write(f"{os.getpid()}\n")
    return lock


def release_lock(lock: Path) -> None:
    """Remove the lock file (missing is fine)."""
    lock.unlink(missing_ok=True)


def make_stage(out: Path) -> Path:
    """A new, empty staging folder inside ``out`` (a fresh name: nothing can be planted there)."""
    return Path(tempfile.mkdtemp(prefix=".statmethods-stage-", dir=out))


def earlier_results(out: Path) -> set[str]:
    """Files an earlier run wrote into ``out`` (from its ``run.json``); they may be replaced."""
    rec = out / "run.json"
    if rec.is_symlink() or not rec.is_file():
        return set()
    try:
        data = json.loads(rec.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    files = data.get("result_files", []) if isinstance(data, dict) else []
    chapter = data.get("chapter") if isinstance(data, dict) else None
    return {str(f) for f in files if isinstance(f, str)} | ({f"{chapter}.ipynb", "run.json"}
                                                            if isinstance(chapter, str) else {"run.json"})


def _unsafe(out: Path, rel: Path) -> bool:
    """True if ``out/rel`` or a folder between ``out`` and it is a symlink or not a folder."""
    p = out
    for part in rel.parts[:-1]:
        p = p / part
        if p.is_symlink() or (p.exists() and not p.is_dir()):
            return True
    return (out / rel).is_symlink()


def plan(stage: Path, out: Path, before: set[str], replaceable: set[str]) -> tuple[list[str], list[str]]:
    """Which files of ``stage`` may go into ``out`` (placed) and which are kept back.

    A file is kept back if its target is a symlink or lies below one, or if the target existed
    before the run and is not ``replaceable`` (the user's own file).
    """
    placed, kept = [], []
    for src in sorted(p for p in stage.rglob("*") if p.is_file() and not p.is_symlink()):
        rel = src.relative_to(stage)
        key, dest = rel.as_posix(), out / rel
        if _unsafe(out, rel) or (key in before and key not in replaceable) or (
                dest.exists() and not dest.is_file()):
            kept.append(key)
        else:
            placed.append(key)
    return placed, kept


def place(stage: Path, out: Path, placed: list[str]) -> Path | None:
    """Move the ``placed`` files from ``stage`` into ``out``; return the folder of what is left.

    Whatever was kept back stays in ``out/.statmethods-kept-<suffix>`` (returned), else the
    staging folder is removed and ``None`` is returned.
    """
    for key in placed:
        dest = out / key
        dest.parent.mkdir(parents=True, exist_ok=True)
        os.replace(stage / key, dest)
    if any(p.is_file() for p in stage.rglob("*")):
        keep = out / f".statmethods-kept-{stage.name.rsplit('-', 1)[-1]}"
        stage.rename(keep)
        return keep
    shutil.rmtree(stage, ignore_errors=True)
    return None


def existing_files(out: Path) -> set[str]:
    """Relative paths of everything in ``out`` before the run (files and links)."""
    return {p.relative_to(out).as_posix() for p in out.rglob("*")
            if (p.is_file() or p.is_symlink()) and p.name != LOCK}
