"""Link glossary terms at their first prose use in each chapter (``{term}`` roles).

Usage::

    python tools/link_glossary_terms.py notebooks/area/area-accuracy.md [...]   # edit in place
    python tools/link_glossary_terms.py --check notebooks/*/*.md               # list, change nothing

For each term of ``book/glossary.md`` that has a pattern in :data:`PATTERNS`, the first match in
the chapter's prose (markdown cells; not headings, code, math, inline code, roles or links) is
wrapped as ``{term}`text <Term>```, unless the chapter already links that term. Only the matched
words change, so git merges the edit with others' edits of the same chapter. Afterwards re-sync
the notebook: ``jupytext --to ipynb --update notebooks/<part>/<id>.md`` (markdown cells only;
outputs stay as published).
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = ROOT / "book" / "glossary.md"

# glossary term (its first line) -> pattern of its uses in prose
PATTERNS: dict[str, str] = {
    "Area frame": r"\barea[- ]frames?\b",
    "Areal weighting": r"\bareal weighting\b",
    "Automatic coding": r"\bautomatic coding\b|\bcode automatically\b|\bauto-coding\b",
    "Battese–Harter–Fuller model": r"\bBattese–Harter–Fuller\b",
    "Blocking": r"\bblocking\b",
    "Bloom filter encoding": r"\bBloom[- ]filters?(?: encodings?)?",
    "Calibration of confidences": r"\bcalibrat(?:es?|ed|ion of) (?:its |the )?confidences\b",
    "Cell suppression": r"\bcell suppression\b",
    "Clerical review": r"\bclerical[- ]review\b",
    "Cloud mask": r"\bcloud(?: and valid-data)? masks?\b",
    "Composite": r"\b(?:cloud-free |temporal )*composites?\b",
    "Confusion matrix": r"\bconfusion matri(?:x|ces)\b|\berror matri(?:x|ces)\b",
    "Coverage": r"(?<!layer's )\b(?:interval )?coverage\b(?! fraction)",
    "Dasymetric mapping": r"\bdasymetric(?: mapping| refinement)?\b",
    "Degree of Urbanisation": r"\bDegree of Urbani[sz]ation\b",
    "Design-based inference": r"\bdesign-(?:unbiased|based)\b",
    "Differential privacy": r"\bdifferential(?:ly)? priva(?:cy|te)\b",
    "Direct estimate": r"\bdirect (?:expansion )?estimat(?:es?|or)\b",
    "Disclosure risk": r"\bdisclosure risks?\b|\bre-identification risks?\b",
    "Dominance rule": r"\bdominance(?: rules?)?\b",
    "EBLUP": r"\bEBLUPs?\b",
    "Fay–Herriot model": r"\bFay[–-]Herriot(?: model)?\b",
    "Fellegi–Sunter model": r"\bFellegi[–-]Sunter(?: model)?\b",
    "k-anonymity": r"\bk-anonym(?:ity|ous|isation|ised|ise)\b",
    "Key variables": r"\bkey variables?\b|\bquasi-identif\w+",
    "KSIC": r"\bKSIC\b",
    "Land consumption rate": r"\bland consumption rate\b",
    "Linkage key": r"\blinkage keys?\b|결합키",
    "m and u probabilities": r"\bm and u probabilities\b|\bm- and u-probabilities\b",
    "Mean squared error": r"\bmean squared errors?\b",
    "National grid": r"\bnational grid\b|국토격자",
    "NDVI": r"\bNDVI\b",
    "Night lights": r"\bnight[- ]lights?\b",
    "Omission and commission errors": r"\bomission(?: and commission)?(?: errors?)?\b",
    "Overall accuracy": r"\boverall accuracy\b",
    "Pixel counting": r"\bpixel counting\b",
    "Privacy-loss budget": r"\bprivacy(?:-loss)? budgets?\b",
    "Producer's accuracy": r"\bproducer's(?: accurac(?:y|ies))?",
    "Pseudonymised information": r"\bpseudonymi[sz]ed (?:information|data|files?)\b|가명정보",
    "Random convolutional features": r"\bMOSAIKS\b|\brandom convolutional features\b",
    "Record linkage": r"\brecord[- ]linkage\b",
    "Reference sample": r"\breference samples?\b",
    "Reflectance": r"\breflectances?\b",
    "Regression estimator": r"\bregression estimators?\b",
    "SGIS": r"\bSGIS\b",
    "Small-area estimation": r"\bsmall-area (?:estimat(?:ion|es?)|models?)\b",
    "Spatial cross-validation": r"\bspatial(?:ly)? (?:separated |blocked )?(?:folds|cross-validation)\b",
    "Statistical disclosure control": r"\b(?:statistical )?disclosure control\b",
    "Stratified estimator": r"\bstratified (?:area )?estimators?\b",
    "Urban centre": r"\burban centres?\b",
    "User's accuracy": r"\buser's(?= accurac|, producer's| and producer's)(?: accurac(?:y|ies))?",
}

TERM_ROLE = re.compile(r"\{term\}`(?:[^`<]*<([^`>]+)>|([^`]+))`")
# spans a link must not enter: roles, inline code, math, links, bold-free HTML
_MASK = re.compile(r"(?m)^\s*(?:`{3,}|:{3,})[^\n]*$|\{[\w:-]+\}`[^`]*`|``[^`]*``|`[^`\n]*(?:\n[^`\n]+)?`"
                   r"|\$\$.*?\$\$|\$[^$\n]*\$|\[[^\]]*\]\([^)]*\)|<[^>\n]+>", re.S)
_FENCE = re.compile(r"^(`{3,}|:{3,})\s*(\{([\w:-]+)\})?")
_PROSE_DIRECTIVES = {"exercise", "solution", "note", "tip", "important", "warning", "admonition",
                     "seealso", "attention", "hint", "caution", "dropdown"}


def glossary_terms(path: Path = GLOSSARY) -> list[list[str]]:
    """The glossary's entries, each the list of its term lines (English first, then Korean)."""
    lines = path.read_text(encoding="utf-8").split("```{glossary}", 1)[1].split("\n```", 1)[0]
    entries: list[list[str]] = []
    current: list[str] = []
    for line in lines.splitlines():
        if not line.strip() or line.startswith(":"):
            current = []
            continue
        if line.startswith((" ", "\t")):
            if current:
                entries.append(current)
                current = []
            continue
        current.append(line.strip())
    return entries


def linked_terms(text: str) -> set[str]:
    """Glossary terms (lower case) that ``{term}`` roles in ``text`` point to."""
    return {(a or b).strip().lower() for a, b in TERM_ROLE.findall(text)}


def prose_lines(lines: list[str]) -> list[int]:
    """Indexes of the lines that are prose: not front matter, code, math, headings or options."""
    out: list[int] = []
    stack: list[tuple[str, bool]] = []  # (fence, is_prose)
    i = 0
    if lines and lines[0].strip() == "---":
        i = next(k for k in range(1, len(lines)) if lines[k].strip() == "---") + 1
    in_math = False
    for k in range(i, len(lines)):
        line = lines[k]
        m = _FENCE.match(line.strip())
        if m:
            fence = m.group(1)
            if stack and fence == stack[-1][0] and not m.group(2) and line.strip() == fence:
                stack.pop()
                continue
            if m.group(2) or line.strip() != fence or not stack:
                stack.append((fence, m.group(3) in _PROSE_DIRECTIVES))
                continue
        if line.strip() == "$$":
            in_math = not in_math
            continue
        if in_math or any(not prose for _, prose in stack):
            continue
        s = line.strip()
        if (not s or s.startswith(("#", ":", "<!--", "+++", "$$", "|--"))
                or re.fullmatch(r"\([\w-]+\)=", s)):
            continue
        out.append(k)
    return out


def link_text(text: str, patterns: dict[str, str] = PATTERNS) -> tuple[str, list[str]]:
    """``text`` with each not-yet-linked term linked at its first prose use; the terms linked."""
    lines = text.split("\n")
    done = linked_terms(text)
    added: list[str] = []
    for term, pattern in patterns.items():
        if term.lower() in done:
            continue
        rx = re.compile(pattern, re.I if term not in {"KSIC", "NDVI", "EBLUP", "SGIS"} else 0)
        masked_lines = _MASK.sub(lambda mm: re.sub(r"[^\n]", "\0", mm.group()), "\n".join(lines)).split("\n")
        for k in prose_lines(lines):
            line = lines[k]
            m = rx.search(masked_lines[k])
            if not m:
                continue
            words = line[m.start():m.end()]
            role = f"{{term}}`{words}`" if words.lower() == term.lower() else f"{{term}}`{words} <{term}>`"
            lines[k] = line[:m.start()] + role + line[m.end():]
            added.append(term)
            break
    return "\n".join(lines), added


def main(argv: list[str] | None = None) -> None:
    """Link (or with ``--check`` only list) the first use of each glossary term in the files."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--check", action="store_true", help="print what would be linked; write nothing")
    a = ap.parse_args(argv)
    known = {t.lower() for entry in glossary_terms() for t in entry}
    unknown = [t for t in PATTERNS if t.lower() not in known]
    if unknown:
        raise SystemExit(f"patterns for terms the glossary lacks: {unknown}")
    for path in a.files:
        text = path.read_text(encoding="utf-8")
        new, added = link_text(text)
        print(f"{path}: {len(linked_terms(new))} terms linked ({', '.join(added) or 'nothing new'})")
        if not a.check and new != text:
            path.write_text(new, encoding="utf-8")


if __name__ == "__main__":
    main()
