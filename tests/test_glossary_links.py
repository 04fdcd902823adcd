"""The glossary has the office's Korean terms, and every chapter links at least three of them."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HANGUL = re.compile("[\uac00-\ud7af]")
TERM = re.compile(r"\{term\}`(?:[^`<]*<([^`>]+)>|([^`]+))`")
MIN_LINKS = 3
REQUIRED = ["NDVI", "EBLUP", "ε", "Privacy-loss budget", "m and u probabilities", "Dominance rule",
            "Degree of Urbanisation", "도시화 단계", "Small-area estimation", "소지역 추정",
            "Pseudonymised information", "가명정보", "Linkage key", "결합키"]


def _linker():
    path = ROOT / "tools" / "link_glossary_terms.py"
    spec = importlib.util.spec_from_file_location("link_glossary_terms", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


ENTRIES = _linker().glossary_terms()
KNOWN = {t.lower() for entry in ENTRIES for t in entry}


def _chapters() -> list[Path]:
    return sorted(ROOT.glob("notebooks/*/*.ipynb"))


def _markdown(nb: Path) -> str:
    cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


def test_glossary_has_the_required_terms():
    missing = [t for t in REQUIRED if t.lower() not in KNOWN]
    assert not missing, f"add to book/glossary.md: {missing}"


def test_every_entry_has_an_english_and_a_korean_term():
    for entry in ENTRIES:
        if entry[0] == "Random convolutional features":  # MOSAIKS has no Korean name
            continue
        assert not HANGUL.search(entry[0]), f"{entry}: the English term comes first"
        assert any(HANGUL.search(t) for t in entry[1:]), f"{entry}: add the Korean term on its own line"


def test_korean_terms_are_listed_once():
    korean = [t for entry in ENTRIES for t in entry if HANGUL.search(t)]
    assert len(korean) == len(set(korean))


@pytest.mark.parametrize("nb", _chapters(), ids=lambda p: p.stem)
def test_chapter_links_glossary_terms(nb):
    text = _markdown(nb)
    targets = [(a or b).strip() for a, b in TERM.findall(text)]
    unknown = [t for t in targets if t.lower() not in KNOWN]
    assert not unknown, f"{nb.name}: {{term}} targets not in book/glossary.md: {unknown}"
    assert len(set(t.lower() for t in targets)) >= MIN_LINKS, (
        f"{nb.name} links {len(set(targets))} glossary terms; link at least {MIN_LINKS} at their first "
        f"use (python tools/link_glossary_terms.py {nb.with_suffix('.md').relative_to(ROOT)})")
    first = {}
    for a, b in TERM.findall(text):
        key = (a or b).strip().lower()
        first[key] = first.get(key, 0) + 1
    assert max(first.values()) <= 2, f"{nb.name}: link a term at its first use, not everywhere"


def test_linker_skips_code_math_and_roles():
    mod = _linker()
    text = ("---\njupytext: {}\n---\n# NDVI\n\n`NDVI` and $NDVI$ and {cite}`NDVI` and [NDVI](x.md)\n"
            "then NDVI here and NDVI again.\n\n```{code-cell} ipython3\nNDVI = 1\n```\n")
    new, added = mod.link_text(text, {"NDVI": r"\bNDVI\b"})
    assert added == ["NDVI"]
    assert "then {term}`NDVI` here and NDVI again." in new
    assert new.replace("then {term}`NDVI` here", "then NDVI here") == text
