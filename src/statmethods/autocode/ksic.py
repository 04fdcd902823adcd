"""Korean Standard Industrial Classification (KSIC): code tree, title retrieval and 9↔10 recoding.

Data: the KSIC 9th (2008) and 10th (2017) revisions and their concordance as published by
Statistics Korea, from the MIT-licensed R package KSIC (``ksic/*.rda``, read with pyreadr).

There are **no labelled Korean survey answers** offline, so nothing here is a trained or
evaluated Korean coder. What can be done honestly with the classification alone:

- :func:`ksic_tree` and :func:`ksic_hierarchy`: the 10th-revision tree (21 sections, 77
  divisions, 232 groups, 495 classes, 1,196 sub-classes) as a :class:`CodeHierarchy`;
- :class:`KsicRetriever`: Hangul normalisation and character n-gram TF-IDF retrieval of
  KSIC titles from free text, a candidate list for a human coder rather than a coder;
- :func:`ksic_concordance` and :func:`recode_ksic`: recoding between revisions, with
  one-to-many links kept explicit (and weights ``1/n`` only if the caller asks for them).

Examples
--------
>>> r = KsicRetriever()  # doctest: +SKIP
>>> r.search("빵 만드는 공장", k=1)["code"].iloc[0]  # doctest: +SKIP
'10711'
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer

from .hierarchy import CodeHierarchy, UnknownCodeError
from .text import check_texts, normalise_hangul

__all__ = [
    "KSIC_LEVELS",
    "KsicRetriever",
    "ksic_concordance",
    "ksic_hierarchy",
    "ksic_titles",
    "ksic_tree",
    "recode_ksic",
]

#: KSIC levels, coarsest first: 대분류, 중분류, 소분류, 세분류, 세세분류.
KSIC_LEVELS: tuple[str, ...] = ("section", "division", "group", "class", "sub-class")
_REVISIONS = {9: "C9", 10: "C10"}


def _rev(revision: int) -> str:
    if revision not in _REVISIONS:
        raise ValueError(f"KSIC revision must be 9 or 10, got {revision!r}")
    return _REVISIONS[revision]


@lru_cache(maxsize=4)
def _read(name: str) -> pd.DataFrame:
    import pyreadr

    from .. import data

    return next(iter(pyreadr.read_r(data.path(f"ksic/{name}.rda")).values()))


def ksic_titles(revision: int = 10) -> pd.DataFrame:
    """Every KSIC code of a revision with its Korean title and level.

    Returns
    -------
    pandas.DataFrame
        ``code``, ``title``, ``level`` (one of :data:`KSIC_LEVELS`), ``digits`` (1-5).
    """
    db = _read("ksicDB")
    db = db[db["ksic_C"] == _rev(revision)]
    out = pd.DataFrame(
        {
            "code": db["cd"].astype(str).to_numpy(),
            "title": db["nm"].astype(str).to_numpy(),
            "digits": db["digit"].astype(int).to_numpy(),
        }
    )
    out["level"] = [KSIC_LEVELS[d - 1] for d in out["digits"]]
    return out


def ksic_tree(revision: int = 10) -> pd.DataFrame:
    """One row per sub-class (5 digits) with its ancestors' codes and titles.

    Returns
    -------
    pandas.DataFrame
        Columns ``section``, ``division``, ``group``, ``class``, ``sub-class`` and the same
        with a ``_title`` suffix; indexed by nothing, sorted by sub-class.
    """
    t = _read("ksicTreeDB")
    t = t[t["ksic_C"] == _rev(revision)]
    out = pd.DataFrame()
    for i, level in enumerate(KSIC_LEVELS, start=1):
        out[level] = t[f"ksic{i}_cd"].astype(str).to_numpy()
        out[f"{level}_title"] = t[f"ksic{i}_nm"].astype(str).to_numpy()
    return out.drop_duplicates("sub-class").sort_values("sub-class").reset_index(drop=True)


def ksic_hierarchy(revision: int = 10) -> CodeHierarchy:
    """KSIC as a :class:`CodeHierarchy` over 5-digit sub-class codes (section letter looked up).

    Examples
    --------
    >>> ksic_hierarchy().ancestors("10711")  # doctest: +SKIP
    {'section': 'C', 'division': '10', 'group': '107', 'class': '1071', 'sub-class': '10711'}
    """
    tree = ksic_tree(revision)
    section = dict(zip(tree["sub-class"], tree["section"], strict=True))

    def rollup(code: str) -> tuple[str, ...]:
        return (section.get(code, "?"), code[:2], code[:3], code[:4], code)

    def validate(code: str) -> str | None:
        return None if code in section else f"not a KSIC {revision}th-revision sub-class (5 digits)"

    return CodeHierarchy(
        name=f"KSIC {revision}th revision",
        levels=KSIC_LEVELS,
        rollup=rollup,
        validate_code=validate,
        known_codes=frozenset(section),
    )


class KsicRetriever:
    """Find KSIC titles that match a free-text (Korean) answer by character n-grams.

    Each sub-class is indexed by its own title joined with its class and group titles, after
    :func:`~statmethods.autocode.text.normalise_hangul` (NFKC, no punctuation, no spaces).
    Queries are scored by cosine similarity of character 1-3-gram TF-IDF vectors.

    Parameters
    ----------
    revision : {9, 10}
    ngram_range : (int, int), default (1, 3)
    """

    def __init__(self, revision: int = 10, ngram_range: tuple[int, int] = (1, 3)) -> None:
        self.revision = revision
        self.tree = ksic_tree(revision)
        docs = self.tree["sub-class_title"] + " " + self.tree["class_title"] + " " + self.tree["group_title"]
        self.vectorizer = TfidfVectorizer(
            analyzer="char",
            ngram_range=ngram_range,
            sublinear_tf=True,
            preprocessor=normalise_hangul,
            lowercase=False,
        )
        self.matrix = self.vectorizer.fit_transform(docs.tolist())

    def search_many(self, queries: Sequence[str], k: int = 5) -> pd.DataFrame:
        """Top ``k`` sub-classes for each query.

        Returns
        -------
        pandas.DataFrame
            ``query`` (position), ``rank``, ``code``, ``title``, ``section`` and ``score`` (cosine).

        Raises
        ------
        EmptyAnswerError
            For empty or non-text queries.
        """
        check_texts(queries, name="queries")
        q = self.vectorizer.transform(list(queries))
        sims = (q @ self.matrix.T).toarray()
        rows = []
        for i, s in enumerate(sims):
            top = np.argsort(-s, kind="stable")[:k]
            for r, j in enumerate(top, start=1):
                rows.append(
                    {
                        "query": i,
                        "rank": r,
                        "code": self.tree["sub-class"].iat[j],
                        "title": self.tree["sub-class_title"].iat[j],
                        "section": self.tree["section"].iat[j],
                        "score": float(s[j]),
                    }
                )
        return pd.DataFrame(rows)

    def search(self, query: str, k: int = 5) -> pd.DataFrame:
        """Top ``k`` sub-classes for one query (see :meth:`search_many`)."""
        return self.search_many([query], k).drop(columns="query")


def ksic_concordance(from_revision: int = 9, to_revision: int = 10) -> pd.DataFrame:
    """The published concordance between KSIC revisions, one row per link.

    Returns
    -------
    pandas.DataFrame
        ``from_code``, ``from_title``, ``to_code``, ``to_title``, ``detail`` (published note),
        ``n_targets`` (links leaving ``from_code``), ``n_sources`` (links reaching ``to_code``)
        and ``link`` (``one-to-one``, ``one-to-many``, ``many-to-one`` or ``many-to-many``).
    """
    if {from_revision, to_revision} != {9, 10}:
        raise ValueError("only the 9th and 10th revisions are available: use (9, 10) or (10, 9)")
    c = _read("ksic_9_to_10")
    f, t = f"ksic{from_revision}", f"ksic{to_revision}"
    out = pd.DataFrame(
        {
            "from_code": c[f"{f}_cd"].astype(str),
            "from_title": c[f"{f}_nm"].astype(str),
            "to_code": c[f"{t}_cd"].astype(str),
            "to_title": c[f"{t}_nm"].astype(str),
            "detail": c["detail"].astype(str).str.strip(),
        }
    )
    out = (
        out.drop_duplicates(["from_code", "to_code"])
        .sort_values(["from_code", "to_code"])
        .reset_index(drop=True)
    )
    out["n_targets"] = out.groupby("from_code")["to_code"].transform("size")
    out["n_sources"] = out.groupby("to_code")["from_code"].transform("size")
    out["link"] = np.select(
        [(out["n_targets"] == 1) & (out["n_sources"] == 1), out["n_sources"] == 1, out["n_targets"] == 1],
        ["one-to-one", "one-to-many", "many-to-one"],
        "many-to-many",
    )
    return out


def recode_ksic(codes: Sequence[str], from_revision: int = 9, to_revision: int = 10) -> pd.DataFrame:
    """Recode sub-class codes between revisions, keeping every link of a one-to-many split.

    A 9th-revision code that was split returns several rows; ``weight`` is ``1/n_targets``, a
    neutral default for spreading counts when no better allocation (for example from dual-coded
    records) is known. ``ambiguous`` marks records that need a human or more information.

    Raises
    ------
    UnknownCodeError
        If a code is not a sub-class of ``from_revision``.

    Examples
    --------
    >>> recode_ksic(["01131"])[["code", "to_code", "weight"]].values.tolist()  # doctest: +SKIP
    [['01131', '01121', 0.5], ['01131', '01131', 0.5]]
    """
    conc = ksic_concordance(from_revision, to_revision)
    codes = [str(c).strip() for c in codes]
    unknown = sorted(set(codes) - set(conc["from_code"]))
    if unknown:
        raise UnknownCodeError(
            f"{len(unknown)} code(s) are not KSIC {from_revision}th-revision sub-classes: {unknown[:5]}. "
            "Check the revision or the code length (5 digits, leading zeros kept as text)."
        )
    links = conc.set_index("from_code")
    rows = []
    for i, c in enumerate(codes):
        sub = links.loc[[c]]
        for _, r in sub.iterrows():
            rows.append(
                {
                    "record": i,
                    "code": c,
                    "to_code": r["to_code"],
                    "to_title": r["to_title"],
                    "n_targets": int(r["n_targets"]),
                    "weight": 1.0 / r["n_targets"],
                    "ambiguous": bool(r["n_targets"] > 1),
                    "detail": r["detail"],
                }
            )
    return pd.DataFrame(rows)
