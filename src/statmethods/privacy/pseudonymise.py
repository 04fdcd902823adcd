"""Pseudonymisation for combining two holders' data (Korean Pseudonymisation Guideline, 가명정보).

The combination key (결합키) is a keyed hash, HMAC-SHA-256, of normalised identifiers: without
the key nobody can rebuild it from a list of names and dates. A plain (unsalted) SHA-256 of the
same identifiers can be reversed by hashing a dictionary of likely values
(:func:`dictionary_attack`). Normalisation (:func:`normalise_name`) makes the two holders write
one person the same way: Unicode NFC (a Hangul syllable typed as separate jamo becomes one
syllable), case, spaces and punctuation, and optionally Hangul to Latin romanisation
(:func:`romanise_hangul`, the Revised Romanisation letter by letter, without sound-change rules).

:func:`resident_numbers` makes up resident-registration-like numbers for teaching, with the
rules stated there; they are not real numbers of anyone.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..validation import BadInputError, rng

__all__ = ["ROMANISED_SURNAMES", "check_digit_valid", "column_roles", "combination_key", "dictionary_attack",
           "hangul_names", "normalise_name", "plain_hash", "resident_numbers", "romanise_hangul"]

_INITIAL = ["g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p",
            "h"]
_MEDIAL = ["a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we",
           "wi", "yu", "eu", "ui", "i"]
_FINAL = ["", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p",
          "t", "t", "ng", "t", "t", "k", "t", "p", "t"]
# Conventional spellings of common surnames in passports and surveys -> Revised Romanisation
ROMANISED_SURNAMES = {"kim": "gim", "lee": "i", "rhee": "i", "yi": "i", "park": "bak", "pak": "bak",
                      "choi": "choe", "jung": "jeong", "chung": "jeong", "kang": "gang", "cho": "jo",
                      "yoon": "yun", "jang": "jang", "lim": "im", "han": "han", "oh": "o", "shin": "sin"}


def romanise_hangul(text: str) -> str:
    """Revised Romanisation of Hangul syllables, letter by letter (no sound-change rules).

    Non-Hangul characters are kept. Decomposed jamo are composed first (NFC).

    Examples
    --------
    >>> romanise_hangul("김민준")
    'gimminjun'
    >>> romanise_hangul("이서연")
    'iseoyeon'
    """
    out = []
    for ch in unicodedata.normalize("NFC", str(text)):
        code = ord(ch) - 0xAC00
        if 0 <= code < 11172:
            out.append(_INITIAL[code // 588] + _MEDIAL[(code % 588) // 28] + _FINAL[code % 28])
        else:
            out.append(ch)
    return "".join(out)


def normalise_name(value: object, *, romanise: bool = False) -> str:
    """One way of writing a name: NFC, lower case, no spaces or punctuation.

    With ``romanise=True`` Hangul is romanised and a leading conventional surname spelling
    (``Kim``, ``Lee``, ``Park``, ...) is mapped to the Revised Romanisation, so that ``김민준``,
    ``김 민준`` and ``Kim Min-jun`` become one string.

    Examples
    --------
    >>> normalise_name(" O'Brien ")
    'obrien'
    >>> normalise_name("김 민준") == normalise_name(unicodedata.normalize("NFD", "김민준"))
    True
    >>> normalise_name("Kim Min-jun", romanise=True) == normalise_name("김민준", romanise=True)
    True
    """
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    s = unicodedata.normalize("NFKC", str(value)).casefold().strip()
    if romanise:
        parts = re.split(r"[\s\-]+", s, maxsplit=1)
        if parts and parts[0] in ROMANISED_SURNAMES:
            parts[0] = ROMANISED_SURNAMES[parts[0]]
        s = romanise_hangul(" ".join(parts))
    return re.sub(r"[\W_]+", "", s)


def _joined(data: pd.DataFrame, columns: Sequence[str]) -> pd.Series:
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise BadInputError(f"column(s) {', '.join(map(repr, missing))} not in the table. "
                            "Fix: name the identifier columns the table has")
    parts = [data[c].fillna("").astype(str) for c in columns]
    out = parts[0]
    for p in parts[1:]:
        out = out + "\x1f" + p
    return out


def combination_key(data: pd.DataFrame, columns: Sequence[str], key: bytes) -> pd.Series:
    """HMAC-SHA-256 of the joined ``columns`` under ``key`` (hex): the combination key (결합키).

    Normalise the columns first; a record whose columns are all empty gets a missing key.

    Examples
    --------
    >>> d = pd.DataFrame({"name": ["ann", "ann", ""], "dob": ["1970", "1970", ""]})
    >>> k = combination_key(d, ["name", "dob"], b"a key of sixteen bytes or more")
    >>> k[0] == k[1], len(k[0]), k[2] is None
    (True, 64, True)
    """
    if not isinstance(key, bytes | bytearray) or len(key) < 16:
        raise BadInputError("the combination key must be at least 16 bytes. "
                            "Fix: export a long random key, e.g. python -c \"import secrets; "
                            "print(secrets.token_hex(32))\"")
    joined = _joined(data, columns)
    empty = data[list(columns)].fillna("").astype(str).eq("").all(axis=1)
    keys = [hmac.new(bytes(key), v.encode("utf-8"), hashlib.sha256).hexdigest() for v in joined]
    return pd.Series(keys, index=data.index, name="combination_key", dtype=object).where(~empty, None)


def plain_hash(data: pd.DataFrame, columns: Sequence[str]) -> pd.Series:
    """Unsalted SHA-256 of the joined ``columns`` (what not to do: see :func:`dictionary_attack`).

    Examples
    --------
    >>> plain_hash(pd.DataFrame({"n": ["ann"]}), ["n"])[0] == hashlib.sha256(b"ann").hexdigest()
    True
    """
    return pd.Series([hashlib.sha256(v.encode("utf-8")).hexdigest() for v in _joined(data, columns)],
                     index=data.index, name="hash", dtype=object)


def dictionary_attack(hashes: pd.Series, dictionary: pd.DataFrame, columns: Sequence[str]) -> pd.Series:
    """Reverse unsalted hashes by hashing every candidate of a dictionary.

    Returns, for each hash, the row label in ``dictionary`` that produced it (missing where none
    did). The share reversed is ``result.notna().mean()``.

    Examples
    --------
    >>> d = pd.DataFrame({"n": ["ann", "bob"]})
    >>> h = plain_hash(pd.DataFrame({"n": ["bob", "cy"]}), ["n"])
    >>> dictionary_attack(h, d, ["n"]).tolist()
    [1, None]
    """
    table = plain_hash(dictionary, columns)
    lookup = dict(zip(table.to_numpy(), dictionary.index, strict=True))
    return pd.Series([lookup.get(h) for h in hashes], index=hashes.index, name="reversed", dtype=object)


_SURNAMES = {"김": 0.215, "이": 0.147, "박": 0.084, "최": 0.047, "정": 0.043, "강": 0.023, "조": 0.021,
             "윤": 0.020, "장": 0.020, "임": 0.017, "한": 0.015, "오": 0.014, "신": 0.014}
_SYLLABLES = list("민서지현준우예진하윤수영도연은성재아동혜주희경호승원유태")


def hangul_names(n: int, seed: int | np.random.Generator = 0) -> pd.DataFrame:
    """Made-up Korean names: a surname drawn by its share among Koreans (2015 census,
    the 13 most common, renormalised) and a given name of two syllables drawn from a fixed list.

    Returns ``surname`` and ``given_name`` (Hangul, NFC).

    Examples
    --------
    >>> hangul_names(2, seed=1).shape
    (2, 2)
    """
    g = rng(seed)
    p = np.array(list(_SURNAMES.values()))
    sur = g.choice(list(_SURNAMES), size=n, p=p / p.sum())
    given = ["".join(g.choice(_SYLLABLES, size=2)) for _ in range(n)]
    return pd.DataFrame({"surname": sur, "given_name": given})


_WEIGHTS = np.array([2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5])


def resident_numbers(birth_dates: Sequence[str] | pd.Series, sex: Sequence[str] | pd.Series,
                     seed: int | np.random.Generator = 0, *,
                     serial: Sequence[int] | None = None) -> pd.Series:
    """Made-up resident-registration-like numbers ``YYMMDD-SNNNNNC`` (for teaching only).

    Rules: ``YYMMDD`` is the birth date (``YYYYMMDD`` input); ``S`` is 1 (male) or 2 (female)
    for births in the 1900s and 3 or 4 from 2000; ``NNNNN`` are five random digits (random since
    the 2020 reform; before it they coded the registration office); ``C`` is the old check digit
    ``(11 - sum(d_i w_i) mod 11) mod 10`` with weights 2,3,4,5,6,7,8,9,2,3,4,5. Invalid or
    missing dates give a missing number.

    Examples
    --------
    >>> n = resident_numbers(["19700101"], ["F"], seed=0)[0]
    >>> n[:8], len(n)
    ('700101-2', 14)
    """
    g = rng(seed)
    dates = pd.Series(list(birth_dates), dtype=object).fillna("").astype(str).str.strip()
    sexes = pd.Series(list(sex), dtype=object).fillna("").astype(str).str.upper().str[:1]
    if len(dates) != len(sexes):
        raise BadInputError("birth_dates and sex differ in length. Fix: give one sex per birth date")
    serial = g.integers(0, 100_000, size=len(dates)) if serial is None else np.asarray(serial, dtype=int)
    if len(serial) != len(dates):
        raise BadInputError("serial and birth_dates differ in length. Fix: give one serial per birth date")
    out = []
    for d, s, r in zip(dates, sexes, serial, strict=True):
        ok = bool(re.fullmatch(r"(19|20)\d{6}", d)) and pd.to_datetime(d, format="%Y%m%d", errors="coerce") \
            is not pd.NaT
        if not ok or s not in ("M", "F"):
            out.append(None)
            continue
        first = (1 if s == "M" else 2) + (2 if d.startswith("20") else 0)
        digits = [int(c) for c in d[2:]] + [first] + [int(c) for c in f"{r:05d}"]
        check = (11 - int(np.dot(digits, _WEIGHTS)) % 11) % 10
        out.append(f"{d[2:]}-{first}{r:05d}{check}")
    return pd.Series(out, index=birth_dates.index if isinstance(birth_dates, pd.Series) else None,
                     name="resident_number", dtype=object)


def check_digit_valid(number: str) -> bool:
    """Whether a ``YYMMDD-SNNNNNC`` number's check digit follows the rule of :func:`resident_numbers`.

    Examples
    --------
    >>> check_digit_valid(resident_numbers(["19851231"], ["M"], seed=3)[0])
    True
    """
    d = re.sub(r"\D", "", str(number))
    if len(d) != 13:
        return False
    digits = np.array([int(c) for c in d])
    return int((11 - int(np.dot(digits[:12], _WEIGHTS)) % 11) % 10) == int(digits[12])


def column_roles(roles: Mapping[str, str], columns: Sequence[str]) -> pd.DataFrame:
    """The preparation step's table: each column's role (identifier, quasi-identifier, sensitive,
    other) and the guideline's treatment of that role.

    Examples
    --------
    >>> column_roles({"name": "identifier"}, ["name"])["treatment"].tolist()
    ['delete after the combination key is made']
    """
    treat = {"identifier": "delete after the combination key is made",
             "quasi-identifier": "generalise (round, categorise) until the adequacy review passes",
             "sensitive": "keep; check l-diversity and t-closeness",
             "other": "keep if needed for the purpose, else delete"}
    bad = {c: r for c, r in roles.items() if r not in treat}
    if bad:
        raise BadInputError(f"unknown role(s) {bad}. Fix: use {', '.join(treat)}")
    missing = [c for c in columns if c not in roles]
    if missing:
        raise BadInputError(f"column(s) {', '.join(map(repr, missing))} have no role. "
                            "Fix: classify every column")
    return pd.DataFrame({"column": list(columns), "role": [roles[c] for c in columns],
                         "treatment": [treat[roles[c]] for c in columns]})
