"""Sphinx extension: number exercises, figures and tables within each chapter.

Sphinx numbers enumerable nodes (``numfig``) across the whole book unless the table of contents is
section-numbered, so the first exercise of the third chapter read was "Exercise 25". After Sphinx
has assigned its numbers (``env-get-updated``), this extension restarts them in every document,
in document order: each chapter's exercises are 1, 2, 3, ..., and references (``{ref}``,
``{numref}``) follow. Labels stay the chapter's own (``<chapter-id>-ex<N>``; a test checks them).
It also makes exercise titles translatable for the Korean edition (:class:`ExerciseTitlesTranslatable`).
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.transforms import SphinxTransform


def restart_numbers(fignumbers: dict[str, dict[str, dict[str, tuple[int, ...]]]]) -> list[str]:
    """Renumber every figure type of every document 1, 2, 3, ... in place; the documents changed.

    Examples
    --------
    >>> nums = {"a": {"exercise": {"x": (25,), "y": (26,)}}, "b": {"exercise": {"z": (27,)}}}
    >>> restart_numbers(nums)
    ['a', 'b']
    >>> nums["a"]["exercise"], nums["b"]["exercise"]
    ({'x': (1,), 'y': (2,)}, {'z': (1,)})
    """
    changed = []
    for docname, by_type in fignumbers.items():
        before = {t: dict(ids) for t, ids in by_type.items()}
        for ids in by_type.values():
            order = sorted(ids, key=lambda i: ids[i])  # Sphinx's numbers are in document order
            for n, node_id in enumerate(order, start=1):
                ids[node_id] = (n,)
        if by_type != before:
            changed.append(docname)
    return changed


class ExerciseTitlesTranslatable(SphinxTransform):
    """Give exercise titles (``{exercise} Title``) a source, so gettext extracts and translates them.

    sphinx-exercise builds the title node itself, without a source, and Sphinx treats such nodes
    as built-in text that is never translated. Runs before Sphinx's ``Locale`` transform (20).
    """

    default_priority = 15

    def apply(self, **kwargs: Any) -> None:
        for node in self.document.findall(nodes.subtitle):
            if type(node).__name__ != "exercise_subtitle" or node.source:
                continue
            parent = node.parent.parent if node.parent is not None else None
            node.source = self.document.get("source") or self.env.doc2path(self.env.docname)
            node.line = getattr(parent, "line", None) or 1
            node.rawsource = node.astext()


class ExerciseRegistryTranslated(SphinxTransform):
    """Refresh sphinx-exercise's copy of each exercise after translation (``Locale`` is 20).

    Solution titles ("Solution to Exercise 3 (...)") are built from that copy, which the
    directive made before the page was translated.
    """

    default_priority = 25

    def apply(self, **kwargs: Any) -> None:
        registry = getattr(self.env, "sphinx_exercise_registry", None)
        if not registry:
            return
        for node in self.document.findall(nodes.Element):
            label = node.get("label") if type(node).__name__.startswith("exercise") else None
            if label in registry and registry[label].get("docname") == self.env.docname:
                registry[label]["node"] = node.deepcopy()


def _on_env_get_updated(app: Any, env: Any) -> list[str]:
    return restart_numbers(env.toc_fignumbers)


def setup(app: Any) -> dict[str, Any]:
    """Register the renumbering after Sphinx's own (event priority 900 > the default 500)."""
    app.connect("env-get-updated", _on_env_get_updated, priority=900)
    app.add_transform(ExerciseTitlesTranslatable)
    app.add_transform(ExerciseRegistryTranslated)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
