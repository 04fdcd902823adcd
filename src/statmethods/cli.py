"""Command-line interface: ``statmethods list | run | publish | data ...``."""

from __future__ import annotations

from pathlib import Path

import click

from .chapters.catalog import ChapterError, chapters, get_chapter
from .chapters.execute import ChapterFailed, publish_chapter, run_chapter
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


@app.command("run")
@click.argument("chapter")
@click.option("-p", "--param", "param", nargs=2, multiple=True, metavar="NAME VALUE",
              help="Set a parameter; VALUE is a YAML literal. Repeatable.")
@click.option("--params-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="YAML file of name: value (command-line -p wins).")
@click.option("--output", type=click.Path(file_okay=False, path_type=Path),
              help="Run folder (default: a new folder under runs/).")
def run(chapter: str, param: tuple[tuple[str, str], ...], params_file: Path | None,
        output: Path | None) -> None:
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
    click.echo(f"ran {ch.id} -> {rec.output_dir}")
    for f in ["run.json", rec.notebook.name, *rec.record["result_files"]]:
        click.echo(f"  {f}")


@app.command("publish")
@click.argument("chapter_ids", nargs=-1)
def publish(chapter_ids: tuple[str, ...]) -> None:
    """Re-execute published chapters IN PLACE on their defaults (what `make book` does)."""
    try:
        chosen = [get_chapter(c) for c in chapter_ids] if chapter_ids else list(chapters().values())
    except ChapterError as exc:
        _fail(str(exc))
    for ch in chosen:
        click.echo(f"executing {ch.id} ...")
        try:
            publish_chapter(ch)
        except Exception as exc:  # papermill's error names the cell
            _fail(f"chapter {ch.id!r} failed; its published notebook was left unchanged.\n{exc}", 1)


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
    status = verify(dataset)
    bad = {k: v for k, v in status.items() if v != "ok"}
    for k, v in bad.items():
        click.echo(f"{v:8s} {k}")
    click.echo(f"{len(status) - len(bad)} of {len(status)} files ok in {cache_dir()}")
    if bad:
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


if __name__ == "__main__":
    app()
