"""Korean edition: regenerate the gettext catalogues and list what is left to translate.

Usage (repository root, the venv's Python)::

    python tools/i18n_update.py            # extract, update locales/ko, write the required list, report
    python tools/i18n_update.py --report   # report only, from the committed catalogues
    python tools/i18n_update.py --build    # build the Korean edition into _build/html/ko

The book is translated the way Sphinx projects are: ``gettext`` extracts every message of every
page (headings, paragraphs, list items, table cells, in MyST source form) into ``_build/gettext``;
``sphinx-intl update`` merges them into ``locales/ko/LC_MESSAGES/<page>.po``, keeping existing
translations and marking those whose source changed as *fuzzy* (stale); the Korean build reads
the ``.po`` files with ``language = ko``. A fuzzy or obsolete entry is not used and counts as
untranslated.

The messages that must be translated (:func:`required_messages`) are, in the introduction, the
learning path, "rerun" and the glossary, all of them; in every chapter, the headings (title
included), the sections Purpose, Prerequisites, Summary and What's next, figure captions and
the exercise statements. They are written to ``locales/ko/required.json``;
``tests/test_translation_floor.py`` reads it with the catalogues and fails a page whose share of
translated required messages is below the floor.

The report lists, page by page, each required message that is missing or stale, with the old
source of a stale one, so that a translator fixes exactly those in the ``.po`` file (msgstr keeps
MyST syntax: roles such as ``{term}``, ``{cite}`` and ``{doc}`` must stay).
"""

from __future__ import annotations

import argparse
import json
import pickle
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LANG = "ko"
LOCALES = ROOT / "locales"
CATALOGUES = LOCALES / LANG / "LC_MESSAGES"
REQUIRED = LOCALES / LANG / "required.json"
POT_DIR = ROOT / "_build" / "gettext"
DOCTREES = ROOT / "_build" / ".doctrees-gettext"
FIXED_DATE = '"POT-Creation-Date: 2026-12-06 00:00+0000\\n"'
WHOLE_PAGES = ("book/intro", "book/learning-path", "book/rerun", "book/glossary")
REQUIRED_SECTIONS = ("purpose", "prerequisites", "summary", "what's next")
# settings of every extraction and Korean build: no source locations (line numbers would make
# every edit of a chapter rewrite its catalogue) and one catalogue per page
GETTEXT = {"gettext_compact": False, "gettext_location": False, "gettext_uuid": False,
           "latex_individualpages": False}


def build(builder: str, out: Path, doctrees: Path, overrides: dict[str, object],
          strict: bool = False) -> int:
    """Run the book's Sphinx build (the one ``jupyter-book build`` runs) with extra settings."""
    from jupyter_book.sphinx import build_sphinx

    result = build_sphinx(str(ROOT), str(out), noconfig=True, path_config=str(ROOT / "_config.yml"),
                          confoverrides={**GETTEXT, **overrides}, builder=builder,
                          doctreedir=str(doctrees), warningiserror=strict, keep_going=strict,
                          freshenv=True,  # extension changes (book/_ext) are not seen otherwise
                          quiet=True)
    return int(result or 0)


def _section_title(node: object) -> str:
    """Lower-case title of the second-level section (## ...) that holds ``node``, or ''."""
    from docutils import nodes

    chain = []
    parent = getattr(node, "parent", None)
    while parent is not None:
        if isinstance(parent, nodes.section):
            chain.append(parent)
        parent = parent.parent
    if len(chain) < 2:
        return ""
    title = chain[-2].next_node(nodes.title)
    return title.astext().strip().lower().replace("’", "'") if title else ""


def required_messages(doctree: object, docname: str) -> list[str]:
    """The messages of a page that the Korean edition must translate, in page order."""
    from docutils import nodes
    from sphinx.util.nodes import extract_messages

    out: list[str] = []
    for node, msg in extract_messages(doctree):
        if docname in WHOLE_PAGES:
            keep = True
        else:
            classes = {type(p).__name__ for p in _ancestors(node)}
            in_exercise = any("exercise" in c for c in classes) and not any("solution" in c for c in classes)
            keep = (isinstance(node, (nodes.title, nodes.caption)) or in_exercise
                    or _section_title(node) in REQUIRED_SECTIONS)
        if keep and msg not in out:
            out.append(msg)
    return out


def _ancestors(node: object) -> list[object]:
    found = []
    while node is not None:
        found.append(node)
        node = getattr(node, "parent", None)
    return found


def extract() -> dict[str, list[str]]:
    """Build the .pot files and the required list from the current sources."""
    if build("gettext", POT_DIR, DOCTREES, {}) != 0:
        raise SystemExit("the gettext build failed; see the messages above")
    required: dict[str, list[str]] = {}
    for pot in sorted(POT_DIR.rglob("*.pot")):
        docname = pot.relative_to(POT_DIR).with_suffix("").as_posix()
        tree = DOCTREES / f"{docname}.doctree"
        if not tree.is_file():
            continue
        with tree.open("rb") as f:
            doctree = pickle.load(f)  # noqa: S301 - Sphinx's own doctree cache, written just above
        _add_exercise_titles(pot, doctree)
        extracted = set(_pot_ids(pot))  # titles that extensions make later are not translatable
        msgs = [m for m in required_messages(doctree, docname) if m in extracted]
        if msgs and (docname in WHOLE_PAGES or docname.startswith("notebooks/")):
            required[docname] = msgs
    return required


def _add_exercise_titles(pot: Path, doctree: object) -> None:
    """Add the page's exercise titles to its .pot.

    They are translatable when read (``book/_ext/chapter_numbers.py`` gives them a source), but
    sphinx-exercise folds them into the numbered title before the gettext builder looks.
    """
    from babel.messages.pofile import read_po, write_po
    from docutils import nodes

    titles = [n.astext() for n in doctree.findall(nodes.subtitle)  # type: ignore[attr-defined]
              if type(n).__name__ == "exercise_subtitle" and n.source]
    if not titles:
        return
    with pot.open("rb") as f:
        cat = read_po(f)
    for title in titles:
        if title not in cat:
            cat.add(title)
    with pot.open("wb") as f:
        write_po(f, cat, width=0)


def _pot_ids(path: Path) -> list[str]:
    from babel.messages.pofile import read_po

    with path.open("rb") as f:
        return [m.id for m in read_po(f) if m.id and isinstance(m.id, str)]


def update_catalogues() -> None:
    """Merge the .pot files into locales/ko (sphinx-intl; no line wrapping, obsolete kept)."""
    subprocess.run([str(Path(sys.executable).with_name("sphinx-intl")), "update", "-p", str(POT_DIR),
                    "-d", str(LOCALES), "-l", LANG, "-w", "0"], check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL)
    for po in CATALOGUES.rglob("*.po"):  # a fixed date: extraction alone must not change the files
        text = po.read_text(encoding="utf-8")
        fixed = re.sub(r'"POT-Creation-Date: [^"]*"', lambda _: FIXED_DATE, text)
        if fixed != text:
            po.write_text(fixed, encoding="utf-8")


def load_catalogue(docname: str) -> dict[str, tuple[str, bool]]:
    """msgid -> (msgstr, fuzzy) of a page's active entries (obsolete entries are left out)."""
    from babel.messages.pofile import read_po

    path = CATALOGUES / f"{docname}.po"
    if not path.is_file():
        return {}
    with path.open("rb") as f:
        cat = read_po(f, ignore_obsolete=True)
    return {m.id: (m.string or "", m.fuzzy) for m in cat if m.id and isinstance(m.id, str)}


def shares(required: dict[str, list[str]]) -> dict[str, dict[str, object]]:
    """Per page: required messages, translated ones, share, and the missing and stale msgids."""
    out: dict[str, dict[str, object]] = {}
    for docname, msgs in required.items():
        cat = load_catalogue(docname)
        missing = [m for m in msgs if not cat.get(m, ("", False))[0]]
        stale = [m for m in msgs if cat.get(m, ("", False))[0] and cat[m][1]]
        done = len(msgs) - len(missing) - len(stale)
        out[docname] = {"required": len(msgs), "translated": done,
                        "share": done / len(msgs) if msgs else 1.0,
                        "missing": missing, "stale": stale,
                        "all_messages": len(cat),
                        "all_translated": sum(1 for s, fz in cat.values() if s and not fz)}
    return out


def report(required: dict[str, list[str]], verbose: bool = True) -> int:
    """Print the share per page and every missing or stale required message; the count left."""
    left = 0
    print(f"{'page':48} {'required':>8} {'done':>5} {'share':>6} {'all msgs':>9} {'all done':>9}")
    for docname, s in shares(required).items():
        print(f"{docname:48} {s['required']:>8} {s['translated']:>5} {s['share']:>6.0%} "
              f"{s['all_messages']:>9} {s['all_translated']:>9}")
        for kind in ("missing", "stale"):
            for msg in s[kind]:  # type: ignore[union-attr]
                left += 1
                if verbose:
                    print(f"    {kind}: {msg[:150]}")
    print(f"{left} required messages left to translate "
          f"(edit locales/{LANG}/LC_MESSAGES/<page>.po; remove the '#, fuzzy' line once fixed)")
    return left


def main(argv: list[str] | None = None) -> None:
    """Command line: see the module docstring."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--report", action="store_true", help="only report, from the committed catalogues")
    ap.add_argument("--build", action="store_true", help="build the Korean edition into _build/html/ko")
    ap.add_argument("--strict", action="store_true", help="with --build: -W -n --keep-going")
    ap.add_argument("--quiet", action="store_true", help="shares only, not the messages")
    a = ap.parse_args(argv)
    if a.build:
        overrides = {"language": LANG, "locale_dirs": [str(LOCALES)]}
        rc = build("html", ROOT / "_build" / "html" / LANG, ROOT / "_build" / f".doctrees-{LANG}",
                   overrides, strict=a.strict)
        raise SystemExit(rc)
    if not a.report:
        required = extract()
        update_catalogues()
        REQUIRED.write_text(json.dumps(required, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    required = json.loads(REQUIRED.read_text(encoding="utf-8"))
    report(required, verbose=not a.quiet)


if __name__ == "__main__":
    main()
