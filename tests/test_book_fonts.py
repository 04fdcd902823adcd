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
