"""Start a chapter from the template: the MyST source, its checks, bad-input and user-file modules.

Usage::

    python tools/new_chapter.py area-my-method --part area --title "My method" --key sae/milk.rda

writes ``notebooks/<part>/<id>.md`` (then ``jupytext --to ipynb`` it),
``src/statmethods/chapters/checks/<id_>.py``, ``tests/chapters/bad_inputs/<id_>.py`` and
``tests/chapters/user_files/<id_>.py``. It refuses to write over an existing file.
"""

from __future__ import annotations

import argparse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "tools" / "chapter_template"


def targets(chapter_id: str, part: str) -> dict[str, Path]:
    """Where each template file goes for a chapter."""
    mod = chapter_id.replace("-", "_")
    return {
        "chapter.md": ROOT / "notebooks" / part / f"{chapter_id}.md",
        "checks.py": ROOT / "src" / "statmethods" / "chapters" / "checks" / f"{mod}.py",
        "bad_inputs.py": ROOT / "tests" / "chapters" / "bad_inputs" / f"{mod}.py",
        "user_files.py": ROOT / "tests" / "chapters" / "user_files" / f"{mod}.py",
    }


def render(name: str, chapter_id: str, title: str, key: str) -> str:
    """The text of one template file with the chapter's id, title and catalogue key filled in."""
    text = (TEMPLATE / name).read_text(encoding="utf-8")
    return text.replace("__ID__", chapter_id).replace("__TITLE__", title).replace("__CATALOGUE_KEY__", key)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("chapter_id")
    ap.add_argument("--part", required=True, choices=["satellite", "classification", "area", "privacy"])
    ap.add_argument("--title", required=True)
    ap.add_argument("--key", required=True, help="catalogue key of the default input file")
    a = ap.parse_args(argv)
    out = targets(a.chapter_id, a.part)
    existing = [str(p) for p in out.values() if p.exists()]
    if existing:
        raise SystemExit(f"refusing to overwrite: {', '.join(existing)}")
    for name, path in out.items():
        path.write_text(render(name, a.chapter_id, a.title, a.key), encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
