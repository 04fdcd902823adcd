"""Sphinx extension: the release block under every chapter's title.

Each chapter page shows, generated from data and never typed into a chapter:

- the handbook's version (``pyproject.toml``) and the date its outputs were produced, with the
  chapter's run time and peak memory on the reference machine
  (``benchmarks/results/chapters.json``, written by ``make book``);
- a link to download the notebook, and the one command that reproduces it;
- how to cite it: a BibTeX entry built from ``CITATION.cff`` and the chapter's title.

The block is raw HTML added after the doctree is resolved, so it is not a translatable message;
its labels are in the page's language (English, or Korean for ``language = ko``).
"""

from __future__ import annotations

import html
import json
import tomllib
from pathlib import Path
from typing import Any

import yaml

LABELS = {
    "en": {"version": "Version", "produced": "outputs produced", "run": "run time",
           "machine": "on the reference machine", "memory": "peak memory", "unknown": "not recorded",
           "download": "Download this notebook", "reproduce": "Reproduce it", "cite": "Cite this chapter",
           "cores": "CPU cores",
           "timing": "{produced} {date} · {run} {time} {machine} ({cores} {cores_label})"},
    "ko": {"version": "버전", "produced": "출력 생성일", "run": "실행 시간", "machine": "기준 컴퓨터",
           "memory": "최대 메모리", "unknown": "기록 없음", "download": "이 노트북 내려받기",
           "reproduce": "재현 명령", "cite": "이 장의 인용", "cores": "CPU 코어",
           "timing": "{produced} {date} · {machine}({cores} {cores_label})에서 {run} {time}"},
}


def release_info(root: Path) -> dict[str, Any]:
    """Version, citation metadata and chapter timings, read from the repository files."""
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    cff = yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))
    timings_file = root / "benchmarks" / "results" / "chapters.json"
    timings = json.loads(timings_file.read_text(encoding="utf-8")).get("chapters", {}) \
        if timings_file.is_file() else {}
    return {"version": str(project["version"]), "cff": cff, "timings": timings}


def bibtex(chapter: str, title: str, info: dict[str, Any]) -> str:
    """A BibTeX ``@incollection`` entry for one chapter.

    Examples
    --------
    >>> info = {"version": "0.2.0", "timings": {}, "cff": {"title": "Handbook", "authors": [
    ...     {"name": "The team"}], "date-released": "2026-12-06", "url": "https://example.org"}}
    >>> print(bibtex("area-accuracy", "Accuracy assessment", info))
    @incollection{statmethods-area-accuracy,
      title     = {Accuracy assessment},
      booktitle = {Handbook},
      author    = {{The team}},
      year      = {2026},
      edition   = {0.2.0},
      note      = {Chapter area-accuracy, version 0.2.0},
      url       = {https://example.org},
    }
    """
    cff = info["cff"]
    authors = " and ".join(
        "{" + a["name"] + "}" if a.get("name") else f"{a.get('family-names', '')}, {a.get('given-names', '')}"
        for a in cff.get("authors", []))
    year = str(cff.get("date-released", ""))[:4]
    fields = [("title", title), ("booktitle", cff.get("title", "")), ("author", authors), ("year", year),
              ("edition", info["version"]), ("note", f"Chapter {chapter}, version {info['version']}")]
    if cff.get("url") or cff.get("repository-code"):
        fields.append(("url", cff.get("url") or cff.get("repository-code")))
    body = "".join(f"  {k:<9} = {{{v}}},\n" for k, v in fields if v)
    return f"@incollection{{statmethods-{chapter},\n{body}}}"


def release_html(chapter: str, title: str, depth: int, info: dict[str, Any], language: str) -> str:
    """The block's HTML for one chapter page ``depth`` folders below the book's root."""
    lab = LABELS.get(language, LABELS["en"])
    t = info["timings"].get(chapter)
    if t:
        from statmethods.chapter_timing import format_memory, format_seconds

        cores = (t.get("machine") or {}).get("cpu_count") or "?"
        timing = lab["timing"].format(produced=lab["produced"], date=html.escape(str(t.get("date"))),
                                      run=lab["run"], time=format_seconds(float(t["seconds"])),
                                      machine=lab["machine"], cores=cores, cores_label=lab["cores"])
        if t.get("peak_memory_mb"):
            timing += f" · {lab['memory']} {format_memory(t['peak_memory_mb'])}"
    else:
        timing = f"{lab['produced']}: {lab['unknown']}"
    up = "../" * depth
    source = f"{up}_sources/{info['docname']}.ipynb"
    command = f"statmethods run {chapter} --output runs/{chapter}"
    return (
        '<div class="chapter-release admonition note">'
        f'<p class="admonition-title">{lab["version"]} {html.escape(info["version"])} · {timing}</p>'
        f'<p><a class="reference download" href="{source}" download="{chapter}.ipynb">{lab["download"]}'
        f" (<code>{chapter}.ipynb</code>)</a> · {lab['reproduce']}: "
        f'<code class="docutils literal notranslate">{html.escape(command)}</code></p>'
        f'<details><summary>{lab["cite"]} (BibTeX)</summary>'
        f'<pre class="chapter-bibtex">{html.escape(bibtex(chapter, title, info))}</pre></details>'
        "</div>"
    )


def source_title(notebook: Path) -> str | None:
    """The chapter's title as written in its notebook (English in both editions)."""
    if not notebook.is_file():
        return None
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] == "markdown":
            for line in "".join(cell["source"]).splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return None


def _on_doctree_resolved(app: Any, doctree: Any, docname: str) -> None:
    from docutils import nodes

    if not docname.startswith("notebooks/") or app.builder.format != "html":
        return
    section = doctree.next_node(nodes.section)
    if section is None or not isinstance(section[0], nodes.title):
        return
    root = Path(app.srcdir)
    info = {**release_info(root), "docname": docname}
    chapter = docname.rsplit("/", 1)[-1]
    title = source_title(root / f"{docname}.ipynb") or chapter
    block = release_html(chapter, title, docname.count("/"), info, app.config.language or "en")
    section.insert(1, nodes.raw("", block, format="html"))


def setup(app: Any) -> dict[str, Any]:
    """Register the block."""
    app.connect("doctree-resolved", _on_doctree_resolved)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
