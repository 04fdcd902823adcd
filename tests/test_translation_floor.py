"""The Korean edition: share of translated required messages per page, against a floor.

Required messages (``locales/ko/required.json``, written by ``python tools/i18n_update.py``): all
of the introduction, learning path, rerun page and glossary; in each chapter its headings and
title, Purpose, Prerequisites, Summary, What's next, figure captions and exercise statements.
A message counts as translated only when its ``.po`` entry has a translation and is not fuzzy
(a fuzzy entry is one whose source changed since it was translated); obsolete entries do not
count. The catalogues must also be current: every heading of a page and every required message
must match the page's source as it is now.

Fix a failure with ``make i18n`` (= ``python tools/i18n_update.py``): it regenerates the
catalogues and prints exactly the messages to translate.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "locales" / "ko"
REQUIRED = json.loads((LOCALE / "required.json").read_text(encoding="utf-8"))
FLOOR = 1.0  # share of a page's required messages (the "at least" list) translated and current
FIX = "run `make i18n` (python tools/i18n_update.py) and translate what it lists"


def _catalogue(docname: str) -> dict[str, tuple[str, bool]]:
    from babel.messages.pofile import read_po

    path = LOCALE / "LC_MESSAGES" / f"{docname}.po"
    if not path.is_file():
        return {}
    with path.open("rb") as f:
        cat = read_po(f, ignore_obsolete=True)
    return {m.id: (m.string or "", m.fuzzy) for m in cat if m.id and isinstance(m.id, str)}


def _source(docname: str) -> str:
    """The page's markdown as the book reads it (a chapter's notebook, or the .md page)."""
    nb = ROOT / f"{docname}.ipynb"
    if nb.is_file():
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        return "\n\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    text = (ROOT / f"{docname}.md").read_text(encoding="utf-8")
    if docname == "book/intro":  # the root page also carries the table of contents' part captions
        import yaml

        toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
        text += "\n" + "\n".join(part.get("caption", "") for part in toc.get("parts", []))
    return text


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _headings(markdown: str) -> list[str]:
    out, fence = [], None
    for line in markdown.splitlines():
        m = re.match(r"^\s*(`{3,}|:{3,})", line)
        if m:
            fence = None if fence and m.group(1) == fence and line.strip() == fence else (fence or m.group(1))
            continue
        if fence is None and (h := re.match(r"^#{1,6} (.+)$", line)):
            out.append(h.group(1).strip())
    return out


def share(docname: str) -> tuple[float, list[str]]:
    """Share of the page's required messages translated (and not stale), and the ones left."""
    cat = _catalogue(docname)
    msgs = REQUIRED[docname]
    left = [m for m in msgs if not cat.get(m, ("", False))[0] or cat[m][1]]
    return (len(msgs) - len(left)) / len(msgs), left


def test_every_chapter_and_required_page_is_listed():
    chapters = {p.with_suffix("").relative_to(ROOT).as_posix() for p in ROOT.glob("notebooks/*/*.ipynb")}
    pages = {"book/intro", "book/learning-path", "book/rerun", "book/glossary"}
    missing = sorted((chapters | pages) - set(REQUIRED))
    assert not missing, f"no required messages for {missing}: {FIX}"


def test_report_shares(capsys):
    """Print the share per page (pytest -s shows it); fails nothing by itself."""
    lines = [f"{'page':52} {'required':>8} {'share':>6}"]
    for docname, msgs in REQUIRED.items():
        s, _ = share(docname)
        lines.append(f"{docname:52} {len(msgs):>8} {s:>6.0%}")
    with capsys.disabled():
        print("\nKorean edition, translated share of required messages:\n" + "\n".join(lines))


@pytest.mark.parametrize("docname", sorted(REQUIRED))
def test_catalogue_is_current(docname):
    source = _norm(_source(docname))
    stale = [m for m in REQUIRED[docname] if _norm(m) not in source]
    assert not stale, f"{docname}: {len(stale)} required messages are no longer in the source: {FIX}"
    missing = [h for h in _headings(_source(docname)) if h not in REQUIRED[docname]]
    assert not missing, f"{docname}: headings not in the catalogue {missing}: {FIX}"


@pytest.mark.parametrize("docname", sorted(REQUIRED))
def test_translated_share_is_above_the_floor(docname):
    s, left = share(docname)
    assert s >= FLOOR, (f"{docname}: {s:.0%} of the required messages are translated (floor {FLOOR:.0%}); "
                        f"{len(left)} left, first: {left[:3]}; {FIX}")


def test_a_fuzzy_entry_counts_as_untranslated(tmp_path, monkeypatch):
    po = tmp_path / "LC_MESSAGES" / "p.po"
    po.parent.mkdir()
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                  'msgid "A"\nmsgstr "가"\n\n#, fuzzy\nmsgid "B"\nmsgstr "나"\n\nmsgid "C"\nmsgstr ""\n\n'
                  '#~ msgid "D"\n#~ msgstr "라"\n', encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "LOCALE", tmp_path)
    monkeypatch.setitem(REQUIRED, "p", ["A", "B", "C", "D"])
    s, left = share("p")
    assert s == 0.25 and left == ["B", "C", "D"]
