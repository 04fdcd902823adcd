"""Exercises are numbered within each chapter (1, 2, 3, ...) and labelled by the chapter."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted(ROOT.glob("notebooks/*/*.md"))
LABEL = re.compile(r"^```\{exercise\}.*\n:label: ([\w-]+)", re.M)
SOLUTION = re.compile(r"^```\{solution-start\} ([\w-]+)", re.M)


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_exercise_labels_are_the_chapters_own_and_in_order(path):
    text = path.read_text(encoding="utf-8")
    labels = LABEL.findall(text)
    assert labels, f"{path.name}: no labelled exercise"
    expected = [f"{path.stem}-ex{i}" for i in range(1, len(labels) + 1)]
    assert labels == expected, f"{path.name}: label the exercises {expected}, in order"
    solutions = SOLUTION.findall(text)
    assert set(solutions) <= set(labels), f"{path.name}: solutions point to unknown exercises"


def test_numbers_restart_in_every_document(tmp_path):
    """A two-document Sphinx build with the book's extension: both documents start at Exercise 1."""
    from sphinx.application import Sphinx

    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT / 'book' / '_ext')!r})\n"
        "extensions = ['myst_parser', 'sphinx_exercise', 'chapter_numbers']\n"
        "exclude_patterns = ['_build']\n", encoding="utf-8")
    body = "\n".join(f"```{{exercise}} Task {i}\n:label: {{doc}}-ex{i}\n\nDo {i}.\n```\n" for i in (1, 2))
    (src / "index.md").write_text("# Book\n\n```{toctree}\none\ntwo\n```\n", encoding="utf-8")
    for doc in ("one", "two"):
        (src / f"{doc}.md").write_text(f"# {doc}\n\n" + body.replace("{doc}", doc), encoding="utf-8")
    out = tmp_path / "html"
    app = Sphinx(str(src), str(src), str(out), str(tmp_path / "doctrees"), "html",
                 status=None, warning=None, freshenv=True)
    app.build()
    assert app.statuscode == 0
    for doc in ("one", "two"):
        html = (out / f"{doc}.html").read_text(encoding="utf-8")
        numbers = re.findall(r"Exercise (\d+)", html)
        assert numbers and sorted(set(numbers)) == ["1", "2"], (doc, numbers)
    sys.modules.pop("chapter_numbers", None)


def test_exercise_titles_are_translatable(tmp_path):
    """Exercise titles get a source when read, so Sphinx's Locale transform translates them
    (sphinx-exercise builds them without one; tools/i18n_update.py adds them to the catalogues)."""
    import pickle

    from docutils import nodes
    from sphinx.application import Sphinx
    from sphinx.util.nodes import is_translatable

    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT / 'book' / '_ext')!r})\n"
        "extensions = ['myst_parser', 'sphinx_exercise', 'chapter_numbers']\n", encoding="utf-8")
    page = "# Book\n\n```{exercise} Count the cells\n:label: index-ex1\n\nDo it.\n```\n"
    (src / "index.md").write_text(page, encoding="utf-8")
    app = Sphinx(str(src), str(src), str(tmp_path / "pot"), str(tmp_path / "doctrees"), "gettext",
                 status=None, warning=None, freshenv=True)
    app.build()
    with (tmp_path / "doctrees" / "index.doctree").open("rb") as f:
        doctree = pickle.load(f)
    titles = [n for n in doctree.findall(nodes.subtitle) if type(n).__name__ == "exercise_subtitle"]
    assert [n.astext() for n in titles] == ["Count the cells"]
    assert all(is_translatable(n) for n in titles)


def test_translated_exercise_titles_reach_the_solution_title(korean_book):
    """With a Korean catalogue, the exercise title and its solution's title are both translated."""
    page = ("# Book\n\n```{exercise} Count the cells\n:label: index-ex1\n\nDo it.\n```\n\n"
            "```{solution-start} index-ex1\n:class: dropdown\n```\nDone.\n```{solution-end}\n```\n")
    out = korean_book(["myst_parser", "sphinx_exercise", "chapter_numbers"], {"index.md": page},
                      {"Count the cells": "셀 세기"}, catalogue_page="index")
    html = (out / "index.html").read_text(encoding="utf-8")
    assert html.count("셀 세기") == 2 and "Count the cells" not in html
