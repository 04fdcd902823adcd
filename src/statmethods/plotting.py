"""Plotting helpers shared by the chapters.

Hangul labels are drawn with NanumGothic, the font that the pinned Python package
``koreanize-matplotlib`` ships inside the virtual environment. :func:`use_cjk_font` registers
those font *files* with matplotlib, so every machine, with or without system CJK fonts, draws the
published figures with the same glyphs. Nothing is read from ``/usr/share/fonts``.

Examples
--------
>>> from statmethods.plotting import bundled_font_files, use_cjk_font
>>> use_cjk_font()
'NanumGothic'
>>> bundled_font_files()[0].name
'NanumGothic.ttf'
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Sequence
from pathlib import Path

__all__ = ["CJK_FONTS", "FONT_DISTRIBUTION", "CJKFontMissing", "bundled_font_files", "use_cjk_font"]

#: The distribution (pinned in pyproject.toml) whose bundled TrueType files are registered.
FONT_DISTRIBUTION = "koreanize-matplotlib"
#: Font families tried in order; NanumGothic is the bundled one and covers Hangul.
CJK_FONTS: tuple[str, ...] = ("NanumGothic",)
_FONT_GLOB = "koreanize_matplotlib/fonts/NanumGothic*.ttf"
_REGULAR = "NanumGothic.ttf"


class CJKFontMissing(RuntimeError):
    """No font with Hangul glyphs is available, so Korean labels would print as boxes."""


def bundled_font_files() -> list[Path]:
    """The NanumGothic TrueType files shipped by ``koreanize-matplotlib`` in this environment.

    The files are located through the distribution's installed-file record, without importing
    ``koreanize_matplotlib`` (its import changes matplotlib's settings globally).

    Returns
    -------
    list of pathlib.Path
        Absolute paths, the regular face first, then the others by name.

    Raises
    ------
    CJKFontMissing
        When the package is not installed, with the command that installs it.

    Examples
    --------
    >>> sorted(p.name for p in bundled_font_files())  # doctest: +NORMALIZE_WHITESPACE
    ['NanumGothic.ttf', 'NanumGothicBold.ttf', 'NanumGothicExtraBold.ttf', 'NanumGothicLight.ttf']
    """
    try:
        dist = importlib.metadata.distribution(FONT_DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        raise CJKFontMissing(
            f"The Python package {FONT_DISTRIBUTION!r}, which ships the Hangul font the figures use, "
            "is not installed in this environment. Install the project's pinned dependencies with "
            "`make venv` (or `pip install -e .`), then restart the kernel."
        ) from None
    files = sorted(
        (Path(dist.locate_file(f)).resolve() for f in dist.files or () if f.match(_FONT_GLOB)),
        key=lambda p: (p.name != _REGULAR, p.name),
    )
    files = [p for p in files if p.is_file()]
    if not files or files[0].name != _REGULAR:
        raise CJKFontMissing(
            f"The package {FONT_DISTRIBUTION!r} {dist.version} is installed but its font file "
            f"{_REGULAR} is missing. Reinstall it with "
            f"`pip install --force-reinstall {FONT_DISTRIBUTION}` (the version pinned in pyproject.toml)."
        )
    return files


def use_cjk_font(candidates: Sequence[str] = CJK_FONTS) -> str:
    """Make matplotlib draw Hangul (and Latin) text with the bundled NanumGothic font.

    Registers the font files of :func:`bundled_font_files` with matplotlib's font manager, drops
    any other file that claims the same family name (a system copy of NanumGothic, say), sets
    ``font.family`` to the first registered font of ``candidates`` (falling back to DejaVu Sans,
    glyph by glyph, for symbols the font lacks) and turns off the Unicode minus, which the font
    lacks. Calling it again is harmless.

    Parameters
    ----------
    candidates
        Font family names tried in order. The default is the bundled font; other names are used
        only if matplotlib already knows them (then figures depend on the machine's fonts).

    Returns
    -------
    str
        The font family chosen.

    Raises
    ------
    CJKFontMissing
        When the bundled font is not installed (with the command that installs it) or none of
        ``candidates`` is known to matplotlib.

    Examples
    --------
    >>> import matplotlib as mpl
    >>> from matplotlib import font_manager
    >>> use_cjk_font()
    'NanumGothic'
    >>> mpl.rcParams["font.family"]
    ['NanumGothic', 'DejaVu Sans']
    >>> Path(font_manager.findfont("NanumGothic")) == bundled_font_files()[0]
    True
    """
    import matplotlib as mpl
    from matplotlib import font_manager

    files = bundled_font_files()
    manager = font_manager.fontManager
    bundled = {str(p) for p in files}
    families = {font_manager.FontProperties(fname=p).get_name() for p in bundled}
    # Only the bundled files may answer to the bundled family names (reproducible figures).
    manager.ttflist = [f for f in manager.ttflist if f.fname in bundled or f.name not in families]
    registered = {f.fname for f in manager.ttflist}
    for path in sorted(bundled - registered):
        manager.addfont(path)
    manager._findfont_cached.cache_clear()  # the list was filtered in place of addfont

    known = {f.name for f in manager.ttflist}
    for name in candidates:
        if name in known:
            mpl.rcParams["font.family"] = [name, "DejaVu Sans"]
            mpl.rcParams["axes.unicode_minus"] = False
            return name
    raise CJKFontMissing(
        f"None of the fonts {list(candidates)} is known to matplotlib, so Hangul would render as empty "
        f"boxes. Use the default, {CJK_FONTS[0]!r}, which {FONT_DISTRIBUTION!r} installs into the "
        "environment."
    )
