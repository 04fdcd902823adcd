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


def test_part_captions_are_translated(tmp_path):
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo
    from sphinx.application import Sphinx

    src = tmp_path / "src"
    (src / "locales" / "ko" / "LC_MESSAGES").mkdir(parents=True)
    (src / "conf.py").write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT / 'book' / '_ext')!r})\n"
        "extensions = ['myst_parser', 'sphinx_external_toc', 'language_switch']\n"
        "external_toc_path = '_toc.yml'\nlanguage = 'ko'\nlocale_dirs = ['locales']\n"
        "gettext_compact = False\n", encoding="utf-8")
    (src / "_toc.yml").write_text("format: jb-book\nroot: intro\nparts:\n  - caption: Appendices\n"
                                  "    chapters:\n      - file: glossary\n", encoding="utf-8")
    (src / "intro.md").write_text("# Intro\n", encoding="utf-8")
    (src / "glossary.md").write_text("# Glossary\n", encoding="utf-8")
    cat = Catalog(locale="ko")
    cat.add("Appendices", "부록")
    with (src / "locales" / "ko" / "LC_MESSAGES" / "intro.mo").open("wb") as f:
        write_mo(f, cat)
    app = Sphinx(str(src), str(src), str(tmp_path / "html"), str(tmp_path / "doctrees"), "html",
                 status=None, warning=None, freshenv=True)
    app.build()
    page = (tmp_path / "html" / "glossary.html").read_text(encoding="utf-8")
    assert "부록" in page and "Appendices" not in page
    assert 'class="language-switch"' in page and 'href="../glossary.html"' in page
