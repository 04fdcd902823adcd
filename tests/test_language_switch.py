"""The language switch on every page, and the Korean part captions of the table of contents."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "book" / "_ext"))

import language_switch  # noqa: E402


def test_links_point_to_the_same_page_in_the_other_edition():
    href = language_switch.other_edition_href
    assert href("book/glossary", "en") == ("한국어", "ko", "../ko/book/glossary.html")
    assert href("book/glossary", "ko") == ("English", "en", "../../book/glossary.html")


def test_part_captions_are_translated(korean_book):
    toc = ("format: jb-book\nroot: intro\nparts:\n  - caption: Appendices\n    chapters:\n"
           "      - file: glossary\n")
    out = korean_book(["myst_parser", "sphinx_external_toc", "language_switch"],
                      {"_toc.yml": toc, "intro.md": "# Intro\n", "glossary.md": "# Glossary\n"},
                      {"Appendices": "부록"}, catalogue_page="intro", conf="external_toc_path = '_toc.yml'\n")
    page = (out / "glossary.html").read_text(encoding="utf-8")
    assert "부록" in page and "Appendices" not in page
    assert 'class="language-switch"' in page and 'href="../glossary.html"' in page
