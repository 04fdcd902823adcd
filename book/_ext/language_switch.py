"""Sphinx extension: a link to the other edition (English / 한국어) at the top of every page.

The English edition is built into ``_build/html`` and the Korean one, from the same sources and
the catalogues in ``locales/ko``, into ``_build/html/ko`` (``make book``). Each page links to
the same page of the other edition, with a relative address, so the switch works from disk and
on any server. The link is the first element of the page body, and the ``<link rel="alternate">``
in the head tells search engines the same.
"""

from __future__ import annotations

from os import path
from typing import Any

from sphinx.transforms import SphinxTransform

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


class TranslateTocCaptions(SphinxTransform):
    """Translate the part captions of the table of contents (``_toc.yml``) in the Korean edition.

    sphinx-external-toc inserts the toctree after Sphinx has translated the page (priority 100 >
    ``Locale``'s 20), so its captions, though extracted into the root page's catalogue, stayed in
    English in the sidebar. This looks them up in the same catalogue.
    """

    default_priority = 101

    def apply(self, **kwargs: Any) -> None:
        from sphinx import addnodes
        from sphinx.locale import init as init_locale
        from sphinx.util.i18n import docname_to_domain

        if not self.config.language or self.config.language == "en":
            return
        toctrees = [n for n in self.document.findall(addnodes.toctree) if n.get("caption")]
        if not toctrees:
            return
        domain = docname_to_domain(self.env.docname, self.config.gettext_compact)
        dirs = [path.join(self.env.srcdir, d) for d in self.config.locale_dirs]
        catalog, has_catalog = init_locale(dirs, self.config.language, domain)
        if not has_catalog:
            return
        for node in toctrees:
            translated = catalog.gettext(node["caption"])
            if translated and translated != node["caption"]:
                node["caption"] = node["rawcaption"] = translated


def setup(app: Any) -> dict[str, Any]:
    """Register the page hook and the caption translation."""
    app.connect("html-page-context", _on_page_context)
    app.add_transform(TranslateTocCaptions)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
