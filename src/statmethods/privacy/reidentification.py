"""Re-identification risk of a released microdata file: the ARX attacker models and a linkage attack.

Records are grouped into equivalence classes by their quasi-identifiers (suppressed records
are left out, as in :mod:`statmethods.privacy.anonymity`). With ``f_j`` records of class ``j``
in the release (``n`` records, ``J`` classes) and ``F_j`` people of that class in the
population (an outside file the attacker may hold), ARX (Prasser et al.) defines:

- **prosecutor** risk (the attacker knows the target is in the release): record risk ``1/f_j``;
  highest ``max 1/f_j``, average ``J / n``;
- **journalist** risk (the attacker knows only that the target is in the population):
  record risk ``1/F_j``; highest ``max 1/F_j`` over the classes in the release;
- **marketer** risk (the attacker re-identifies as many records as possible): the expected
  share re-identified, ``(1/n) sum_j f_j / F_j`` (``J / n`` without a population).

:func:`linkage_attack` carries out the attack the measures describe: it matches each released
record to the outside file on the quasi-identifiers and counts the unique matches that are
the right person.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._summary import Summary
from ..validation import BadInputError, unit_interval
from .anonymity import equivalence_classes
from .risk import check_keys

__all__ = ["LinkageAttackResult", "ReidentificationRisk", "linkage_attack", "reidentification_risk"]


def _class_frame(data: pd.DataFrame, keys: list[str], suppressed: str) -> pd.DataFrame:
    cls = equivalence_classes(data, keys, suppressed)
    return data.loc[cls.to_numpy() >= 0, keys].astype(str)


@dataclass(frozen=True)
class ReidentificationRisk:
    """Prosecutor, journalist and marketer risk of a release (ARX's definitions)."""

    keys: list[str]
    n_records: int
    n_classes: int
    prosecutor_highest: float
    prosecutor_average: float
    records_at_risk: float
    journalist_highest: float
    marketer: float
    threshold: float
    population: bool

    def table(self) -> pd.DataFrame:
        """One row per measure."""
        rows = {"prosecutor risk, highest": self.prosecutor_highest,
                "prosecutor risk, average": self.prosecutor_average,
                f"records with prosecutor risk > {self.threshold:g}": self.records_at_risk,
                "journalist risk, highest": self.journalist_highest,
                "marketer risk": self.marketer}
        return pd.DataFrame({"value": rows}).rename_axis("measure")

    def summary(self) -> Summary:
        """Counts and the risk table."""
        head = {"quasi-identifiers": ", ".join(self.keys), "records": f"{self.n_records:,}",
                "equivalence classes": f"{self.n_classes:,}",
                "population": "outside file" if self.population else "none (release = population)"}
        return Summary("Re-identification risk (ARX attacker models)", head, self.table().round(4))


def reidentification_risk(release: pd.DataFrame, keys: Sequence[str], population: pd.DataFrame | None = None,
                          *, threshold: float = 0.2, suppressed: str = "*") -> ReidentificationRisk:
    """Prosecutor, journalist and marketer risk of ``release`` on the quasi-identifiers ``keys``.

    Parameters
    ----------
    release
        The file to be released, quasi-identifiers already generalised.
    keys
        Quasi-identifiers.
    population
        The attacker's outside file, generalised the same way; without it the release is its
        own population (journalist = prosecutor, marketer = ``J / n``).
    threshold
        Record-level prosecutor risk above which a record counts as at risk.

    Examples
    --------
    >>> r = pd.DataFrame({"a": ["x", "x", "y"]})
    >>> p = pd.DataFrame({"a": ["x", "x", "x", "x", "y", "y"]})
    >>> risk = reidentification_risk(r, ["a"], p)
    >>> risk.prosecutor_highest, round(risk.prosecutor_average, 3), risk.journalist_highest
    (1.0, 0.667, 0.5)
    >>> round(risk.marketer, 4)
    0.3333
    """
    keys = check_keys(release, keys)
    unit_interval(threshold, "threshold")
    rel = _class_frame(release, keys, suppressed)
    if rel.empty:
        raise BadInputError("every record of the release is suppressed: no risk to measure. "
                            "Fix: release fewer suppressions, or nothing")
    f = rel.value_counts()
    n = int(f.sum())
    if population is not None:
        check_keys(population, keys)
        big_f = _class_frame(population, keys, suppressed).value_counts()
        big_f = big_f.reindex(f.index).fillna(0).to_numpy()
        big_f = np.maximum(big_f, f.to_numpy())       # the released people are in the population
    else:
        big_f = f.to_numpy()
    fj = f.to_numpy()
    return ReidentificationRisk(
        keys=keys, n_records=n, n_classes=len(f),
        prosecutor_highest=float(1 / fj.min()), prosecutor_average=float(len(f) / n),
        records_at_risk=float(fj[1 / fj > threshold].sum() / n), journalist_highest=float((1 / big_f).max()),
        marketer=float((fj / big_f).sum() / n), threshold=threshold, population=population is not None)


@dataclass(frozen=True)
class LinkageAttackResult:
    """Outcome of :func:`linkage_attack`: one row per released record."""

    matches: pd.DataFrame

    @property
    def share_unique(self) -> float:
        """Share of released records whose quasi-identifiers match exactly one outside record."""
        return float(self.matches["unique"].mean()) if len(self.matches) else 0.0

    @property
    def share_reidentified(self) -> float:
        """Share of released records matched uniquely to the right person."""
        return float(self.matches["reidentified"].mean()) if len(self.matches) else 0.0

    def table(self) -> pd.DataFrame:
        """Counts and shares."""
        m = self.matches
        return pd.DataFrame({"records": [len(m), int(m["unique"].sum()), int(m["reidentified"].sum())],
                             "share": [1.0, self.share_unique, self.share_reidentified]},
                            index=["released", "unique match in the outside file", "re-identified"])

    def summary(self) -> Summary:
        """The attack's table."""
        return Summary("Linkage attack with an outside file", {}, self.table().round(4))


def linkage_attack(release: pd.DataFrame, outside: pd.DataFrame, keys: Sequence[str], *,
                   release_person: str, outside_person: str, suppressed: str = "*") -> LinkageAttackResult:
    """Match released records to an outside file on ``keys``; count the right unique matches.

    ``release_person`` and ``outside_person`` hold the true person (for evaluation only: the
    attacker does not see the release's). Suppressed released records never match.

    Examples
    --------
    >>> rel = pd.DataFrame({"a": ["x", "y", "z"], "who": [1, 2, 3]})
    >>> out = pd.DataFrame({"a": ["x", "y", "y", "z"], "who": [1, 2, 4, 9]})
    >>> res = linkage_attack(rel, out, ["a"], release_person="who", outside_person="who")
    >>> res.share_unique, round(res.share_reidentified, 3)
    (0.6666666666666666, 0.333)
    """
    keys = check_keys(release, keys)
    check_keys(outside, keys)
    for name, df, col in (("release_person", release, release_person),
                          ("outside_person", outside, outside_person)):
        if col not in df.columns:
            raise BadInputError(f"{name} {col!r} is not a column. "
                                "Fix: name the column holding the true person")
    o = outside[keys].astype(str).assign(_who=outside[outside_person].to_numpy())
    counts = o.groupby(keys, dropna=False).agg(_n=("_who", "size"), _who=("_who", "first")).reset_index()
    r = release[keys].astype(str).assign(_true=release[release_person].to_numpy(),
                                         _row=np.arange(len(release)))
    m = r.merge(counts, on=keys, how="left")
    sup = (release[keys].isna() | (release[keys].astype(str) == suppressed)).all(axis=1).to_numpy()
    m = m.sort_values("_row")
    unique = (m["_n"] == 1).to_numpy() & ~sup
    right = unique & (m["_who"].to_numpy() == m["_true"].to_numpy())
    return LinkageAttackResult(pd.DataFrame({"unique": unique, "reidentified": right}, index=release.index))
