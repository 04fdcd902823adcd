"""The book serves its Hangul font itself: a subset of the figures' font, embedded in the CSS."""

import base64
import io
import re

from fontTools.ttLib import TTFont

from statmethods import book_fonts
from statmethods.plotting import bundled_font_files


def test_subset_holds_exactly_the_pages_hangul_and_is_small():
    chars = book_fonts.hangul_characters(["<p>용어집 (Glossary)</p>", "<td>서울특별시</td>"])
    assert chars == "".join(sorted(set("용어집서울특별시")))
    regular = next(p for p in bundled_font_files() if p.name == "NanumGothic.ttf")
    font = book_fonts.subset_font(regular, chars)
    cmap = TTFont(io.BytesIO(font)).getBestCmap()
    assert all(ord(c) in cmap for c in chars)
    assert ord("한") not in cmap  # not on the pages, so not in the subset
    assert len(font) < regular.stat().st_size / 20


def test_css_embeds_the_font_as_a_data_url_for_hangul_only():
    css = book_fonts.font_css(b"font-bytes")
    data = re.search(r"base64,([A-Za-z0-9+/=]+)\)", css).group(1)
    assert base64.b64decode(data) == b"font-bytes"
    assert "unicode-range: U+1100-11FF" in css and "file:" not in css and "http" not in css


def test_code_outputs_and_sidebar_fall_back_to_the_hangul_font():
    css = book_fonts.font_css(b"x")
    mono = re.search(r"--pst-font-family-monospace: ([^;]+);", css).group(1)
    assert mono.startswith(f"'{book_fonts.FAMILY}'") and mono.strip().endswith("monospace")
    base = re.search(r"--pst-font-family-base: ([^;]+);", css).group(1)
    assert base.startswith(f"'{book_fonts.FAMILY}'")  # first: Chromium boxes semibold Hangul otherwise
    assert "pre, code" in css and "var(--pst-font-family-monospace)" in css
    assert ".bd-sidebar-primary" in css


def test_every_hangul_character_of_the_pages_is_in_the_subset(tmp_path):
    pages = {"a.html": "<nav class='bd-sidebar-primary'>용어집</nav>",
             "b.html": "<div class='cell_output'><pre>다사5352 세종특별자치시</pre></div>",
             "c.html": "<div class='highlight'><pre><span>\"한국표준산업분류\"</span></pre></div>",
             "d.html": "<td>&#xC74D;&#47732;&#xB3D9;</td>"}  # entities: 읍면동
    for name, text in pages.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    book_fonts.write_css(tmp_path)
    assert book_fonts.missing_characters(tmp_path) == ""
    (tmp_path / "e.html").write_text("<pre>홍</pre>", encoding="utf-8")  # a page added after the subset
    assert book_fonts.missing_characters(tmp_path) == "홍"


def test_the_built_book_embeds_every_hangul_character():
    from pathlib import Path

    import pytest

    built = Path(__file__).resolve().parents[1] / "_build" / "html"
    if not (built / "_static" / book_fonts.CSS_NAME).is_file():
        pytest.skip("no built book (make html); `make html` runs the same check on every build")
    assert book_fonts.missing_characters(built) == ""
