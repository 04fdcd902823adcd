"""Output checking: the rules a secure data centre applies to research outputs before they leave.

A researcher works on confidential microdata inside a secure zone (safe setting) and asks to take
tables, statistics, models and figures out. Each output is checked against rules whose
thresholds are parameters (:class:`Rules`), and gets a verdict, as ACRO reports it
(Green et al. 2025, the SACRO tools): ``pass``, ``fail`` or ``review`` (a person must look),
with the reason and a suggested fix: ``suppress`` the cells, ``recode`` (merge categories, wider
bins, fewer covariates) or ``round``.

The rules (SACRO guide; Hundepool et al. 2012, chapter 4):

- **threshold**: a cell, group, bin or area with ``0 < n < threshold`` units fails;
- **zero and full cells** (class disclosure): a zero cell says that nobody in the group has the
  attribute, a full cell that everyone has it; both fail when ``zeros_disclosive``;
- **dominance**: a magnitude cell whose ``nk_n`` largest contributions exceed ``nk_k`` % of
  it fails, and so does a cell that fails the **p% rule** (the total less the two largest is
  under ``p_percent`` % of the largest); negative contributions send it to review;
- **degrees of freedom**: a model with fewer than ``min_dof`` residual degrees of freedom fails;
- **percentiles and extreme values**: a percentile with fewer than ``threshold`` units on
  either side, and a maximum or minimum held by fewer than ``threshold`` units, fail;
- **differencing**: of two count tables on the same cells whose difference has a cell with
  ``0 < |d| < threshold``, the later one fails (withhold it), even when each passes alone.

A failing table is released with its failing cells suppressed *and* the secondary cells that
:func:`statmethods.privacy.secondary_suppression` adds, so that no suppressed cell can be
recovered from the margins or from the other cells.

The minimum-frequency, dominance and p% rules are those of :mod:`statmethods.privacy.tables`.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import validation
from .._summary import Summary
from .suppression import secondary_suppression
from .tables import Table, dominance_rule, frequency_rule, p_percent_rule

__all__ = ["RULE_SOURCES", "Finding", "OutputChecker", "Rules", "Verdict"]

STATUSES = ("pass", "review", "fail")

#: The rules' defaults: SACRO (ACRO's ``default.yaml``) and the statistics office's value.
RULE_SOURCES = pd.DataFrame([
    ("minimum threshold (units per cell)", "threshold", 10, 3,
     "ACRO default.yaml safe_threshold; SACRO guide",
     "Statistics Korea publishes no frequency of 1 or 2 in SGIS tables (SRI research note on SGIS "
     "frequency-table protection); the data centre's own output rule is not documented offline"),
    ("dominance: largest n contributions", "nk_n", 2, 2, "ACRO default.yaml safe_nk_n",
     "not documented offline: SACRO value"),
    ("dominance: share k (%)", "nk_k", 90.0, 90.0, "ACRO default.yaml safe_nk_k = 0.90",
     "not documented offline: SACRO value"),
    ("p% rule (%)", "p_percent", 10.0, 10.0, "ACRO default.yaml safe_pratio_p = 0.10",
     "not documented offline: SACRO value"),
    ("minimum residual degrees of freedom", "min_dof", 10, 10, "ACRO default.yaml safe_dof_threshold",
     "not documented offline: SACRO value"),
    ("zero and full cells are disclosive", "zeros_disclosive", True, True,
     "ACRO default.yaml zeros_are_disclosive", "not documented offline: SACRO value"),
    ("rounding base (the 'round' fix)", "round_base", 5, 5, "ACRO SAFE_ROUND_BASE",
     "not documented offline: SACRO value"),
], columns=["rule", "parameter", "sacro", "office", "source_sacro", "source_office"])


@dataclass(frozen=True)
class Rules:
    """Thresholds of the output-checking rules (defaults: SACRO; ``Rules.preset("office")``).

    Examples
    --------
    >>> Rules().threshold, Rules.preset("office").threshold
    (10, 3)
    """

    threshold: int = 10
    nk_n: int = 2
    nk_k: float = 90.0
    p_percent: float = 10.0
    min_dof: int = 10
    zeros_disclosive: bool = True
    round_base: int = 5

    def __post_init__(self) -> None:
        validation.positive_int(self.threshold, "threshold")
        validation.positive_int(self.nk_n, "nk_n")
        validation.positive_int(self.min_dof, "min_dof")
        validation.positive_int(self.round_base, "round_base")
        for name in ("nk_k", "p_percent"):
            v = validation.positive(getattr(self, name), name)
            if v > 100:
                validation.fail(name, f"is a percentage and must be at most 100, got {v!r}",
                                "give a value such as 90 (not 0.9 and not 900)")
        if not isinstance(self.zeros_disclosive, bool):
            validation.fail("zeros_disclosive", f"must be true or false, got {self.zeros_disclosive!r}",
                            "give true or false")

    @classmethod
    def preset(cls, name: str) -> Rules:
        """The ``"sacro"`` or ``"office"`` column of :data:`RULE_SOURCES`."""
        validation.choice(name, "rule_set", ["sacro", "office"])
        return cls(**{p: (v.item() if hasattr(v, "item") else v)
                      for p, v in zip(RULE_SOURCES.parameter, RULE_SOURCES[name], strict=True)})


@dataclass(frozen=True)
class Finding:
    """One rule that an output breaks: where, why, and what to do."""

    rule: str
    status: str
    where: str
    reason: str
    fix: str


@dataclass
class Verdict:
    """The verdict on one output: ``pass``, ``review`` or ``fail``, with the findings behind it."""

    output: str
    kind: str
    findings: list[Finding] = field(default_factory=list)
    value: pd.DataFrame | None = None
    cells: pd.Series | None = None  # unit counts by cell, for the differencing check
    table_: Table | None = None  # the table behind a table output, for secondary suppression

    @property
    def status(self) -> str:
        found = {f.status for f in self.findings}
        return "fail" if "fail" in found else "review" if "review" in found else "pass"

    def reason(self) -> str:
        if not self.findings:
            return "all rules pass"
        by_rule: dict[str, list[str]] = {}
        for f in self.findings:
            by_rule.setdefault(f.rule, []).append(f.where)
        parts = []
        for rule, where in by_rule.items():
            first = next(f for f in self.findings if f.rule == rule)
            more = f" and {len(where) - 1} more" if len(where) > 1 else ""
            parts.append(f"{first.reason} ({where[0]}{more})")
        return "; ".join(parts)

    def fix(self) -> str:
        fixes = list(dict.fromkeys(f.fix for f in self.findings))
        # "recode" is said by "suppress or recode"
        fixes = [f for f in fixes if not any(f != g and f in g for g in fixes)]
        return "none" if not fixes else ", ".join(fixes)

    def released(self, mitigation: str = "suppress", base: int = 5) -> pd.DataFrame | None:
        """What may leave: the output with failing cells suppressed (or counts rounded), else nothing.

        A table keeps its passing cells; failing cells and the secondary cells that protect them
        are ``NaN`` (``suppress``). Other outputs leave whole only when they pass; so does a table
        with zero or full cells, negative contributions or a differencing finding, whose fix is
        to recode or withhold it, not to suppress cells.
        """
        validation.choice(mitigation, "mitigation", ["suppress", "round"])
        if self.status == "pass":
            return self.value
        withheld = {"differencing", "zero", "full", "negative"}  # fixed by recoding, not by suppression
        if (self.value is None or self.table_ is None or self.status == "review"
                or any(f.rule in withheld for f in self.findings)):
            return None
        if mitigation == "round" and self.kind in ("frequency", "map", "histogram"):
            return (np.round(self.value / base) * base).astype(float)
        failing = {f.where for f in self.findings if f.status == "fail"}
        t = self.table_
        one_way = list(t.col_hierarchy) == ["Total"] and len(t.col_hierarchy["Total"]) == 1
        labels = [_cell(r, "" if one_way else c) for r, c in zip(t.cells.row, t.cells.col, strict=True)]
        primary = [i for i, (lab, c) in enumerate(zip(labels, t.cells.col, strict=True))
                   if lab in failing and not (one_way and c == "Total")]
        try:
            status = secondary_suppression(t, primary, max_cuts=50).status
        except ValueError:  # no protected pattern found: the table stays inside
            return None
        out = self.value.astype(float).copy()
        for (r, c), st in zip(zip(t.cells.row, t.cells.col, strict=True), status, strict=True):
            col = out.columns[0] if one_way else c
            inside = r in out.index and col in out.columns and not (one_way and c == "Total")
            if st != "publishable" and inside:
                out.loc[r, col] = np.nan
        return out


def _cell(r: object, c: object) -> str:
    return f"{r}" if c in ("", None) else f"{r} x {c}"


def _count_table(w: pd.DataFrame) -> Table:
    """A tabulated count table with its margins, as a :class:`Table` (for secondary suppression)."""
    rows, cols = [str(r) for r in w.index], [str(c) for c in w.columns]
    v = w.to_numpy(float)
    long = [(r, c, v[i, j]) for i, r in enumerate(rows) for j, c in enumerate(cols)]
    long += [("Total", c, v[:, j].sum()) for j, c in enumerate(cols)]
    long += [(r, "Total", v[i].sum()) for i, r in enumerate(rows)] + [("Total", "Total", v.sum())]
    cells = pd.DataFrame(long, columns=["row", "col", "value"])
    return Table.from_cells(cells, "row", "col", "value", Table.flat(rows), Table.flat(cols))


def _one_way(data: pd.DataFrame, col: str | None) -> tuple[pd.DataFrame, str]:
    if col is not None:
        return data, col
    return data.assign(_all_="all"), "_all_"


class OutputChecker:
    """A secure-zone session: each call tabulates or fits an output and checks it; see the module.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"region": ["A"] * 12 + ["B"] * 3, "sex": ["m", "f"] * 7 + ["m"]})
    >>> chk = OutputChecker(Rules(threshold=5))
    >>> chk.frequency("sex by region", d, "region", "sex").status
    'fail'
    >>> chk.report().loc[0, "fix"]
    'suppress or recode'
    """

    def __init__(self, rules: Rules | None = None) -> None:
        self.rules = rules if rules is not None else Rules()
        if not isinstance(self.rules, Rules):
            validation.fail("rules", f"must be a Rules object, got {type(rules).__name__}",
                            "give Rules(...) or Rules.preset('sacro')")
        self.verdicts: dict[str, Verdict] = {}

    def _add(self, v: Verdict) -> Verdict:
        if v.output in self.verdicts:
            validation.fail("name", f"{v.output!r} is already checked in this session",
                            "give each output its own name")
        self.verdicts[v.output] = v
        return v

    @staticmethod
    def _columns(data: pd.DataFrame, *cols: str | None) -> None:
        if not isinstance(data, pd.DataFrame) or data.empty:
            validation.fail("data", "must be a non-empty DataFrame", "give the microdata of the output")
        missing = [c for c in cols if c is not None and c not in data.columns]
        if missing:
            validation.fail("data", f"has no column(s) {', '.join(map(repr, missing))}",
                            f"use columns of the data ({', '.join(map(str, data.columns[:12]))})")

    # -- count outputs -----------------------------------------------------------------------
    def _count_findings(self, wide: pd.DataFrame, unit: str = "cell") -> list[Finding]:
        r, out = self.rules, []
        for (row, col), n in wide.stack().items():
            where = _cell(row, col if wide.shape[1] > 1 else "")
            if 0 < n < r.threshold:
                out.append(Finding("threshold", "fail", where,
                                   f"{unit} with fewer than {r.threshold} units", "suppress or recode"))
            elif n == 0 and r.zeros_disclosive and wide.shape[1] > 1:
                out.append(Finding("zero", "fail", where, "zero cell: nobody in the group has this "
                                   "value (class disclosure)", "recode"))
        if r.zeros_disclosive and wide.shape[1] > 1:
            for row, vals in wide.iterrows():
                if vals.sum() > 0 and (vals == vals.sum()).sum() == 1:
                    col = vals.idxmax()
                    out.append(Finding("full", "fail", _cell(row, col), "full cell: every unit of the "
                                       "group has this value (class disclosure)", "recode"))
        return out

    def counts(self, name: str, wide: pd.DataFrame | pd.Series, kind: str = "frequency") -> Verdict:
        """Check a table of unit counts that is already tabulated (rows x columns, no margins)."""
        validation.choice(kind, "kind", ["frequency", "map", "histogram"])
        w = (wide.to_frame(wide.name or "n") if isinstance(wide, pd.Series) else wide).copy()
        w.index, w.columns = w.index.map(str), w.columns.map(str)
        v = w.to_numpy(dtype=float)
        if v.size == 0 or not np.all(np.isfinite(v)) or np.any(v < 0) or np.any(v != np.round(v)):
            validation.fail("counts", f"of output {name!r} must be non-negative whole numbers",
                            "give unit counts, not shares or weighted totals")
        unit = {"frequency": "cell", "map": "area", "histogram": "bin"}[kind]
        findings = self._count_findings(w, unit) if kind != "histogram" else [
            f for f in self._count_findings(w, unit) if f.rule == "threshold"]
        cells = w.stack()
        one_way = w.shape[1] == 1
        cells.index = [_cell(a, "" if one_way else b) for a, b in cells.index]
        return self._add(Verdict(name, kind, findings, w, cells.astype(float), _count_table(w)))

    def frequency(self, name: str, data: pd.DataFrame, row: str, col: str | None = None) -> Verdict:
        """A frequency table of ``row`` (x ``col``) from microdata, with its margins."""
        self._columns(data, row, col)
        d, c = _one_way(data, col)
        t = Table.from_microdata(d, row, c)
        wide = t.wide("count")
        inner = wide.drop(index="Total").drop(columns="Total") if col is not None else \
            wide.drop(index="Total")[["all"]]
        findings = self._count_findings(inner)
        sens = frequency_rule(t, self.rules.threshold).sensitive
        for (rr, cc), s in zip(zip(t.cells.row, t.cells.col, strict=True), sens, strict=True):
            if s and (rr == "Total" or cc == "Total") and col is not None:
                findings.append(Finding("threshold", "fail", _cell(rr, cc),
                                        f"cell with fewer than {self.rules.threshold} units",
                                        "suppress or recode"))
        value = wide if col is not None else wide[["all"]].rename(columns={"all": "n"})
        cells = inner.stack()
        cells.index = [_cell(a, b if col is not None else "") for a, b in cells.index]
        return self._add(Verdict(name, "frequency", findings, value, cells.astype(float), t))

    # -- magnitude outputs ---------------------------------------------------------------------
    def magnitude(self, name: str, data: pd.DataFrame, row: str, value: str, col: str | None = None,
                  statistic: str = "sum") -> Verdict:
        """A table of sums, means or shares of ``value`` by ``row`` (x ``col``)."""
        validation.choice(statistic, "statistic", ["sum", "mean", "share"])
        self._columns(data, row, col, value)
        if not pd.api.types.is_numeric_dtype(data[value]) or not np.all(np.isfinite(data[value])):
            validation.fail("value", f"column {value!r} must be numeric with no missing values",
                            "drop or impute the missing values first")
        d, c = _one_way(data, col)
        t = Table.from_microdata(d, row, c, value)
        r = self.rules
        cells = t.cells.assign(label=[_cell(a, b if col is not None else "")
                                      for a, b in zip(t.cells.row, t.cells.col, strict=True)])
        keep = (cells.col != "Total").to_numpy() if col is None else np.ones(len(cells), bool)
        findings = []
        rules = [(frequency_rule(t, r.threshold), "threshold", f"cell with fewer than {r.threshold} "
                  "contributors", "suppress or recode"),
                 (dominance_rule(t, r.nk_n, r.nk_k), "dominance", f"the {r.nk_n} largest contributors "
                  f"make more than {r.nk_k:g}% of the cell", "suppress or recode"),
                 (p_percent_rule(t, r.p_percent), "p%", f"the cell less its two largest contributions "
                  f"is under {r.p_percent:g}% of the largest", "suppress or recode")]
        for res, rule, reason, fix in rules:
            findings += [Finding(rule, "fail", lab, reason, fix) for lab in cells.label[res.sensitive & keep]]
        keys = zip(t.cells.row, t.cells.col, strict=True)
        neg = [lab for lab, key, k in zip(cells.label, keys, keep, strict=True)
               if k and np.any(t.contributions[key] < 0)]
        findings += [Finding("negative", "review", lab, "negative contributions: the dominance rules "
                             "assume non-negative values", "review") for lab in neg]
        if col is not None:  # class disclosure from the counts behind the cells
            counts = t.wide("count").drop(index="Total").drop(columns="Total")
            findings += [f for f in self._count_findings(counts) if f.rule in ("zero", "full")]
        wide = t.wide("value")
        if statistic == "mean":
            wide = wide / t.wide("count").replace(0, np.nan)
        elif statistic == "share":
            wide = 100 * wide / wide.loc["Total", "Total"]
        if col is None:
            wide = wide[["all"]].rename(columns={"all": statistic})
        return self._add(Verdict(name, "magnitude", findings, wide, table_=t))

    def extremes(self, name: str, data: pd.DataFrame, group: str, value: str,
                 statistic: str = "max") -> Verdict:
        """Maxima (or minima) of ``value`` by ``group``: each is a unit's own value unless shared."""
        validation.choice(statistic, "statistic", ["max", "min"])
        self._columns(data, group, value)
        findings, rows = [], {}
        for g, x in data.groupby(group, sort=True)[value]:
            ext = x.max() if statistic == "max" else x.min()
            held = int((x == ext).sum())
            rows[g] = ext
            if held < self.rules.threshold:
                findings.append(Finding("extreme", "fail", str(g), f"the {statistic}imum is the value of "
                                        f"{held} unit(s), fewer than {self.rules.threshold}",
                                        "suppress, or recode (top-code; report a percentile)"))
        return self._add(Verdict(name, "extreme", findings, pd.Series(rows, name=statistic).to_frame()))

    def percentiles(self, name: str, values: Sequence[float] | pd.Series, q: Sequence[float]) -> Verdict:
        """Percentiles ``q`` (in %): each needs ``threshold`` units strictly below and above it."""
        x = np.asarray(values, float)
        x = x[np.isfinite(x)]
        qs = [float(v) for v in q]
        if x.size == 0 or not qs or any(not 0 <= v <= 100 for v in qs):
            validation.fail("q", f"must be percentages in [0, 100] of non-empty values, got {list(q)!r}",
                            "give values such as [10, 50, 90]")
        findings, rows = [], {}
        for v in qs:
            p = float(np.percentile(x, v))
            below, above = int((x < p).sum()), int((x > p).sum())
            rows[f"p{v:g}"] = p
            if min(below, above) < self.rules.threshold:
                rule = "extreme" if v in (0.0, 100.0) else "percentile"
                findings.append(Finding(rule, "fail", f"p{v:g}", f"{min(below, above)} unit(s) lie beyond "
                                        f"the percentile, fewer than {self.rules.threshold}",
                                        "suppress, or report a less extreme percentile"))
        return self._add(Verdict(name, "percentile", findings, pd.Series(rows, name="value").to_frame()))

    def histogram(self, name: str, values: Sequence[float] | pd.Series, bins: Sequence[float]) -> Verdict:
        """A histogram: each non-empty bin needs ``threshold`` units."""
        x = np.asarray(values, float)
        x = x[np.isfinite(x)]
        edges = np.asarray(bins, float)
        if edges.ndim != 1 or len(edges) < 2 or np.any(np.diff(edges) <= 0):
            validation.fail("bins", "must be at least two increasing bin edges",
                            "give edges such as [0, 10, 20]")
        n, _ = np.histogram(x, edges)
        labels = [f"[{a:g}, {b:g})" for a, b in itertools.pairwise(edges)]
        return self.counts(name, pd.Series(n, index=labels, name="n"), kind="histogram")

    def model(self, name: str, fitted: object) -> Verdict:
        """A fitted statsmodels model: at least ``min_dof`` residual degrees of freedom."""
        dof = getattr(fitted, "df_resid", None)
        params = getattr(fitted, "params", None)
        if dof is None or params is None:
            validation.fail("fitted", f"of output {name!r} is not a fitted statsmodels result",
                            "give the result of .fit()")
        findings = []
        if float(dof) < self.rules.min_dof:
            findings.append(Finding("dof", "fail", "model", f"{float(dof):g} residual degrees of freedom, "
                                    f"fewer than {self.rules.min_dof}",
                                    "recode (fewer covariates or pooled groups)"))
        value = pd.DataFrame({"coef": params, "se": getattr(fitted, "bse", np.nan)})
        return self._add(Verdict(name, "model", findings, value))

    def custom(self, name: str, description: str) -> Verdict:
        """An output the rules cannot check (a figure without its data, free text): always review."""
        return self._add(Verdict(name, "custom", [Finding("manual", "review", "whole output",
                                 f"not checkable automatically: {description}", "review")]))

    # -- the session -------------------------------------------------------------------------
    def differencing(self) -> list[tuple[str, str, Finding]]:
        """Pairs of count outputs on the same cells whose difference holds ``0 < |d| < threshold``.

        The later output of such a pair gets a failing ``differencing`` finding (added once): it
        is withheld, and the earlier one keeps its own verdict.
        """
        found = []
        counted = [v for v in self.verdicts.values() if v.cells is not None]
        for a, b in itertools.combinations(counted, 2):
            if set(a.cells.index) != set(b.cells.index) or a.cells.equals(b.cells.loc[a.cells.index]):
                continue
            d = (a.cells - b.cells.loc[a.cells.index]).abs()
            small = d[(d > 0) & (d < self.rules.threshold)]
            for cell, n in small.items():
                f = Finding("differencing", "fail", cell,
                            f"differs from {a.output!r} by {int(n)} unit(s) in a cell: subtracting "
                            "the two tables reveals those units", "suppress this table, or round both")
                found.append((a.output, b.output, f))
                if f not in b.findings:
                    b.findings.append(f)
        return found

    def report(self) -> pd.DataFrame:
        """One row per output: kind, status, reason and suggested fix (ACRO's summary)."""
        return pd.DataFrame([{"output": v.output, "kind": v.kind, "status": v.status,
                              "rules": ", ".join(dict.fromkeys(f.rule for f in v.findings)) or "-",
                              "reason": v.reason(), "fix": v.fix()} for v in self.verdicts.values()])

    def summary(self) -> Summary:
        rep = self.report()
        counts = rep.status.value_counts()
        return Summary("Output checking", {s: str(int(counts.get(s, 0))) for s in STATUSES},
                       rep[["output", "kind", "status", "fix"]])
