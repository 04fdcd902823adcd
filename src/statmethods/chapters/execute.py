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

from ..data.fetch import ENV_ACCESS_LOG
from ..inputs import ENV_INVOCATION_DIR
from . import staging
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


class ChapterInterrupted(ChapterFailed):
    """The run was stopped with Ctrl-C; ``run.json`` records status ``interrupted``."""


KEY_PACKAGES = ("numpy", "pandas", "scipy", "statsmodels", "scikit-learn", "torch", "geopandas",
                "rasterio", "papermill", "splink", "duckdb", "opendp")


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for name in KEY_PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            continue
    return out


def _nearest_existing(p: Path) -> Path:
    while not p.exists() and p != p.parent:
        p = p.parent
    return p


def check_output_dir(out: Path, root: Path, *, force: bool = False) -> None:
    """Refuse a run folder that would overwrite or mislead, before anything runs.

    Refused: a folder inside ``notebooks/``; a folder that already holds a run or any file
    (unless ``force``); a folder that cannot be written.
    """
    nb_dir = (root / "notebooks").resolve()
    res = out.resolve()
    if res == nb_dir or nb_dir in res.parents:
        raise ValueError(
            f"--output {out} is inside notebooks/, which holds the published chapters. "
            "Fix: choose a folder outside notebooks/ (the default is a new folder under runs/)."
        )
    if res.exists() and not res.is_dir():
        raise ValueError(f"--output {out} is a file, not a folder. Fix: give a new folder name.")
    if (res / staging.LOCK).exists():
        raise staging.RunFolderBusy(
            f"--output {out} is in use by another run (it holds {staging.LOCK}). Fix: choose another "
            f"--output folder, or, if no run is going, delete {res / staging.LOCK}.")
    if res.is_dir() and any(res.iterdir()):
        if (res / "run.json").exists() and not force:
            raise FileExistsError(
                f"--output {out} already holds a run (run.json). Fix: choose a new --output folder "
                "so that nothing is overwritten, or pass --force to run into it anyway."
            )
        if not force:
            n = sum(1 for _ in res.iterdir())
            raise FileExistsError(
                f"--output {out} exists and is not empty ({n} entries). A run could overwrite "
                "your files there. Fix: choose a new or empty folder, or pass --force to run into it "
                "(files the run does not write are kept, and run.json lists only the files it wrote)."
            )
    base = _nearest_existing(res)
    if not base.is_dir():
        raise ValueError(f"--output {out} cannot be created: {base} is a file. Fix: choose another folder.")
    if not os.access(base, os.W_OK | os.X_OK):
        raise PermissionError(
            f"--output {out} cannot be written ({base} is read-only for you). "
            "Fix: choose a folder you can write to."
        )


def resolve_output_param(value: Any, out: Path) -> str:
    """The chapter's ``output_dir`` parameter, resolved inside the run folder ``out``.

    Relative paths are taken inside the run folder; absolute paths and ``..`` that leave it
    are refused, so a run never writes outside its folder.
    """
    text = str(value)
    p = Path(text).expanduser()
    target = (p if p.is_absolute() else out / p).resolve()
    if target != out.resolve() and out.resolve() not in target.parents:
        raise ValueError(
            f"parameter 'output_dir' ({text!r}) leaves the run folder {out}. A run writes only "
            "inside its own folder. Fix: give a relative folder name such as 'results', or choose "
            "the run folder itself with --output."
        )
    return str(target)


def _error_text(exc: BaseException) -> str:
    ename, evalue = getattr(exc, "ename", None), getattr(exc, "evalue", None)
    if ename:
        return f"{ename}: {evalue}".strip()
    return (str(exc).strip() or repr(exc))


# The kernel's own log: a warning on every start ("running over TCP without encryption", about
# the loopback socket papermill opens) and "KeyboardInterrupt caught in kernel" when papermill
# shuts it down. A kernel that dies is reported by papermill itself (DeadKernelError), and
# warnings raised by the chapter's code are cell outputs: both are kept.
KERNEL_ARGS = ["--IPKernelApp.log_level=CRITICAL"]


def _execute(chapter: Chapter, target: Path, params: dict[str, Any], *, cwd: Path,
             progress: bool) -> None:
    """Run papermill on ``chapter`` with only the parameters the chapter declares.

    The parameters are injected here with papermill's own ``parameterize_notebook`` (the
    runner already parsed the chapter's ``parameters`` cell), so papermill never re-infers
    them: no "Unable to parse line" or "Passed unknown parameter" noise.
    """
    import papermill
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    unknown = sorted(set(params) - set(chapter.parameters))
    if unknown:
        raise ValueError(f"parameter(s) {', '.join(unknown)} are not declared by chapter "
                         f"{chapter.id!r}. Fix: run `statmethods list` to see its parameters.")
    nb = load_notebook_node(str(chapter.path))
    if params:
        nb = parameterize_notebook(nb, params, kernel_name=KERNEL, language="python")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / chapter.path.name
        nbformat.write(nb, source)
        papermill.execute_notebook(
            str(source), str(target), kernel_name=KERNEL, cwd=str(cwd), progress_bar=progress,
            log_output=False, extra_arguments=KERNEL_ARGS,
        )


def _read_access_log(access_log: Path) -> list[dict[str, str]]:
    files: dict[str, tuple[str, str]] = {}
    for line in access_log.read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        files[entry["file"]] = (entry["sha256"], entry.get("source", "catalogue"))
    access_log.unlink(missing_ok=True)
    return [{"file": k, "sha256": v, "source": s} for k, (v, s) in sorted(files.items())]


def _run_record(chapter: Chapter, root: Path, params: dict[str, Any], overrides: dict[str, Any]) -> dict:
    import platform

    from .. import __version__

    return {
        "chapter": chapter.id,
        "title": chapter.title,
        "source_notebook": str(chapter.path.relative_to(root)),
        "parameters": {k: p.default for k, p in chapter.parameters.items()} | params,
        "overridden": sorted(overrides),
        "statmethods_version": __version__,
        "git_commit": _git_commit(root),
        "python": platform.python_version(),
        "packages": _versions(),
        "started": _now(),
    }


def _execute_logged(chapter: Chapter, notebook: Path, params: dict[str, Any], stage: Path,
                    progress: bool) -> tuple[str, BaseException | None, list[dict[str, str]]]:
    """Execute with the access log on; return status, error and the input files read."""
    fd, log_name = tempfile.mkstemp(prefix="access-", suffix=".jsonl")
    os.close(fd)
    saved = {k: os.environ.get(k) for k in (ENV_ACCESS_LOG, ENV_INVOCATION_DIR)}
    os.environ[ENV_ACCESS_LOG] = log_name
    os.environ.setdefault(ENV_INVOCATION_DIR, os.getcwd())
    error: BaseException | None = None
    status = "ok"
    try:
        _execute(chapter, notebook, params, cwd=stage, progress=progress)
    except KeyboardInterrupt as exc:
        error, status = exc, "interrupted"
    except Exception as exc:  # papermill wraps cell errors; keep the partial notebook
        error, status = exc, "failed"
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return status, error, _read_access_log(Path(log_name))


def run_chapter(chapter: Chapter, overrides: dict[str, Any], output_dir: Path | None = None,
                *, force: bool = False, progress: bool = False) -> RunRecord:
    """Execute one chapter with papermill into ``output_dir``.

    The chapter's ``output_dir`` parameter (if it has one) is resolved inside the run folder.
    The kernel writes into a fresh staging folder; its files are then moved into the run
    folder, never over a file of the user's or through a symlink (see ``staging``). Writes the
    executed notebook and ``run.json``.

    Raises
    ------
    ChapterFailed
        If a cell raised; the partial notebook and ``run.json`` (status ``failed``) are kept.
    ChapterInterrupted
        On Ctrl-C; ``run.json`` records status ``interrupted``.
    """
    root = project_root()
    out = (output_dir or default_run_dir(chapter.id, root)).resolve()
    check_output_dir(out, root, force=force)
    params = dict(overrides)
    if "output_dir" in chapter.parameters:
        final = Path(resolve_output_param(params.get("output_dir", str(out)), out))
        params["output_dir"] = str(final)
    out.mkdir(parents=True, exist_ok=True)
    lock = staging.acquire_lock(out)
    try:
        before, replaceable = staging.existing_files(out), staging.earlier_results(out)
        stage = staging.make_stage(out)
        record = _run_record(chapter, root, params, overrides)
        if "output_dir" in chapter.parameters:
            params["output_dir"] = str(stage / final.relative_to(out))
        status, error, inputs_read = _execute_logged(chapter, stage / f"{chapter.id}.ipynb", params, stage,
                                                     progress)
        placed, kept = staging.plan(stage, out, before, replaceable)
        record |= {"input_data": inputs_read, "ended": _now(), "status": status,
                   "result_files": [f for f in placed if f != f"{chapter.id}.ipynb"]}
        if kept:
            record["kept_back"] = kept
        if error is not None:
            interrupted = status == "interrupted"
            record["error"] = "interrupted by the user (Ctrl-C)" if interrupted else _error_text(error)
        (stage / "run.json").write_text(json.dumps(record, indent=2, default=str) + "\n", encoding="utf-8")
        placed, kept = staging.plan(stage, out, before, replaceable)
        keep = staging.place(stage, out, placed)
    finally:
        staging.release_lock(lock)
    notebook = (out if f"{chapter.id}.ipynb" in placed else keep or out) / f"{chapter.id}.ipynb"
    if keep is not None:
        record["kept_back_in"] = str(keep)
    if status == "interrupted":
        raise ChapterInterrupted(
            f"chapter {chapter.id!r} was interrupted (Ctrl-C). run.json records status "
            f"'interrupted'; the partial notebook is kept at {notebook}."
        ) from None
    if error is not None:
        raise ChapterFailed(
            f"chapter {chapter.id!r} failed:\n{record['error']}\n"
            f"The partial notebook is kept at {notebook} for reading; run.json records status 'failed'."
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


def publish_chapter(chapter: Chapter, *, progress: bool = False) -> None:
    """Re-execute a published chapter in place on its defaults, then normalise it.

    This is the only function that writes into ``notebooks/``; ``make book`` calls it.
    The notebook is replaced only when execution succeeds.
    """
    with tempfile.TemporaryDirectory() as tmp:
        executed = Path(tmp) / chapter.path.name
        _execute(chapter, executed, {}, cwd=chapter.path.parent, progress=progress)
        nb = normalise_notebook(nbformat.read(executed, as_version=4))
        nbformat.write(nb, chapter.path)
