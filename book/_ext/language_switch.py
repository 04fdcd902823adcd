"""Sphinx extension: a link to the other edition (English / 한국어) at the top of every page.

The English edition is built into ``_build/html`` and the Korean one, from the same sources and
the catalogues in ``locales/ko``, into ``_build/html/ko`` (``make book``). Each page links to
the same page of the other edition, with a relative address, so the switch works from disk and
on any server. The link is the first element of the page body, and the ``<link rel="alternate">``
in the head tells search engines the same.
"""

from __future__ import annotations

from typing import Any

EDITIONS = {"en": ("English", ""), "ko": ("한국어", "ko/")}
CSS = ("<style>.language-switch{float:right;font-size:.85em;margin:0 0 .5em 1em;padding:.1em .6em;"
       "border:1px solid var(--pst-color-border,#ccc);border-radius:.3em}</style>")


def other_edition_href(pagename: str, language: str | None) -> tuple[str, str, str]:
    """(label, language code, relative address) of ``pagename`` in the other edition.

    Examples
    --------
    >>> other_edition_href("notebooks/area/area-accuracy", "en")
    ('한국어', 'ko', '../../ko/notebooks/area/area-accuracy.html')
    >>> other_edition_href("notebooks/area/area-accuracy", "ko")
    ('English', 'en', '../../../notebooks/area/area-accuracy.html')
    >>> other_edition_href("index", None)
    ('한국어', 'ko', 'ko/index.html')
    """
    depth = pagename.count("/")
    if (language or "en") == "ko":
        label, _ = EDITIONS["en"]
        return label, "en", "../" * (depth + 1) + f"{pagename}.html"
    label, prefix = EDITIONS["ko"]
    return label, "ko", "../" * depth + f"{prefix}{pagename}.html"


def _on_page_context(app: Any, pagename: str, templatename: str, context: dict[str, Any],
                     doctree: Any) -> None:
    if doctree is None or "body" not in context:
        return
    label, code, href = other_edition_href(pagename, app.config.language)
    switch = (f'<div class="language-switch" lang="{code}"><a href="{href}" hreflang="{code}">'
              f"{label}</a></div>")
    context["body"] = CSS + switch + context["body"]
    context["metatags"] = context.get("metatags", "") + (
        f'\n<link rel="alternate" hreflang="{code}" href="{href}" />')


def setup(app: Any) -> dict[str, Any]:
    """Register the page hook."""
    app.connect("html-page-context", _on_page_context)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
