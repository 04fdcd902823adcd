"""Synthetic write-in noise for robustness tests: typos, abbreviations, word order, extra words.

Index entries are clean, carefully worded titles; survey write-ins are not. This module makes a
**synthetic** noisy copy of a set of answers so that a coder can be scored on it separately.
It is not a model of real write-ins (none are available offline): the kinds and rates of noise
are assumptions, stated in the parameters, and every row is labelled ``synthetic=True``.

Examples
--------
>>> out = perturb_texts(["frozen rice dishes manufacturing"], seed=3, p_typo=1.0)
>>> bool(out.loc[0, "synthetic"]), out.loc[0, "original"]
(True, 'frozen rice dishes manufacturing')
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["ABBREVIATIONS", "FILLERS", "perturb_texts"]

#: Common abbreviations in write-in answers (word -> abbreviation).
ABBREVIATIONS: dict[str, str] = {
    "manufacturing": "mfg",
    "manufacturer": "mfr",
    "services": "svcs",
    "service": "svc",
    "and": "&",
    "company": "co",
    "department": "dept",
    "assistant": "asst",
    "management": "mgmt",
    "manager": "mgr",
    "equipment": "equip",
    "construction": "constr",
    "association": "assn",
    "international": "intl",
    "government": "govt",
    "administration": "admin",
    "administrative": "admin",
    "technician": "tech",
    "technology": "tech",
    "representative": "rep",
    "supervisor": "supv",
    "operator": "op",
    "wholesale": "whsl",
    "distribution": "dist",
    "maintenance": "maint",
    "engineering": "eng",
    "engineer": "engr",
    "laboratory": "lab",
    "retail": "rtl",
    "product": "prod",
    "products": "prods",
    "accounting": "acctg",
    "building": "bldg",
    "except": "exc",
    "including": "incl",
    "general": "gen",
    "industrial": "ind",
    "insurance": "ins",
    "transportation": "transp",
    "medical": "med",
}

#: Words that write-ins add but an index never contains.
FILLERS: tuple[str, ...] = (
    "i work in",
    "self employed",
    "part time",
    "my job is",
    "at a",
    "company",
    "local",
    "small",
    "family business",
    "full time",
    "worker",
    "stuff",
    "various",
    "etc",
)

_KEYS = "abcdefghijklmnopqrstuvwxyz"


def _typo(word: str, rng: np.random.Generator) -> str:
    if len(word) < 3:
        return word
    i = int(rng.integers(1, len(word) - 1))
    kind = int(rng.integers(4))
    if kind == 0:  # deletion
        return word[:i] + word[i + 1 :]
    if kind == 1:  # transposition
        return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
    if kind == 2:  # substitution
        return word[:i] + _KEYS[int(rng.integers(26))] + word[i + 1 :]
    return word[:i] + word[i] + word[i:]  # doubled letter


def perturb_texts(
    texts: Sequence[str],
    seed: int = 0,
    *,
    p_typo: float = 0.15,
    p_abbrev: float = 0.5,
    p_reorder: float = 0.3,
    p_extra: float = 0.3,
) -> pd.DataFrame:
    """Add synthetic write-in noise to each answer.

    Parameters
    ----------
    texts : sequence of str
        Clean answers (for example held-out index entries).
    seed : int
        Seed of the noise.
    p_typo : float
        Probability that each word of 4+ letters gets one typo (deletion, transposition,
        substitution or doubled letter).
    p_abbrev : float
        Probability that each word in :data:`ABBREVIATIONS` is abbreviated.
    p_reorder : float
        Probability that the answer's word order is rotated (``"rice dishes frozen"``).
    p_extra : float
        Probability that a filler phrase from :data:`FILLERS` is added at the start or end.

    Returns
    -------
    pandas.DataFrame
        ``original``, ``perturbed``, ``kinds`` (which perturbations were applied) and
        ``synthetic`` (always True).
    """
    for name, p in {
        "p_typo": p_typo,
        "p_abbrev": p_abbrev,
        "p_reorder": p_reorder,
        "p_extra": p_extra,
    }.items():
        if not 0 <= p <= 1:
            raise ValueError(f"{name} must be a probability in [0, 1], got {p!r}")
    rng = np.random.default_rng(seed)
    rows = []
    for text in texts:
        words = str(text).split()
        kinds = []
        new = []
        for w in words:
            if w in ABBREVIATIONS and rng.random() < p_abbrev:
                new.append(ABBREVIATIONS[w])
                kinds.append("abbreviation")
            elif len(w) >= 4 and rng.random() < p_typo:
                new.append(_typo(w, rng))
                kinds.append("typo")
            else:
                new.append(w)
        if len(new) > 1 and rng.random() < p_reorder:
            k = int(rng.integers(1, len(new)))
            new = new[k:] + new[:k]
            kinds.append("word order")
        if rng.random() < p_extra:
            filler = FILLERS[int(rng.integers(len(FILLERS)))]
            new = [filler, *new] if rng.random() < 0.5 else [*new, filler]
            kinds.append("extra words")
        out = " ".join(new) or str(text)
        rows.append(
            {"original": text, "perturbed": out, "kinds": ", ".join(sorted(set(kinds))), "synthetic": True}
        )
    return pd.DataFrame(rows, columns=["original", "perturbed", "kinds", "synthetic"])
