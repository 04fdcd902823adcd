"""Command-line interface: ``statmethods list | run | publish | data ... | degurba``."""

from __future__ import annotations

import errno
import sys
import time
from pathlib import Path

import click

from .chapters.catalog import ChapterError, chapters, get_chapter
from .chapters.execute import ChapterFailed, ChapterInterrupted, publish_chapter, run_chapter
from .chapters.params import ParameterError, load_params_file, parse_value, validate_parameters
from .data import catalogue_markdown, datasets
from .data.fetch import DataFileError, cache_dir, fetch, verify


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def app() -> None:
    """Run the handbook's chapters and manage its data."""


@app.group("data")
def data_app() -> None:
    """The data catalogue: list, fetch, verify files and write the datasets appendix."""


def _fail(msg: str, code: int = 2) -> None:
    click.secho(f"error: {msg}", fg="red", err=True)
    raise SystemExit(code)


@app.command("list")
def list_chapters() -> None:
    """Show each chapter's id, title and parameters (defaults and comments)."""
    for ch in chapters().values():
        click.secho(f"{ch.id}", bold=True, nl=False)
        click.echo(f"  {ch.title}  [{ch.path.parent.name}/]")
        for p in ch.parameters.values():
            click.echo(f"    {p.name} = {p.default!r}" + (f"  # {p.comment}" if p.comment else ""))


def _os_error(exc: OSError, where: str) -> str:
    if exc.errno == errno.ENOSPC:
        return (f"the disk is full while writing {where}. Fix: free some space, or choose an "
                "--output folder on another disk; nothing else was changed.")
    return f"{exc.strerror or exc} ({exc.filename or where}). Fix: check the path and its permissions."


@app.command("run")
@click.argument("chapter")
@click.option("-p", "--param", "param", nargs=2, multiple=True, metavar="NAME VALUE",
              help="Set a parameter; VALUE is a YAML literal. Repeatable.")
@click.option("--params-file", type=click.Path(path_type=Path),
              help="YAML file of name: value (command-line -p wins).")
@click.option("--output", type=click.Path(path_type=Path),
              help="Run folder (default: a new folder under runs/). Must be new or empty.")
@click.option("--force", is_flag=True, help="Run into an --output folder that is not empty.")
def run(chapter: str, param: tuple[tuple[str, str], ...], params_file: Path | None,
        output: Path | None, force: bool) -> None:
    """Execute one chapter with papermill into a run folder; notebooks/ is never touched."""
    from .chapters.catalog import project_root
    from .chapters.execute import check_output_dir

    try:
        ch = get_chapter(chapter)
        if params_file is not None and not params_file.is_file():
            raise ParameterError(f"the params file {params_file} does not exist. Fix: check the path")
        overrides = load_params_file(params_file) if params_file else {}
        for name, value in param or []:
            overrides[name] = parse_value(value)
        checked = validate_parameters(ch, overrides)
        if output is not None:
            check_output_dir(output.resolve(), project_root(), force=force)
    except (ChapterError, ParameterError, FileExistsError, PermissionError, ValueError) as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(_os_error(exc, "the run folder"))
    except KeyboardInterrupt:
        _fail("interrupted (Ctrl-C) before the chapter started; nothing was written.", 130)
    except Exception as exc:  # a bug in a chapter's checks: say so in one paragraph
        _fail(f"the checks of chapter {chapter!r} raised {type(exc).__name__}: {exc}. This is a bug in "
              "the handbook; please report it with the command you ran.", 3)
    click.echo(f"running {ch.id} ...", err=True)
    t0 = time.monotonic()
    try:
        rec = run_chapter(ch, checked, output, force=force, progress=sys.stderr.isatty())
    except ChapterInterrupted as exc:
        _fail(str(exc), code=130)
    except ChapterFailed as exc:
        _fail(str(exc), code=1)
    except KeyboardInterrupt:
        _fail("interrupted (Ctrl-C) while preparing the run.", 130)
    except (FileExistsError, PermissionError, ValueError) as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(_os_error(exc, str(output or "the run folder")), 1)
    click.echo(f"ran {ch.id} in {time.monotonic() - t0:.0f} s -> {rec.output_dir}")
    for f in ["run.json", rec.notebook.name, *rec.record["result_files"]]:
        click.echo(f"  {f}")
    if rec.record.get("kept_back"):
        click.echo(f"kept back, not written over your files or through links: "
                   f"{', '.join(rec.record['kept_back'])} (in {rec.record.get('kept_back_in')})", err=True)


@app.command("publish")
@click.argument("chapter_ids", nargs=-1)
def publish(chapter_ids: tuple[str, ...]) -> None:
    """Re-execute published chapters IN PLACE on their defaults (what `make book` does)."""
    try:
        chosen = [get_chapter(c) for c in chapter_ids] if chapter_ids else list(chapters().values())
    except ChapterError as exc:
        _fail(str(exc))
    total = time.monotonic()
    for i, ch in enumerate(chosen, 1):
        click.echo(f"[{i}/{len(chosen)}] executing {ch.id} ...")
        t0 = time.monotonic()
        try:
            publish_chapter(ch, progress=sys.stderr.isatty())
        except KeyboardInterrupt:
            _fail(f"interrupted (Ctrl-C) in {ch.id}; its published notebook was left unchanged.", 130)
        except Exception as exc:  # papermill's error names the cell
            _fail(f"chapter {ch.id!r} failed; its published notebook was left unchanged.\n{exc}", 1)
        click.echo(f"[{i}/{len(chosen)}] {ch.id} done in {time.monotonic() - t0:.0f} s")
    click.echo(f"published {len(chosen)} chapter(s) in {time.monotonic() - total:.0f} s")


@data_app.command("list")
def data_list() -> None:
    """List catalogued datasets with licence and file count."""
    click.echo(f"cache: {cache_dir()}")
    for d in datasets():
        click.echo(f"{d.id:24s} {len(d.files):3d} files  {d.licence}  - {d.title}")


@data_app.command("fetch")
@click.argument("dataset", required=False)
def data_fetch(dataset: str | None) -> None:
    """Download (if needed) and verify a dataset, or all of them."""
    try:
        paths = fetch(dataset)
    except (DataFileError, KeyError) as exc:
        _fail(str(exc).strip("'\""), 1)
    click.echo(f"{len(paths)} files verified in {cache_dir()}")


@data_app.command("verify")
@click.argument("dataset", required=False)
def data_verify(dataset: str | None) -> None:
    """Check cached files against their SHA-256 without downloading."""
    known = [d.id for d in datasets()]
    if dataset is not None and dataset not in known:
        _fail(f"unknown dataset {dataset!r}. Known datasets: {', '.join(known)}.", 2)
    status = verify(dataset)
    bad = {k: v for k, v in status.items() if v != "ok"}
    for k, v in bad.items():
        click.echo(f"{v:8s} {k}")
    click.echo(f"{len(status) - len(bad)} of {len(status)} files ok in {cache_dir()}")
    if bad:
        click.echo(
            "Fix: delete the corrupt files and run `statmethods data fetch <dataset>` with internet "
            "access, or copy the files from the pinned source (see `statmethods data list` and the "
            "datasets appendix) into the cache folder above.", err=True)
        raise SystemExit(1)


@data_app.command("docs")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write here instead of stdout.")
def data_docs(output: Path | None) -> None:
    """Write the book's datasets appendix (Markdown) from the catalogue."""
    text = catalogue_markdown()
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


def _add_degurba() -> None:
    from .indicators.degurba.command import degurba_command

    app.add_command(degurba_command, "degurba")


_add_degurba()

if __name__ == "__main__":
    app()
