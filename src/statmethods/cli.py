"""Command-line interface: ``statmethods list | run | publish | data ...``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .chapters.catalog import ChapterError, chapters, get_chapter
from .chapters.execute import ChapterFailed, publish_chapter, run_chapter
from .chapters.params import ParameterError, load_params_file, parse_value, validate_parameters
from .data import catalogue_markdown, datasets
from .data.fetch import DataFileError, cache_dir, fetch, verify

app = typer.Typer(help="Run the handbook's chapters and manage its data.", no_args_is_help=True,
                  add_completion=False)
data_app = typer.Typer(help="The data catalogue: list, fetch and verify files.",
                       no_args_is_help=True)
app.add_typer(data_app, name="data")


def _fail(msg: str, code: int = 2) -> None:
    typer.secho(f"error: {msg}", fg=typer.colors.RED, err=True)
    raise typer.Exit(code)


@app.command("list")
def list_chapters() -> None:
    """Show each chapter's id, title and parameters (defaults and comments)."""
    for ch in chapters().values():
        typer.secho(f"{ch.id}", bold=True, nl=False)
        typer.echo(f"  {ch.title}  [{ch.path.parent.name}/]")
        for p in ch.parameters.values():
            typer.echo(f"    {p.name} = {p.default!r}" + (f"  # {p.comment}" if p.comment else ""))


@app.command("run")
def run(
    chapter: Annotated[str, typer.Argument(help="chapter id, see `statmethods list`")],
    param: Annotated[list[tuple[str, str]] | None, typer.Option(
        "-p", "--param", help="NAME VALUE; VALUE is a YAML literal. Repeatable.")] = None,
    params_file: Annotated[Path | None, typer.Option(
        "--params-file", help="YAML file of name: value", exists=True, dir_okay=False)] = None,
    output: Annotated[Path | None, typer.Option(
        "--output", help="run folder (default: a new folder under runs/)")] = None,
) -> None:
    """Execute one chapter with papermill into a run folder; notebooks/ is never touched."""
    try:
        ch = get_chapter(chapter)
        overrides = load_params_file(params_file) if params_file else {}
        for name, value in param or []:
            overrides[name] = parse_value(value)
        checked = validate_parameters(ch, overrides)
    except (ChapterError, ParameterError) as exc:
        _fail(str(exc))
    try:
        rec = run_chapter(ch, checked, output)
    except ChapterFailed as exc:
        _fail(str(exc), code=1)
    except (FileExistsError, ValueError) as exc:
        _fail(str(exc))
    typer.echo(f"ran {ch.id} -> {rec.output_dir}")
    for f in ["run.json", rec.notebook.name, *rec.record["result_files"]]:
        typer.echo(f"  {f}")


@app.command("publish")
def publish(
    chapter_ids: Annotated[list[str] | None, typer.Argument(help="chapter ids (default: all)")] = None,
) -> None:
    """Re-execute published chapters IN PLACE on their defaults (what `make book` does)."""
    try:
        chosen = [get_chapter(c) for c in chapter_ids] if chapter_ids else list(chapters().values())
    except ChapterError as exc:
        _fail(str(exc))
    for ch in chosen:
        typer.echo(f"executing {ch.id} ...")
        try:
            publish_chapter(ch)
        except Exception as exc:  # papermill's error names the cell
            _fail(f"chapter {ch.id!r} failed; its published notebook was left unchanged.\n{exc}", 1)


@data_app.command("list")
def data_list() -> None:
    """List catalogued datasets with licence and file count."""
    typer.echo(f"cache: {cache_dir()}")
    for d in datasets():
        typer.echo(f"{d.id:24s} {len(d.files):3d} files  {d.licence}  - {d.title}")


@data_app.command("fetch")
def data_fetch(dataset: Annotated[str | None, typer.Argument()] = None) -> None:
    """Download (if needed) and verify a dataset, or all of them."""
    try:
        paths = fetch(dataset)
    except (DataFileError, KeyError) as exc:
        _fail(str(exc).strip("'\""), 1)
    typer.echo(f"{len(paths)} files verified in {cache_dir()}")


@data_app.command("verify")
def data_verify(dataset: Annotated[str | None, typer.Argument()] = None) -> None:
    """Check cached files against their SHA-256 without downloading."""
    status = verify(dataset)
    bad = {k: v for k, v in status.items() if v != "ok"}
    for k, v in bad.items():
        typer.echo(f"{v:8s} {k}")
    typer.echo(f"{len(status) - len(bad)} of {len(status)} files ok in {cache_dir()}")
    if bad:
        raise typer.Exit(1)


@data_app.command("docs")
def data_docs(
    output: Annotated[Path | None, typer.Option("--output", help="write here instead of stdout")] = None,
) -> None:
    """Write the book's datasets appendix (Markdown) from the catalogue."""
    text = catalogue_markdown()
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        typer.echo(text, nl=False)
