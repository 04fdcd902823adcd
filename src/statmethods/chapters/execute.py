"""Execute chapters with papermill: into a run folder, or in place for publishing."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import nbformat
import papermill

from ..data.fetch import ENV_ACCESS_LOG
from ..io import ENV_INVOCATION_DIR
from .catalog import Chapter, project_root

KERNEL = "python3"


class ChapterFailed(RuntimeError):
    """A chapter raised an error while executing; the partial notebook is kept."""


@dataclass(frozen=True)
class RunRecord:
    """Where a run wrote its outputs, and the provenance stored in ``run.json``."""

    output_dir: Path
    notebook: Path
    record: dict[str, Any]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _git_commit(root: Path) -> str | None:
    try:
        sha = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True,
                             text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--", "src",
                                "notebooks"], capture_output=True, text=True).stdout.strip()
        return sha + ("-dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return None


def default_run_dir(chapter_id: str, root: Path) -> Path:
    """A new folder ``runs/<chapter>-<UTC timestamp>`` (git-ignored)."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    base = root / "runs" / f"{chapter_id}-{stamp}"
    out, n = base, 1
    while out.exists():
        n += 1
        out = base.with_name(f"{base.name}-{n}")
    return out


def _check_output_dir(out: Path, root: Path) -> None:
    nb_dir = (root / "notebooks").resolve()
    if out.resolve() == nb_dir or nb_dir in out.resolve().parents:
        raise ValueError(
            f"--output {out} is inside notebooks/, which holds the published chapters. "
            "Choose a folder outside notebooks/ (the default is a new folder under runs/)."
        )
    if (out / "run.json").exists():
        raise FileExistsError(
            f"{out} already holds a run (run.json). Choose a new --output folder so that "
            "nothing is overwritten."
        )


def run_chapter(chapter: Chapter, overrides: dict[str, Any], output_dir: Path | None = None) -> RunRecord:
    """Execute one chapter with papermill into ``output_dir``.

    The chapter's ``output_dir`` parameter (if it has one) is pointed at the run folder
    unless the caller set it. Writes the executed notebook and ``run.json``.

    Raises
    ------
    ChapterFailed
        If a cell raised; the partial notebook and ``run.json`` (status ``failed``) are kept.
    """
    from .. import __version__

    root = project_root()
    out = (output_dir or default_run_dir(chapter.id, root)).resolve()
    _check_output_dir(out, root)
    out.mkdir(parents=True, exist_ok=True)
    params = dict(overrides)
    if "output_dir" in chapter.parameters and "output_dir" not in params:
        params["output_dir"] = str(out)
    notebook = out / f"{chapter.id}.ipynb"
    record: dict[str, Any] = {
        "chapter": chapter.id,
        "title": chapter.title,
        "source_notebook": str(chapter.path.relative_to(root)),
        "parameters": {k: p.default for k, p in chapter.parameters.items()} | params,
        "overridden": sorted(params),
        "statmethods_version": __version__,
        "git_commit": _git_commit(root),
        "started": _now(),
    }
    access_log = Path(tempfile.mkstemp(prefix="access-", suffix=".jsonl")[1])
    old = os.environ.get(ENV_ACCESS_LOG)
    os.environ[ENV_ACCESS_LOG] = str(access_log)
    os.environ.setdefault(ENV_INVOCATION_DIR, os.getcwd())
    error: BaseException | None = None
    try:
        papermill.execute_notebook(
            str(chapter.path), str(notebook), parameters=params, kernel_name=KERNEL,
            cwd=str(out), progress_bar=False, log_output=False,
        )
    except Exception as exc:  # papermill wraps cell errors; keep the partial notebook
        error = exc
    finally:
        if old is None:
            os.environ.pop(ENV_ACCESS_LOG, None)
        else:
            os.environ[ENV_ACCESS_LOG] = old
    files = {}
    for line in access_log.read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        files[entry["file"]] = (entry["sha256"], entry.get("source", "catalogue"))
    access_log.unlink(missing_ok=True)
    record |= {
        "input_data": [{"file": k, "sha256": v, "source": s} for k, (v, s) in sorted(files.items())],
        "ended": _now(),
        "status": "failed" if error else "ok",
        "result_files": sorted(
            str(p.relative_to(out)) for p in out.rglob("*")
            if p.is_file() and p.name != "run.json" and p != notebook
        ),
    }
    if error:
        record["error"] = str(error).strip().splitlines()[-1] if str(error).strip() else repr(error)
    (out / "run.json").write_text(json.dumps(record, indent=2, default=str) + "\n", encoding="utf-8")
    if error:
        raise ChapterFailed(
            f"chapter {chapter.id!r} failed: {record['error']}. "
            f"The partial notebook is kept at {notebook} for reading."
        ) from error
    return RunRecord(out, notebook, record)


def normalise_notebook(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Strip papermill's volatile metadata (timings, paths, status) from an executed notebook."""
    nb.metadata.pop("papermill", None)
    nb.metadata.pop("jupytext", None)
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": KERNEL}
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        if cell.metadata.get("tags") == []:
            cell.metadata.pop("tags")
        if cell.cell_type == "code":
            cell.outputs = _merge_streams(cell.outputs)
    return nb


def _merge_streams(outputs: list) -> list:
    """Join consecutive stdout (or stderr) chunks: how a print is split depends on timing."""
    merged: list = []
    for out in outputs:
        prev = merged[-1] if merged else None
        if (out.get("output_type") == "stream" and prev is not None
                and prev.get("output_type") == "stream" and prev.get("name") == out.get("name")):
            prev["text"] = prev["text"] + out["text"]
        else:
            merged.append(out)
    return merged


def publish_chapter(chapter: Chapter) -> None:
    """Re-execute a published chapter in place on its defaults, then normalise it.

    This is the only function that writes into ``notebooks/``; ``make book`` calls it.
    The notebook is replaced only when execution succeeds.
    """
    with tempfile.TemporaryDirectory() as tmp:
        executed = Path(tmp) / chapter.path.name
        papermill.execute_notebook(
            str(chapter.path), str(executed), kernel_name=KERNEL, cwd=str(chapter.path.parent),
            progress_bar=False, log_output=False,
        )
        nb = normalise_notebook(nbformat.read(executed, as_version=4))
        nbformat.write(nb, chapter.path)
