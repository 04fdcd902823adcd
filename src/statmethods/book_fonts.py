"""Sphinx extension: serve the handbook's Hangul font with the built book.

Korean text in the book (the glossary, the 시군구 tables) shows as boxes in a browser without a
CJK font. When the build finishes, this extension collects the Hangul characters of every page,
cuts the NanumGothic font of the pinned ``koreanize-matplotlib`` wheel (the same file the
figures use, see :mod:`statmethods.plotting`) down to those glyphs with fontTools, and embeds it
in ``_static/hangul-font.css`` as a data URL, limited to the Hangul code points. The pages keep
the theme's font for Latin text, need no network, and work when opened from disk (browsers
refuse web fonts from ``file://`` addresses, but not embedded ones). Enabled in ``_config.yml``
under ``sphinx.config.extensions`` as ``statmethods.book_fonts``.

Code cells and their outputs use a monospace stack that falls back to the same font for Hangul
(grid ids such as ``다사5352``, 읍면동 names, KSIC titles), and so does the sidebar. After
writing the CSS the build checks that every Hangul character of every page (text, code,
outputs, the sidebar, entities such as ``&#xD55C;``) is in the embedded subset, and fails
otherwise; ``python -m statmethods.book_fonts _build/html`` runs the same check.
"""

from __future__ import annotations

import base64
import html
import io
import re
import sys
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
    return "".join(sorted({c for t in texts for c in HANGUL.findall(html.unescape(t))}))


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
        # The Hangul face comes first: its unicode-range leaves Latin text to the fonts after it,
        # and Chromium without a CJK font draws boxes for semibold (600) or monospace Hangul when
        # the face comes after a system font (headless Chromium 156, 2026-12-06).
        f"  --pst-font-family-base: '{FAMILY}', system-ui, sans-serif;\n"
        f"  --pst-font-family-heading: '{FAMILY}', system-ui, sans-serif;\n"
        f"  --pst-font-family-monospace: '{FAMILY}', SFMono-Regular, Menlo, Consolas, 'DejaVu Sans Mono', "
        f"'Liberation Mono', monospace;\n"
        "}\n"
        ".bd-sidebar-primary, .bd-sidebar-primary a, .bd-sidebar-primary .caption-text "
        "{ font-family: var(--pst-font-family-base); }\n"
        "pre, code, kbd, samp, .highlight pre, div.cell_output pre, div.output pre, .output_area pre "
        "{ font-family: var(--pst-font-family-monospace); }\n"
    )


def _pages(outdir: Path) -> list[Path]:
    """The pages of the edition built in ``outdir`` (an edition nested in it, such as ``ko/``
    with its own ``_static/hangul-font.css``, is left to its own check)."""
    out = Path(outdir)
    nested = [p.parent.parent for p in out.glob(f"*/**/_static/{CSS_NAME}") if p.parent.parent != out]
    return [p for p in out.rglob("*.html") if not any(n in p.parents for n in nested)]


def page_characters(outdir: Path) -> str:
    """Every Hangul character of the built pages under ``outdir``."""
    return hangul_characters([p.read_text("utf-8", errors="ignore") for p in _pages(outdir)])


def write_css(outdir: Path) -> str:
    """Write ``_static/hangul-font.css`` for the pages under ``outdir``; return the characters."""
    from .plotting import bundled_font_files

    out = Path(outdir)
    chars = page_characters(out)
    regular = next(p for p in bundled_font_files() if p.name == "NanumGothic.ttf")
    css = font_css(subset_font(regular, chars)) if chars else "/* no Hangul in the book */\n"
    (out / "_static").mkdir(parents=True, exist_ok=True)
    (out / "_static" / CSS_NAME).write_text(css, encoding="utf-8")
    return chars


def missing_characters(outdir: Path) -> str:
    """Hangul characters on the pages under ``outdir`` that the embedded subset lacks.

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "a.html").write_text("<pre>다사5352</pre>", encoding="utf-8")
    >>> _ = write_css(d)
    >>> _ = (d / "b.html").write_text("<p>&#xD55C;</p>", encoding="utf-8")
    >>> missing_characters(d)
    '한'
    """
    from fontTools.ttLib import TTFont

    out = Path(outdir)
    chars = page_characters(out)
    css_file = out / "_static" / CSS_NAME
    css = css_file.read_text("utf-8") if css_file.is_file() else ""
    found = re.search(r"base64,([A-Za-z0-9+/=]+)\)", css)
    if found is None:
        return chars
    cmap = TTFont(io.BytesIO(base64.b64decode(found.group(1)))).getBestCmap()
    return "".join(c for c in chars if ord(c) not in cmap)


def _write_css(app: Any, exception: BaseException | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    write_css(Path(app.outdir))
    missing = missing_characters(Path(app.outdir))
    if missing:
        raise RuntimeError(f"the book's Hangul font lacks {len(missing)} character(s) of its pages: "
                           f"{missing[:40]}. Fix: NanumGothic has no glyph for them; reword the text")


def setup(app: Any) -> dict[str, Any]:
    """Register the stylesheet and write it when the build finishes."""
    app.add_css_file(CSS_NAME)
    app.connect("build-finished", _write_css)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


def main(argv: list[str] | None = None) -> int:
    """``python -m statmethods.book_fonts _build/html``: fail if a page's Hangul is not embedded."""
    args = sys.argv[1:] if argv is None else argv
    root = Path(args[0] if args else "_build/html")
    editions = sorted({p.parent.parent for p in root.glob(f"**/_static/{CSS_NAME}")}) or [root]
    bad = 0
    for outdir in editions:
        missing = missing_characters(outdir)
        if missing:
            bad += 1
            print(f"{outdir}: {len(missing)} Hangul character(s) missing from the embedded font: "
                  f"{missing[:80]}")
        else:
            print(f"{outdir}: every Hangul character of the pages is in the embedded font")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
