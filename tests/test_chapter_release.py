"""Every chapter page's release block: version, date, run time, download, rerun command, citation."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "book" / "_ext"))

import chapter_release  # noqa: E402


def test_block_is_built_from_the_repository_files():
    info = {**chapter_release.release_info(ROOT), "docname": "notebooks/area/area-accuracy"}
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    title = chapter_release.source_title(ROOT / "notebooks" / "area" / "area-accuracy.ipynb")
    assert title and title.startswith("Accuracy assessment")
    block = chapter_release.release_html("area-accuracy", title, 2, info, "en")
    timing = info["timings"]["area-accuracy"]
    assert f"Version {version}" in block
    assert f"outputs produced {timing['date']}" in block and "run time" in block
    assert 'href="../../_sources/notebooks/area/area-accuracy.ipynb"' in block
    assert "statmethods run area-accuracy --output runs/area-accuracy" in block
    assert "@incollection{statmethods-area-accuracy," in block and f"edition   = {{{version}}}" in block
    korean = chapter_release.release_html("area-accuracy", title, 2, info, "ko")
    assert "버전" in korean and "이 노트북 내려받기" in korean and "Accuracy assessment" in korean


def test_a_chapter_without_timings_says_so():
    info = {**chapter_release.release_info(ROOT), "docname": "notebooks/x/new", "timings": {}}
    assert "outputs produced: not recorded" in chapter_release.release_html("new", "New", 2, info, "en")
