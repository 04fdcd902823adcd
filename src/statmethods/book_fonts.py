"""Sphinx extension: serve the handbook's Hangul font with the built book.

Korean text in the book (the glossary, the 시군구 tables) shows as boxes in a browser without a
CJK font. When the build finishes, this extension collects the Hangul characters of every page,
cuts the NanumGothic font of the pinned ``koreanize-matplotlib`` wheel (the same file the
figures use, see :mod:`statmethods.plotting`) down to those glyphs with fontTools, and embeds it
in ``_static/hangul-font.css`` as a data URL, limited to the Hangul code points. The pages keep
the theme's font for Latin text, need no network, and work when opened from disk (browsers
refuse web fonts from ``file://`` addresses, but not embedded ones). Enabled in ``_config.yml``
under ``sphinx.config.extensions`` as ``statmethods.book_fonts``.
"""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path
from typing import Any

# Hangul Jamo, CJK punctuation, compatibility Jamo, Jamo extended A, syllables, extended B.
HANGUL = re.compile("[\u1100-\u11ff\u3000-\u303f\u3130-\u318f\ua960-\ua97f\uac00-\ud7af\ud7b0-\ud7ff]")
CSS_NAME = "hangul-font.css"
FAMILY = "Handbook Hangul"


def hangul_characters(texts: list[str]) -> str:
    """The sorted set of Hangul characters in ``texts``.

    Examples
    --------
    >>> hangul_characters(["통계청 (KOSTAT)", "통계"])
    '계청통'
    """
    return "".join(sorted({c for t in texts for c in HANGUL.findall(t)}))


def subset_font(font_file: Path, characters: str) -> bytes:
    """The glyphs of ``characters`` from ``font_file``, as a WOFF2-free TrueType subset."""
    import logging

    from fontTools import subset

    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)  # hinting tables it drops
    opts = subset.Options()
    opts.layout_features = ["*"]
    font = subset.load_font(str(font_file), opts)
    sub = subset.Subsetter(opts)
    sub.populate(text=characters)
    sub.subset(font)
    buf = io.BytesIO()
    font.save(buf)
    return buf.getvalue()


def font_css(font: bytes) -> str:
    """An ``@font-face`` rule embedding ``font`` and the theme variables that use it.

    Examples
    --------
    >>> "unicode-range" in font_css(b"\\x00\\x01")
    True
    """
    data = base64.b64encode(font).decode("ascii")
    return (
        "@font-face {\n"
        f"  font-family: '{FAMILY}';\n"
        f"  src: url(data:font/ttf;base64,{data}) format('truetype');\n"
        "  unicode-range: U+1100-11FF, U+3000-303F, U+3130-318F, U+A960-A97F, U+AC00-D7FF;\n"
        "}\n"
        ":root {\n"
        f"  --pst-font-family-base: system-ui, '{FAMILY}', sans-serif;\n"
        f"  --pst-font-family-heading: system-ui, '{FAMILY}', sans-serif;\n"
        "}\n"
        ".bd-sidebar-primary, .bd-sidebar-primary a { font-family: var(--pst-font-family-base); }\n"
    )


def _write_css(app: Any, exception: BaseException | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    from .plotting import bundled_font_files

    out = Path(app.outdir)
    chars = hangul_characters([p.read_text("utf-8", errors="ignore") for p in out.rglob("*.html")])
    regular = next(p for p in bundled_font_files() if p.name == "NanumGothic.ttf")
    css = font_css(subset_font(regular, chars)) if chars else "/* no Hangul in the book */\n"
    (out / "_static" / CSS_NAME).write_text(css, encoding="utf-8")


def setup(app: Any) -> dict[str, Any]:
    """Register the stylesheet and write it when the build finishes."""
    app.add_css_file(CSS_NAME)
    app.connect("build-finished", _write_css)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
