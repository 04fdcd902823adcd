"""Korean Standard Industrial Classification (KSIC): code tree, title retrieval and 9↔10 recoding.

Data: the KSIC 9th (2008) and 10th (2017) revisions and their concordance as published by
Statistics Korea; :mod:`statmethods.sources.ksic` reads them into tables (``read_ksic_titles``,
``read_ksic_tree``, ``read_ksic_links``), and the functions here take those tables.

There are **no labelled Korean survey answers** offline, so nothing here is a trained or
evaluated Korean coder. What can be done honestly with the classification alone:

- :func:`ksic_hierarchy`: the 10th-revision tree (21 sections, 77 divisions, 232 groups,
  495 classes, 1,196 sub-classes) as a :class:`CodeHierarchy`;
- :class:`KsicRetriever`: Hangul normalisation and character n-gram TF-IDF retrieval of
  KSIC titles from free text, a candidate list for a human coder rather than a coder;
- :func:`ksic_concordance` and :func:`recode_ksic`: recoding between revisions, with
  one-to-many links kept explicit (and weights ``1/n`` only if the caller asks for them).

Examples
--------
>>> from statmethods.sources.ksic import read_ksic_tree
>>> r = KsicRetriever(read_ksic_tree(10))
>>> r.search("곡물 및 기타 식량작물 재배업", k=1)["code"].iloc[0]
'01110'
"""

from __future__ import annotations

from collections.abc import Sequence

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
    "recode_ksic",
]

#: KSIC levels, coarsest first: 대분류, 중분류, 소분류, 세분류, 세세분류.
KSIC_LEVELS: tuple[str, ...] = ("section", "division", "group", "class", "sub-class")
def ksic_hierarchy(tree: pd.DataFrame, revision: int = 10) -> CodeHierarchy:
    """KSIC as a :class:`CodeHierarchy` over 5-digit sub-class codes (section letter looked up).

    Parameters
    ----------
    tree : pandas.DataFrame
        One row per sub-class with its section, as :func:`statmethods.sources.ksic.read_ksic_tree`
        returns it.
    revision : int
        The revision of ``tree`` (named in the hierarchy and its messages).

    Examples
    --------
    >>> tree = pd.DataFrame({"section": ["C"], "sub-class": ["10711"]})
    >>> ksic_hierarchy(tree).ancestors("10711")
    {'section': 'C', 'division': '10', 'group': '107', 'class': '1071', 'sub-class': '10711'}
    """
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
    tree : pandas.DataFrame
        The sub-classes with their titles and ancestors, as
        :func:`statmethods.sources.ksic.read_ksic_tree` returns them.
    ngram_range : (int, int), default (1, 3)
    """

    def __init__(self, tree: pd.DataFrame, ngram_range: tuple[int, int] = (1, 3)) -> None:
        self.tree = tree.reset_index(drop=True)
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


def ksic_concordance(links: pd.DataFrame, from_revision: int = 9, to_revision: int = 10) -> pd.DataFrame:
    """The published concordance between KSIC revisions, one row per link, with the link type.

    Parameters
    ----------
    links : pandas.DataFrame
        The published links, as :func:`statmethods.sources.ksic.read_ksic_links` returns them
        (``ksic9_code``, ``ksic9_title``, ``ksic10_code``, ``ksic10_title``, ``detail``).
    from_revision, to_revision : int
        ``(9, 10)`` or ``(10, 9)``.

    Returns
    -------
    pandas.DataFrame
        ``from_code``, ``from_title``, ``to_code``, ``to_title``, ``detail`` (published note),
        ``n_targets`` (links leaving ``from_code``), ``n_sources`` (links reaching ``to_code``)
        and ``link`` (``one-to-one``, ``one-to-many``, ``many-to-one`` or ``many-to-many``).
        ``attrs["from_revision"]`` and ``attrs["to_revision"]`` record the direction.

    Examples
    --------
    >>> links = pd.DataFrame({"ksic9_code": ["01131", "01131"], "ksic9_title": ["과실", "과실"],
    ...                       "ksic10_code": ["01121", "01131"], "ksic10_title": ["채소", "과실"],
    ...                       "detail": ["딸기", ""]})
    >>> ksic_concordance(links)["link"].tolist()
    ['one-to-many', 'one-to-many']
    """
    if {from_revision, to_revision} != {9, 10}:
        raise ValueError("only the 9th and 10th revisions are available: use (9, 10) or (10, 9)")
    f, t = f"ksic{from_revision}", f"ksic{to_revision}"
    out = pd.DataFrame(
        {
            "from_code": links[f"{f}_code"].astype(str),
            "from_title": links[f"{f}_title"].astype(str),
            "to_code": links[f"{t}_code"].astype(str),
            "to_title": links[f"{t}_title"].astype(str),
            "detail": links["detail"].astype(str).str.strip(),
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
    out.attrs.update(from_revision=from_revision, to_revision=to_revision)
    return out


def recode_ksic(codes: Sequence[str], concordance: pd.DataFrame) -> pd.DataFrame:
    """Recode sub-class codes between revisions, keeping every link of a one-to-many split.

    ``concordance`` is the table of :func:`ksic_concordance` in the wanted direction.

    A 9th-revision code that was split returns several rows; ``weight`` is ``1/n_targets``, a
    neutral default for spreading counts when no better allocation (for example from dual-coded
    records) is known. ``ambiguous`` marks records that need a human or more information.

    Raises
    ------
    UnknownCodeError
        If a code is not a sub-class of ``from_revision``.

    Examples
    --------
    >>> from statmethods.sources.ksic import read_ksic_links
    >>> conc = ksic_concordance(read_ksic_links(), 9, 10)
    >>> recode_ksic(["01131"], conc)[["code", "to_code", "weight"]].values.tolist()
    [['01131', '01121', 0.5], ['01131', '01131', 0.5]]
    """
    conc = concordance
    codes = [str(c).strip() for c in codes]
    unknown = sorted(set(codes) - set(conc["from_code"]))
    if unknown:
        rev = conc.attrs.get("from_revision")
        source = f"KSIC {rev}th-revision" if rev else "source-revision"
        raise UnknownCodeError(
            f"{len(unknown)} code(s) are not {source} sub-classes: {unknown[:5]}. "
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
