"""Plotting helpers shared by the chapters.

Examples
--------
>>> from statmethods.plotting import use_cjk_font
>>> family = use_cjk_font()  # doctest: +SKIP
>>> family  # doctest: +SKIP
'Noto Sans CJK KR'
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["CJK_FONTS", "CJKFontMissing", "use_cjk_font"]

#: Fonts tried in order; all cover Hangul.
CJK_FONTS: tuple[str, ...] = ("Noto Sans CJK KR", "Noto Sans CJK JP")


class CJKFontMissing(RuntimeError):
    """No font with Hangul glyphs is installed, so Korean labels would print as boxes."""


def use_cjk_font(candidates: Sequence[str] = CJK_FONTS) -> str:
    """Make matplotlib draw Hangul (and other CJK text) with an installed Noto Sans CJK font.

    Sets ``font.family`` to the first installed font of ``candidates`` (falling back to
    DejaVu Sans for Latin glyphs) and turns off the Unicode minus, which CJK fonts lack.

    Returns
    -------
    str
        The font family chosen.

    Raises
    ------
    CJKFontMissing
        When none is installed, with the command that installs it.
    """
    import matplotlib as mpl
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    if not installed.intersection(candidates):
        # fonts installed after matplotlib built its cache: register them directly
        for path in font_manager.findSystemFonts(fontext="otf") + font_manager.findSystemFonts():
            if "CJK" in path:
                try:
                    font_manager.fontManager.addfont(path)
                except (OSError, RuntimeError, ValueError):
                    continue
        installed = {f.name for f in font_manager.fontManager.ttflist}
    for name in candidates:
        if name in installed:
            mpl.rcParams["font.family"] = [name, "DejaVu Sans"]
            mpl.rcParams["axes.unicode_minus"] = False
            return name
    raise CJKFontMissing(
        f"None of the fonts {list(candidates)} is installed, so Hangul would render as empty boxes. "
        "Install them with `apt-get install fonts-noto-cjk` (Debian/Ubuntu; `brew install --cask "
        "font-noto-sans-cjk` on macOS), then clear matplotlib's font cache "
        "(`rm -rf ~/.cache/matplotlib`) and restart the kernel."
    )
