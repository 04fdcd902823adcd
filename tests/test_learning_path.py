"""book/learning-path.md lists every chapter once, with the chapter's own time to learn."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "book" / "learning-path.md"
ROW = re.compile(r"^\| (\d+) \| \{doc\}`/(notebooks/[\w/-]+)` \| about (\d+) min \|", re.M)
STEP = re.compile(r"^### Step \d+:.*?(?=^### |^## )", re.M | re.S)
STEP_TOTAL = re.compile(r"Step \d+ takes about (?:(\d+) h)?(?: ?(\d+) min)?\.")
CHAPTER_TIME = re.compile(r"\*\*Time to learn:\*\*\s*about (\d+) minutes")


def _minutes(hours: str | None, minutes: str | None) -> int:
    return int(hours or 0) * 60 + int(minutes or 0)


def _rows() -> list[tuple[int, str, int]]:
    return [(int(n), path, int(t)) for n, path, t in ROW.findall(PAGE.read_text(encoding="utf-8"))]


def _toc_chapters() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    return [c["file"] for part in toc["parts"] for c in part["chapters"]
            if c["file"].startswith("notebooks/")]


def test_rows_are_numbered_in_order_and_unique():
    rows = _rows()
    assert [n for n, _, _ in rows] == list(range(1, len(rows) + 1))
    paths = [p for _, p, _ in rows]
    assert len(paths) == len(set(paths))


def test_every_chapter_of_the_book_is_on_the_path():
    on_path = {p for _, p, _ in _rows()}
    missing = [c for c in _toc_chapters() if c not in on_path]
    assert not missing, f"add these chapters to book/learning-path.md: {missing}"


@pytest.mark.parametrize("path", [p for _, p, _ in _rows()])
def test_time_is_the_chapters_own(path):
    nb = ROOT / f"{path}.ipynb"
    if not nb.exists():
        pytest.skip(f"{path} is not written yet")
    text = "".join("".join(c["source"]) for c in json.loads(nb.read_text(encoding="utf-8"))["cells"]
                   if c["cell_type"] == "markdown")
    found = CHAPTER_TIME.search(text)
    assert found, f"{path} states no '**Time to learn:** about N minutes'"
    stated = {p: t for _, p, t in _rows()}[path]
    assert stated == int(found.group(1)), (
        f"book/learning-path.md says about {stated} min for {path}, the chapter says {found.group(1)}")


def test_step_and_path_totals_add_up():
    text = PAGE.read_text(encoding="utf-8")
    steps = STEP.findall(text)
    assert len(steps) == 5
    grand = 0
    for step in steps:
        times = [int(t) for _, _, t in ROW.findall(step)]
        total = STEP_TOTAL.search(step)
        assert total, step.splitlines()[0]
        assert _minutes(*total.groups()) == sum(times), step.splitlines()[0]
        grand += sum(times)
    whole = re.search(r"The whole path takes about (\d+) h (\d+) min", text)
    assert whole and _minutes(*whole.groups()) == grand
