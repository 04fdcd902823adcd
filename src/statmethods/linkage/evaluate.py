"""Linkage quality: precision, recall and F1 (with Wilson intervals), curves, B-cubed, review band."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._summary import Summary
from ..results import EstimateResult
from ..validation import z_quantile


def wilson_interval(k: float, n: float, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of a binomial proportion ``k / n`` (NaN when ``n`` is 0).

    Examples
    --------
    >>> [round(float(x), 4) for x in wilson_interval(8, 10)]
    [0.4902, 0.9433]
    """
    if n == 0:
        return (np.nan, np.nan)
    z = z_quantile(confidence)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (centre - half, centre + half)


@dataclass(frozen=True)
class LinkageMetrics(EstimateResult):
    """Precision, recall and F1 of a set of declared links against the truth.

    ``se`` is binomial for precision (over declared links) and recall (over true matches).
    ``conf_int`` overrides the base's normal interval with the Wilson interval: precision and
    recall sit near 1, where ``p ± z se`` passes 1 and collapses to a point when p = 1. F1 has
    no interval here (NaN).
    """

    tp: int
    fp: int
    fn: int
    threshold: float | None = None
    confidence: float = 0.95

    @property
    def estimates(self) -> pd.Series:
        """Precision, recall and F1."""
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else np.nan
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else np.nan
        f = 2 * p * r / (p + r) if p + r else np.nan
        return pd.Series({"precision": p, "recall": r, "f1": f})

    @property
    def se(self) -> pd.Series:
        """Binomial standard errors of precision and recall."""
        e = self.estimates
        n_p, n_r = self.tp + self.fp, self.tp + self.fn
        sp = np.sqrt(e["precision"] * (1 - e["precision"]) / n_p) if n_p else np.nan
        return pd.Series({"precision": sp,
                          "recall": np.sqrt(e["recall"] * (1 - e["recall"]) / n_r) if n_r else np.nan,
                          "f1": np.nan})

    title = "Linkage quality against the truth"

    def conf_int(self, confidence: float | None = None) -> pd.DataFrame:
        """Wilson intervals for precision and recall (override: see the class docstring)."""
        c = self.confidence if confidence is None else confidence
        rows = {"precision": wilson_interval(self.tp, self.tp + self.fp, c),
                "recall": wilson_interval(self.tp, self.tp + self.fn, c), "f1": (np.nan, np.nan)}
        return pd.DataFrame(rows, index=["lower", "upper"]).T

    def summary(self) -> Summary:
        """Counts and the rounded metric table (override: adds the counts and the interval note)."""
        head = {"true positives": f"{self.tp:,}", "false positives": f"{self.fp:,}",
                "false negatives": f"{self.fn:,}"}
        if self.threshold is not None:
            head["threshold"] = f"{self.threshold:g}"
        return Summary(self.title, head, self.table().round(4),
                       [f"Wilson {self.confidence:.0%} intervals for precision and recall."])


def pairs_key(id_l: Iterable, id_r: Iterable, *, ordered: bool = True) -> pd.Index:
    """A pair index; ``ordered=False`` treats ``(a, b)`` and ``(b, a)`` as one (deduplication)."""
    a, b = np.asarray(list(id_l), dtype=object), np.asarray(list(id_r), dtype=object)
    if not ordered:
        swap = a.astype(str) > b.astype(str)
        a, b = np.where(swap, b, a), np.where(swap, a, b)
    return pd.MultiIndex.from_arrays([a, b])


def pair_metrics(predicted: pd.DataFrame, true_pairs: pd.DataFrame, *, threshold: float | None = None,
                 ordered: bool = True) -> LinkageMetrics:
    """Compare declared links (``id_l``, ``id_r``) with the true matching pairs.

    Examples
    --------
    >>> pred = pd.DataFrame({"id_l": [1, 2, 3], "id_r": [10, 20, 99]})
    >>> truth = pd.DataFrame({"id_l": [1, 2, 4], "id_r": [10, 20, 40]})
    >>> pair_metrics(pred, truth).estimates.round(3).tolist()
    [0.667, 0.667, 0.667]
    """
    p = pairs_key(predicted["id_l"], predicted["id_r"], ordered=ordered).unique()
    t = pairs_key(true_pairs["id_l"], true_pairs["id_r"], ordered=ordered).unique()
    tp = len(p.intersection(t))
    return LinkageMetrics(tp, len(p) - tp, len(t) - tp, threshold)


def pr_curve(scores: pd.DataFrame, is_match: np.ndarray | pd.Series, n_true: int, *,
             score: str = "match_probability", thresholds: Iterable[float] | None = None) -> pd.DataFrame:
    """Precision, recall and F1 of ``score >= t`` for each threshold ``t``.

    ``n_true`` counts all true matches, including those blocking never compared, so recall is
    honest about blocking losses.

    Examples
    --------
    >>> s = pd.DataFrame({"match_probability": [0.9, 0.8, 0.3]})
    >>> cur = pr_curve(s, np.array([True, False, True]), 2, thresholds=[0.5])
    >>> cur[["precision", "recall"]].values.tolist()
    [[0.5, 0.5]]
    """
    sc = scores[score].to_numpy()
    y = np.asarray(is_match, dtype=bool)
    ts = np.unique(sc) if thresholds is None else np.asarray(list(thresholds), dtype=float)
    order = np.argsort(-sc, kind="stable")
    sc_sorted, y_sorted = sc[order], y[order]
    ctp = np.concatenate([[0], np.cumsum(y_sorted)])
    rows = []
    for t in ts:
        k = int(np.searchsorted(-sc_sorted, -t, side="right"))   # number with score >= t
        tp = int(ctp[k])
        prec = tp / k if k else np.nan
        rec = tp / n_true if n_true else np.nan
        f1 = 2 * prec * rec / (prec + rec) if k and prec + rec else np.nan
        rows.append({"threshold": float(t), "declared": k, "tp": tp, "precision": prec, "recall": rec,
                     "f1": f1})
    return pd.DataFrame(rows)


def bcubed(predicted: pd.Series, truth: pd.Series) -> pd.Series:
    """B-cubed precision, recall and F1 of a clustering (Bagga and Baldwin 1998).

    For each record, precision is the share of its predicted cluster that truly belongs with it,
    recall the share of its true cluster that was put with it; both are averaged over records.

    Parameters
    ----------
    predicted, truth
        Cluster labels indexed by record id (same index).

    Examples
    --------
    >>> t = pd.Series([1, 1, 2, 2])
    >>> bcubed(pd.Series([1, 1, 1, 2]), t).round(3).tolist()
    [0.667, 0.75, 0.706]
    """
    df = pd.DataFrame({"p": predicted.to_numpy(), "t": truth.reindex(predicted.index).to_numpy()})
    both = df.groupby(["p", "t"]).size().rename("n").reset_index()
    size_p = df.groupby("p").size()
    size_t = df.groupby("t").size()
    both["prec"] = both["n"] / both["p"].map(size_p)
    both["rec"] = both["n"] / both["t"].map(size_t)
    n = len(df)
    p = float((both["n"] * both["prec"]).sum() / n)
    r = float((both["n"] * both["rec"]).sum() / n)
    return pd.Series({"precision": p, "recall": r, "f1": 2 * p * r / (p + r)})


def cluster_pairs(labels: pd.Series) -> pd.DataFrame:
    """All within-cluster record pairs (``id_l < id_r``) of a labelling indexed by record id.

    Examples
    --------
    >>> cluster_pairs(pd.Series(["a", "a", "b"], index=[3, 1, 2])).values.tolist()
    [[1, 3]]
    """
    df = pd.DataFrame({"id": labels.index, "c": labels.to_numpy()})
    m = df.merge(df, on="c", suffixes=("_l", "_r"))
    m = m[m["id_l"].astype(str) < m["id_r"].astype(str)]
    return m[["id_l", "id_r"]].sort_values(["id_l", "id_r"]).reset_index(drop=True)


def review_band(scores: pd.DataFrame, lower: float, upper: float, *,
                score: str = "match_probability") -> pd.Series:
    """Decision per pair: ``link`` (score >= upper), ``review`` (lower <= score < upper), ``non-link``.

    Examples
    --------
    >>> review_band(pd.DataFrame({"match_probability": [0.99, 0.5, 0.01]}), 0.1, 0.9).tolist()
    ['link', 'review', 'non-link']
    """
    if not 0 <= lower <= upper <= 1:
        raise ValueError(f"review band [{lower}, {upper}) must satisfy 0 <= lower <= upper <= 1. "
                         "Fix: give a lower bound below the upper one")
    s = scores[score].to_numpy()
    return pd.Series(np.where(s >= upper, "link", np.where(s >= lower, "review", "non-link")),
                     index=scores.index, name="decision")
