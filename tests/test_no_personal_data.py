"""No committed notebook output shows a name, date of birth, address, id number or key.

Besides the names and dates of the linkage datasets, the scan looks for the Hangul names that the
pseudonymisation chapter makes up (its default seed), resident-registration-like numbers
(``YYMMDD-SNNNNNN``), the demonstration keys and 64-hex-digit strings (a key or a hash of
identifiers).
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from statmethods import inputs

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p for p in (ROOT / "notebooks").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
# catalogue key: (given-name column, surname column, other identifying columns)
SOURCES = {
    "febrl/dataset4a.csv": ("given_name", "surname", ["address_1", "address_2", "date_of_birth"]),
    "febrl/dataset4b.csv": ("given_name", "surname", ["address_1", "address_2", "date_of_birth"]),
    "febrl/dataset1.csv": ("given_name", "surname", ["address_1", "date_of_birth"]),
    "splink-historical-50k/historical_figures_with_errors_50k.parquet": ("first_name", "surname",
                                                                        ["full_name", "dob"]),
    "splink-fake-1000/fake_1000.csv": ("first_name", "surname", ["dob", "email"]),
}
# A single surname is often also a word or a place ("strong", "franklin", "forest"), so a person
# is detected by a given name followed by a surname, as a record's fields print side by side;
# dates of birth, full names, addresses and e-mails are detected whole.


@pytest.fixture(scope="module")
def identifiers() -> tuple[set[tuple[str, str]], set[str]]:
    names, values = set(), set()
    for key, (first, last, other) in SOURCES.items():
        df = inputs.read_table(key, "source")
        f = df[first].astype("string").str.strip().str.lower()
        s = df[last].astype("string").str.strip().str.lower()
        ok = (f.notna() & s.notna() & (f.str.len() >= 3) & (s.str.len() >= 3)
              & f.str.fullmatch("[a-z]+").fillna(False) & s.str.fullmatch("[a-z]+").fillna(False))
        names |= set(zip(f[ok], s[ok], strict=False))
        for c in other:
            v = df[c].dropna().astype(str).str.strip().str.lower()
            if c in ("date_of_birth", "dob"):
                values |= {x for x in v if len(x) >= 8 and x[:2] in ("16", "17", "18", "19", "20")}
            else:
                values |= {x for x in v if len(x) >= 10 and (" " in x or "@" in x)}
    return names, values


RRN = re.compile(r"(?<!\d)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])-?[1-4]\d{6}(?!\d)")
HEX64 = re.compile(r"(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])")
DEMO_KEYS = ("demonstration key - not secret",)


@pytest.fixture(scope="module")
def hangul_names() -> set[str]:
    """The full names the pseudonymisation chapter makes up on its defaults (seed 42, 5,000 people)."""
    import numpy as np

    from statmethods.privacy.pseudonymise import hangul_names as made_up

    names = made_up(5000, np.random.default_rng(42))
    full = names["surname"] + names["given_name"]
    return set(full) | set(names["surname"] + " " + names["given_name"])


def _outputs(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            parts.append(out.get("text", ""))
            for mime, data in out.get("data", {}).items():
                if mime.startswith("text/") or mime == "application/json":
                    parts.append(data if isinstance(data, str) else str(data))
    return _normalise("\n".join(parts))


def _normalise(text: str) -> str:
    text = re.sub(r"<[^>]+>", " ", text)   # HTML tables: cells side by side
    return " ".join(text.lower().split())


def _korean_hits(text: str, hangul: set[str]) -> list[str]:
    found = [n for n in hangul if n in text]
    found += RRN.findall(text) + HEX64.findall(text)
    found += [k for k in DEMO_KEYS if k in text]
    return found


def test_the_scan_finds_a_planted_hangul_name_resident_number_and_key(hangul_names):
    name = sorted(hangul_names)[0]
    planted_texts = (f"<td>{name}</td>", "번호 700101-2123455", "a" * 64,
                     "DEMONSTRATION KEY - NOT SECRET - x")
    for planted in planted_texts:
        assert _korean_hits(_normalise(planted), hangul_names), planted
    assert not _korean_hits(_normalise("audit 3f2a9c0d1e2b4a5c, 5,156 people, 2029-12-06"), hangul_names)


def test_the_scan_finds_a_planted_name(identifiers):
    names, values = identifiers
    assert len(names) > 1000 and len(values) > 1000
    planted = sorted(names)[len(names) // 2]
    words = re.findall(r"[a-z]+", _normalise("<td>rec-1</td><td>" + "</td><td>".join(planted) + "</td>"))
    assert set(zip(words, words[1:], strict=False)) & names


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_outputs_hold_no_personal_data(notebook, identifiers):
    names, values = identifiers
    text = _outputs(notebook)
    words = re.findall(r"[a-z]+", text)
    hits = sorted(set(zip(words, words[1:], strict=False)) & names)
    assert not hits, f"{notebook.name}: names in outputs: {hits[:10]}"
    tokens = set(re.findall(r"\d{8}|\d{4}-\d{2}-\d{2}", text))
    leaked = sorted(tokens & values)
    assert not leaked, f"{notebook.name}: dates of birth in outputs: {leaked[:10]}"
    addr = [v for v in values if not v[0].isdigit() and v in text]
    assert not addr, f"{notebook.name}: addresses or full names in outputs: {addr[:5]}"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_outputs_hold_no_hangul_name_resident_number_or_key(notebook, hangul_names):
    hits = _korean_hits(_outputs(notebook), hangul_names)
    assert not hits, f"{notebook.name}: Hangul names, resident numbers or keys in outputs: {hits[:5]}"
