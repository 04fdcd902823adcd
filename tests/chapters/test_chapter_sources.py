"""The chapter contract, checked on every chapter: paired text source, sections, checks."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import jupytext
import nbformat
import pytest

from statmethods.chapters import chapters
from statmethods.chapters.checks import module_name

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = chapters(ROOT)
SECTIONS = ["Purpose", "Prerequisites", "Parameters", "Method", "Worked example", "Diagnostics",
            "Rerun on your own data", "Exercises", "Summary", "What's next", "References"]


def _cells(nb) -> list[tuple[str, str]]:
    return [(c.cell_type, c.source.strip()) for c in nb.cells]


@pytest.mark.parametrize("chapter_id", sorted(CHAPTERS))
def test_notebook_is_paired_with_its_myst_source_and_in_sync(chapter_id):
    ipynb = CHAPTERS[chapter_id].path
    md = ipynb.with_suffix(".md")
    assert md.is_file(), f"{md.name} is missing: run `jupytext --set-formats ipynb,md:myst {ipynb}`"
    text = jupytext.read(md)
    executed = nbformat.read(ipynb, as_version=4)
    assert _cells(text) == _cells(executed), (
        f"{md.name} and {ipynb.name} differ: edit the .md, then `jupytext --sync` and "
        f"`statmethods publish {chapter_id}`"
    )
    tags = [c.metadata.get("tags", []) for c in text.cells]
    assert tags == [c.metadata.get("tags", []) for c in executed.cells], "cell tags differ"


def _h2(nb) -> list[str]:
    out = []
    for c in nb.cells:
        if c.cell_type == "markdown":
            out += [m.group(1).strip() for m in re.finditer(r"^## (.+)$", c.source, flags=re.M)]
    return out


@pytest.mark.parametrize("chapter_id", sorted(CHAPTERS))
def test_chapter_has_the_section_skeleton_in_order(chapter_id):
    heads = _h2(nbformat.read(CHAPTERS[chapter_id].path, as_version=4))
    pos = -1
    for want in SECTIONS:
        hits = [i for i, h in enumerate(heads) if h == want or h.startswith(want + ":")
                or h.startswith(want + " ")]
        later = [i for i in hits if i > pos]
        assert later, f"{chapter_id}: section '## {want}' missing or out of order in {heads}"
        pos = later[0]


@pytest.mark.parametrize("chapter_id", sorted(CHAPTERS))
def test_solutions_are_hidden_with_sphinx_exercise(chapter_id):
    nb = nbformat.read(CHAPTERS[chapter_id].path, as_version=4)
    md = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "{exercise}" in md, f"{chapter_id}: no exercise directive"
    starts = re.findall(r"```\{solution-start\}[^\n]*\n:class: dropdown", md)
    assert starts, f"{chapter_id}: no hidden (dropdown) solution"
    assert md.count("{solution-start}") == len(starts) == md.count("{solution-end}")
    for c in nb.cells:
        assert "hide-input" not in c.metadata.get("tags", []), "hide-input prints the answer in view"


@pytest.mark.parametrize("chapter_id", sorted(CHAPTERS))
def test_chapter_has_a_checks_module_and_input_parameters(chapter_id):
    mod = importlib.import_module(module_name(chapter_id))
    assert callable(mod.check)
    params = CHAPTERS[chapter_id].parameters
    inputs = [n for n in params if (n.endswith("_file") or n.endswith("_dir")) and n != "output_dir"]
    assert inputs, f"{chapter_id}: no input-data parameter (*_file / *_dir)"
    assert "output_dir" in params


def test_method_modules_hold_no_chapter_checks():
    pkg = ROOT / "src" / "statmethods"
    hits = [p for sub in ("area", "autocode", "indicators", "imagery", "classify", "privacy", "linkage")
            for p in (pkg / sub).rglob("*.py") if "check_chapter_parameters" in p.read_text("utf-8")]
    assert not hits, hits
