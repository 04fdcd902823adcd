"""Code hierarchies (NAICS, SOC, prefix codes), per-level probabilities and per-level evaluation.

The tables of codes come from the source readers (:mod:`statmethods.sources`); this module
builds the hierarchy from them (:func:`hierarchy_for`, :func:`prepare_records`).

A classifier trained at the finest level gives probabilities for every coarser level for free:
the probability of a NAICS sector is the sum of the probabilities of its 6-digit industries.
:class:`CodeHierarchy` maps each fine code to its ancestors and does that summation, and
:func:`evaluate_levels` scores predictions at every level.

Examples
--------
>>> h = naics_hierarchy()
>>> list(h.ancestors("311412").values())
['31-33', '311', '3114', '31141', '311412']
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.metrics import f1_score

from ..validation import choice, positive_int
from .text import normalise_text

__all__ = [
    "CLASSIFICATIONS",
    "NAICS_SECTORS",
    "SOC_MAJOR_GROUPS",
    "CodeHierarchy",
    "CodingIndex",
    "UnknownCodeError",
    "evaluate_levels",
    "hierarchy_for",
    "naics_hierarchy",
    "prefix_hierarchy",
    "prepare_records",
    "soc_hierarchy",
    "top_k_accuracy",
]


class UnknownCodeError(ValueError):
    """A code is not part of the classification the coder was built for."""


#: NAICS 2022 sectors; three sectors span several 2-digit prefixes (NAICS 2022 manual, p. 23).
NAICS_SECTORS: dict[str, str] = {
    "11": "11",
    "21": "21",
    "22": "22",
    "23": "23",
    "31": "31-33",
    "32": "31-33",
    "33": "31-33",
    "42": "42",
    "44": "44-45",
    "45": "44-45",
    "48": "48-49",
    "49": "48-49",
    "51": "51",
    "52": "52",
    "53": "53",
    "54": "54",
    "55": "55",
    "56": "56",
    "61": "61",
    "62": "62",
    "71": "71",
    "72": "72",
    "81": "81",
    "92": "92",
}

#: SOC 2018 major groups (23, including 55 Military Specific Occupations).
SOC_MAJOR_GROUPS: tuple[str, ...] = (
    "11",
    "13",
    "15",
    "17",
    "19",
    "21",
    "23",
    "25",
    "27",
    "29",
    "31",
    "33",
    "35",
    "37",
    "39",
    "41",
    "43",
    "45",
    "47",
    "49",
    "51",
    "53",
    "55",
)
# SOC 2018 minor groups are XX-X000 except these three, whose second digit after the hyphen is
# part of the minor-group code (15-1200 Computer Occupations, 31-1100 Home Health and Personal Care
# Aides..., 51-5100 Printing Workers); none shares its first three digits with another minor group.
_SOC_MINOR_EXCEPTIONS = {"15-12": "15-1200", "31-11": "31-1100", "51-51": "51-5100"}
_NAICS_RE = re.compile(r"^\d{6}$")
_SOC_RE = re.compile(r"^\d{2}-[\dX]{4}$")


@dataclass(frozen=True)
class CodeHierarchy:
    """A classification whose fine codes roll up through named levels.

    Parameters
    ----------
    name : str
        Name and version of the classification (recorded in saved models), e.g. ``"NAICS 2022"``.
    levels : tuple of str
        Level names from coarsest to finest; the last one is the code itself.
    rollup : callable
        ``rollup(code) -> tuple`` of the code at every level (same order as ``levels``).
    validate_code : callable
        ``validate_code(code) -> str | None``: ``None`` if the code is valid, else why not.
    known_codes : frozenset of str, optional
        If given, the only fine codes accepted.
    """

    name: str
    levels: tuple[str, ...]
    rollup: Callable[[str], tuple[str, ...]]
    validate_code: Callable[[str], str | None]
    known_codes: frozenset[str] | None = field(default=None, repr=False)

    @property
    def finest(self) -> str:
        """Name of the finest level."""
        return self.levels[-1]

    def level_name(self, level: str | int) -> str:
        """Resolve a level given by name, by position, or as ``"finest"``."""
        if level == "finest":
            return self.finest
        if isinstance(level, int) and not isinstance(level, bool):
            if not -len(self.levels) <= level < len(self.levels):
                raise ValueError(f"level index {level} out of range for {self.name} levels {self.levels}")
            return self.levels[level]
        if level not in self.levels:
            raise ValueError(
                f"unknown level {level!r} for {self.name}; choose one of {list(self.levels)} or 'finest'"
            )
        return str(level)

    def ancestors(self, code: str) -> dict[str, str]:
        """The code at every level, as a dict ``level -> code``."""
        self.check_codes([code])
        return dict(zip(self.levels, self.rollup(code), strict=True))

    def check_codes(self, codes: Sequence[object], *, name: str = "codes") -> list[str]:
        """Validate codes against the classification.

        Raises
        ------
        UnknownCodeError
            Listing up to five offending codes, how many there are, and what to do.
        """
        out = [c.strip() if isinstance(c, str) else c for c in codes]
        bad: dict[str, str] = {}
        for c in out:
            if not isinstance(c, str) or not c:
                bad.setdefault(repr(c), "missing or not text")
                continue
            why = self.validate_code(c)
            if why is None and self.known_codes is not None and c not in self.known_codes:
                why = f"not among the {len(self.known_codes)} codes of {self.name}"
            if why is not None:
                bad.setdefault(c, why)
        if bad:
            shown = "; ".join(f"{k} ({v})" for k, v in list(bad.items())[:5])
            raise UnknownCodeError(
                f"{name}: {len(bad)} distinct code(s) are not valid {self.name} codes: {shown}. "
                "Drop these records or recode them to the classification before training."
            )
        return out

    def table(self, codes: Sequence[str]) -> pd.DataFrame:
        """One column per level, one row per code (codes are not validated here)."""
        rows = [self.rollup(c) for c in codes]
        return pd.DataFrame(rows, columns=list(self.levels))

    def aggregate(
        self, proba: np.ndarray, labels: Sequence[str], level: str
    ) -> tuple[np.ndarray, np.ndarray]:
        """Sum fine-code probabilities (or one-hot rows) up to ``level``.

        Parameters
        ----------
        proba : ndarray, shape (n, K)
            Probabilities over the fine codes ``labels``.
        labels : sequence of str, length K
            The fine codes, in column order.
        level : str
            Target level name.

        Returns
        -------
        proba_level : ndarray, shape (n, K_level)
        level_labels : ndarray of str, length K_level (sorted)
        """
        level = self.level_name(level)
        j = self.levels.index(level)
        parents = np.array([self.rollup(c)[j] for c in labels])
        level_labels, inverse = np.unique(parents, return_inverse=True)
        m = sparse.csr_matrix(
            (np.ones(len(labels)), (np.arange(len(labels)), inverse)), shape=(len(labels), len(level_labels))
        )
        return np.asarray(m.T.dot(np.asarray(proba).T).T), level_labels


def _naics_rollup(code: str) -> tuple[str, ...]:
    return (NAICS_SECTORS.get(code[:2], code[:2]), code[:3], code[:4], code[:5], code[:6])


def _naics_validate(code: str) -> str | None:
    if not _NAICS_RE.match(code):
        return "a NAICS code has exactly 6 digits"
    if code[:2] not in NAICS_SECTORS:
        return f"{code[:2]} is not a NAICS 2022 sector"
    return None


def naics_hierarchy(known_codes: Sequence[str] | None = None) -> CodeHierarchy:
    """NAICS 2022: sector (2-digit, with 31-33, 44-45, 48-49 merged), subsector (3), industry
    group (4), NAICS industry (5) and national industry (6 digits).

    Parameters
    ----------
    known_codes : sequence of str, optional
        The 6-digit codes in use (for example those of the NAICS index file). Without it any
        6-digit code in a valid sector is accepted.
    """
    return CodeHierarchy(
        name="NAICS 2022",
        levels=("sector", "subsector", "industry group", "industry", "national industry"),
        rollup=_naics_rollup,
        validate_code=_naics_validate,
        known_codes=frozenset(known_codes) if known_codes is not None else None,
    )


def _soc_rollup(code: str) -> tuple[str, ...]:
    # code = "AB-CDEF"; a Census aggregate with X in place of C, D or E is its own group
    # at every level below the last digit it fixes.
    minor = code if code[3] == "X" else _SOC_MINOR_EXCEPTIONS.get(code[:5], f"{code[:4]}000")
    broad = code if "X" in code[3:6] else f"{code[:6]}0"
    return (f"{code[:2]}-0000", minor, broad, code)


def _soc_validate(code: str) -> str | None:
    if not _SOC_RE.match(code):
        return "a SOC code looks like 29-1141 (Census aggregates may end in X, e.g. 51-91XX)"
    if code[:2] not in SOC_MAJOR_GROUPS:
        return f"{code[:2]} is not a SOC 2018 major group"
    return None


def soc_hierarchy(known_codes: Sequence[str] | None = None) -> CodeHierarchy:
    """SOC 2018: major group, minor group, broad occupation and detailed occupation.

    The Census occupation index also uses Census aggregates such as ``51-91XX`` (several
    detailed occupations coded together). Such a code is its own group at every level below
    the last digit it fixes: ``51-91XX`` rolls up to major group ``51-0000`` and minor group
    ``51-9000`` and is its own broad and detailed code.

    Examples
    --------
    >>> soc_hierarchy().ancestors("15-1252")
    {'major': '15-0000', 'minor': '15-1200', 'broad': '15-1250', 'detailed': '15-1252'}
    """
    return CodeHierarchy(
        name="SOC 2018 (Census 2022 occupation index)",
        levels=("major", "minor", "broad", "detailed"),
        rollup=_soc_rollup,
        validate_code=_soc_validate,
        known_codes=frozenset(known_codes) if known_codes is not None else None,
    )


def prefix_hierarchy(
    lengths: Sequence[int], *, name: str = "user codes", known_codes: Sequence[str] | None = None
) -> CodeHierarchy:
    """A hierarchy in which each level is a prefix of the code (for a user's own classification).

    Parameters
    ----------
    lengths : sequence of int
        Prefix lengths from coarsest to finest, e.g. ``(1, 2, 3, 4, 5)`` for KSIC (section letter,
        then digits) or ``(2, 6)``. The last must equal the length of every code.
    name : str
        Name and version of the classification.
    known_codes : sequence of str, optional
        Only these fine codes are accepted.

    Examples
    --------
    >>> prefix_hierarchy((1, 3)).ancestors("A12")
    {'1 char': 'A', '3 char': 'A12'}
    """
    lengths = tuple(int(n) for n in lengths)
    if not lengths or any(b <= a for a, b in zip(lengths, lengths[1:], strict=False)) or lengths[0] < 1:
        raise ValueError(f"lengths must be increasing positive integers, got {lengths}")
    full = lengths[-1]

    def rollup(code: str) -> tuple[str, ...]:
        return tuple(code[:n] for n in lengths)

    def validate(code: str) -> str | None:
        return None if len(code) == full else f"expected codes of {full} characters"

    return CodeHierarchy(
        name=name,
        levels=tuple(f"{n} char" for n in lengths),
        rollup=rollup,
        validate_code=validate,
        known_codes=frozenset(known_codes) if known_codes is not None else None,
    )


def top_k_accuracy(proba: np.ndarray, labels: Sequence[str], truth: Sequence[str], k: int) -> float:
    """Share of records whose true code is among the ``k`` most probable codes.

    Examples
    --------
    >>> top_k_accuracy(np.array([[.5, .3, .2], [.1, .2, .7]]), ["a", "b", "c"], ["b", "a"], 2)
    0.5
    """
    labels = np.asarray(labels)
    k = min(k, proba.shape[1])
    top = np.argsort(-proba, axis=1, kind="stable")[:, :k]
    return float(np.mean([t in set(labels[row]) for t, row in zip(truth, top, strict=True)]))


def evaluate_levels(
    proba: np.ndarray,
    labels: Sequence[str],
    truth: Sequence[str],
    hierarchy: CodeHierarchy,
    ks: Sequence[int] = (1, 3, 5),
) -> pd.DataFrame:
    """Accuracy, macro-F1 and top-k accuracy at every level of the hierarchy.

    Probabilities of coarser codes are sums of the fine-code probabilities, so the predicted
    sector is the most probable sector, not the sector of the most probable industry.

    Returns
    -------
    pandas.DataFrame
        Index: level; columns ``n_codes`` (distinct true codes in ``truth``), ``accuracy``,
        ``macro_f1`` (over the true codes present) and ``top_k`` for each ``k``.
    """
    rows = []
    tt = hierarchy.table(list(truth))
    for level in hierarchy.levels:
        p, lab = hierarchy.aggregate(proba, labels, level)
        pred = lab[np.argmax(p, axis=1)]
        y = tt[level].to_numpy()
        present = np.unique(y)
        row = {
            "level": level,
            "n_codes": len(present),
            "accuracy": float(np.mean(pred == y)),
            "macro_f1": float(f1_score(y, pred, labels=present, average="macro", zero_division=0)),
        }
        for k in ks:
            row[f"top_{k}"] = top_k_accuracy(p, lab, y, k)
        rows.append(row)
    return pd.DataFrame(rows).set_index("level")


#: Classifications that :func:`hierarchy_for` builds from a table of codes.
CLASSIFICATIONS = ("naics", "soc", "prefix")


@dataclass(frozen=True)
class CodingIndex:
    """Coded answers (or index entries) read from a source, before any cleaning.

    Readers in :mod:`statmethods.sources` return one (for example
    :func:`statmethods.sources.coding.read_coding_index`); :func:`prepare_records` turns it into
    training records and a :class:`CodeHierarchy`.

    Parameters
    ----------
    records : pandas.DataFrame
        Columns ``text`` and ``code`` (codes as text).
    set_aside : pandas.DataFrame
        Rows the reader already set aside (no valid code, empty text), counted in the report.
    classification : {"naics", "soc", "prefix"}
        How the codes roll up: NAICS 2022, SOC 2018, or prefixes of the code (a user's own).
    name : str
        Where the codes come from, used in the hierarchy's name and in error messages.
    code_column : str
        The column the codes were read from, named in error messages.
    """

    records: pd.DataFrame
    set_aside: pd.DataFrame
    classification: str
    name: str
    code_column: str = "code"


def hierarchy_for(classification: str, codes: Sequence[str], code_levels: Sequence[int] = (2, 3, 4, 5, 6),
                  *, name: str = "user codes") -> CodeHierarchy:
    """The :class:`CodeHierarchy` of a classification, restricted to ``codes`` for NAICS and SOC.

    Examples
    --------
    >>> hierarchy_for("prefix", ["A12", "B34"], (1, 3)).levels
    ('1 char', '3 char')
    """
    classification = choice(classification, "classification", CLASSIFICATIONS)
    known = pd.unique(pd.Series(codes, dtype=object))
    if classification == "naics":
        return naics_hierarchy(known)
    if classification == "soc":
        return soc_hierarchy(known)
    return prefix_hierarchy(code_levels, name=f"codes in {name}")


def prepare_records(
    index: CodingIndex,
    code_levels: Sequence[int] = (2, 3, 4, 5, 6),
    max_records: int = 0,
    seed: int = 0,
) -> tuple[pd.DataFrame, CodeHierarchy, dict[str, int]]:
    """Clean a coding index into ``text``/``code`` records and build its hierarchy.

    Empty answers (after :func:`~statmethods.autocode.text.normalise_text`) are set aside,
    codes are checked against the hierarchy, exact duplicates (same normalised text and code)
    are dropped, and with ``max_records`` a random subsample stratified by code is kept.

    Parameters
    ----------
    index : CodingIndex
        The records read by a source reader.
    code_levels : sequence of int
        For ``classification="prefix"``: prefix lengths of the levels, coarsest first (the last
        is the code length).
    max_records : int
        If positive, a random subsample of about this many records, stratified by code.
    seed : int
        Seed of the subsample.

    Returns
    -------
    data : pandas.DataFrame
        ``text`` and ``code``.
    hierarchy : CodeHierarchy
    info : dict
        Counts of records read, set aside (no valid code or empty answer), exact duplicates
        dropped and records kept.

    Raises
    ------
    UnknownCodeError
        If a code does not fit the classification (for example a code of the wrong length).

    Examples
    --------
    >>> idx = CodingIndex(pd.DataFrame({"text": ["bakery", "Bakery", " ", "dairy farm"],
    ...                                 "code": ["A10", "A10", "A10", "B20"]}),
    ...                   pd.DataFrame(), "prefix", "answers.csv")
    >>> data, h, info = prepare_records(idx, (1, 3))
    >>> info
    {'read': 4, 'set_aside': 1, 'duplicates_dropped': 1, 'kept': 2}
    """
    max_records = positive_int(max_records, "max_records", minimum=0)
    raw = index.records
    blank = raw["text"].fillna("").map(lambda t: not normalise_text(str(t)))
    d = raw.loc[~blank, ["text", "code"]]
    hierarchy = hierarchy_for(index.classification, d["code"], code_levels, name=index.name)
    hierarchy.check_codes(d["code"].tolist(), name=f"{index.name}: column {index.code_column!r}")
    info = {"read": len(raw) + len(index.set_aside), "set_aside": int(blank.sum()) + len(index.set_aside)}
    d = d.reset_index(drop=True)
    key = d["text"].map(normalise_text) + "\t" + d["code"]
    info["duplicates_dropped"] = int(key.duplicated().sum())
    d = d.loc[~key.duplicated()].reset_index(drop=True)
    if max_records and max_records < len(d):
        frac = max_records / len(d)
        d = d.groupby("code", group_keys=False).sample(frac=frac, random_state=seed).sort_index()
        d = d.reset_index(drop=True)
    info["kept"] = len(d)
    return d, hierarchy, info
