"""The chapter template gives a chapter that meets the contract's skeleton, with its three modules."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import jupytext
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
new_chapter = importlib.import_module("new_chapter")

from tests.chapters.test_chapter_sources import SECTIONS  # noqa: E402


def test_template_renders_a_chapter_with_the_sections_in_order():
    text = new_chapter.render("chapter.md", "area-demo", "Demo", "sae/milk.rda")
    assert "__" not in re.sub(r"`[^`]*`", "", text.replace("__init__", ""))
    nb = jupytext.reads(text, fmt="md:myst")
    heads = [m.group(1) for c in nb.cells if c.cell_type == "markdown"
             for m in re.finditer(r"^## (.+)$", c.source, flags=re.M)]
    assert heads == SECTIONS
    params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1 and 'input_file = "sae/milk.rda"' in params[0].source


@pytest.mark.parametrize("name", ["checks.py", "bad_inputs.py", "user_files.py"])
def test_template_modules_compile(name):
    compile(new_chapter.render(name, "area-demo", "Demo", "sae/milk.rda"), name, "exec")


def test_new_chapter_refuses_to_overwrite(tmp_path, monkeypatch):
    monkeypatch.setattr(new_chapter, "ROOT", tmp_path)
    for p in new_chapter.targets("area-demo", "area").values():
        p.parent.mkdir(parents=True, exist_ok=True)
    new_chapter.targets("area-demo", "area")["checks.py"].write_text("x = 1\n")
    with pytest.raises(SystemExit, match="refusing to overwrite"):
        new_chapter.main(["area-demo", "--part", "area", "--title", "Demo", "--key", "sae/milk.rda"])
    assert new_chapter.targets("area-demo", "area")["checks.py"].read_text() == "x = 1\n"
