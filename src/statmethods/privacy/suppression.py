"""Secondary cell suppression by mixed-integer programming, and the attacker's audit.

:func:`secondary_suppression` finds the pattern of least suppressed value that protects
every primary cell: each additivity relation that holds a suppressed cell must hold a second
one (no cell can be recovered by subtraction), and the attacker's interval of each primary
cell, computed by linear programming (:func:`audit`), must reach ``value - lpl`` and
``value + upl``. It solves with ``scipy.optimize.milp`` (HiGHS), adding a cut each time the
audit finds an unprotected pattern (a pattern too small stays too small for all its subsets).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from .. import validation
from .._summary import Summary
from .tables import Table

__all__ = ["AuditResult", "SuppressionResult", "audit", "secondary_suppression"]


def _equalities(table: Table) -> tuple[np.ndarray, np.ndarray]:
    rel = table.relations()
    a = np.zeros((len(rel), len(table.cells)))
    for i, (tot, parts) in enumerate(rel):
        a[i, tot] = -1
        a[i, parts] = 1
    return a, np.zeros(len(rel))


@dataclass(frozen=True)
class AuditResult:
    """Attacker intervals of the suppressed cells; ``protected`` against the required levels."""

    intervals: pd.DataFrame

    @property
    def all_protected(self) -> bool:
        return bool(self.intervals["protected"].all())

    def table(self) -> pd.DataFrame:
        return self.intervals

    def summary(self) -> Summary:
        return Summary("Audit of the suppression pattern (attacker's LP intervals)", {
            "suppressed cells": str(len(self.intervals)),
            "all primary cells protected": "yes" if self.all_protected else "no"}, self.intervals)


def audit(table: Table, suppressed: Sequence[int] | np.ndarray, primary: Sequence[int] = (),
          protection: float = 0.1, min_protection: float = 1.0,
          cells: Sequence[int] | None = None) -> AuditResult:
    """The interval an attacker can derive for each suppressed cell, by linear programming.

    The attacker knows every published cell, the additivity relations and that cells are
    non-negative. ``cells`` limits the audit to some of the suppressed cells. A primary cell is
    protected when its interval reaches ``value - lpl`` and ``value + upl``, with
    ``lpl = upl = max(protection * value, min_protection)``.

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"r": list("AABB"), "c": list("xyxy"), "v": [1.0, 5.0, 4.0, 6.0]})
    >>> t = Table.from_microdata(m, "r", "c", "v")
    >>> cells = [t.index_of(r, c) for r, c in [("A", "x"), ("A", "y"), ("B", "x"), ("B", "y")]]
    >>> audit(t, cells, [cells[0]]).table()[["low", "high"]].round(1).values.tolist()[0]
    [0.0, 5.0]
    """
    v = table.cells["value"].to_numpy(float)
    sup = np.zeros(len(v), bool)
    sup[list(suppressed)] = True
    a, b = _equalities(table)
    # the LP runs on values scaled to at most 1: sums of large magnitudes (1e11) add up only to
    # within float rounding, which the solver's absolute tolerance would read as infeasible
    scale = max(1.0, float(np.max(np.abs(v)))) if len(v) else 1.0
    lb = np.where(sup, 0.0, v / scale)
    ub = np.where(sup, np.inf, v / scale)
    rows = []
    for i in np.flatnonzero(sup):
        if cells is not None and i not in set(cells):
            continue
        c = np.zeros(len(v))
        c[i] = 1
        lo = linprog(c, A_eq=a, b_eq=b, bounds=list(zip(lb, ub, strict=True)), method="highs")
        hi = linprog(-c, A_eq=a, b_eq=b, bounds=list(zip(lb, ub, strict=True)), method="highs")
        low = lo.fun * scale if lo.status == 0 else np.nan
        high = -hi.fun * scale if hi.status == 0 else np.inf
        need = max(protection * v[i], min_protection) if i in set(primary) else 0.0
        tol = 1e-7 * scale
        ok = (low <= v[i] - need + tol) and (high >= v[i] + need - tol)
        rows.append((table.cells.row[i], table.cells.col[i], v[i], low, high,
                     "primary" if i in set(primary) else "secondary", need, ok))
    iv = pd.DataFrame(rows, columns=["row", "col", "value", "low", "high", "status", "required", "protected"])
    return AuditResult(iv)


@dataclass(frozen=True)
class SuppressionResult:
    """Result of :func:`secondary_suppression`."""

    table_: Table
    status: np.ndarray
    objective: float
    cuts: int
    audit: AuditResult

    def table(self) -> pd.DataFrame:
        """Each cell with its status: ``primary``, ``secondary`` or ``publishable``."""
        return self.table_.cells[["row", "col", "value"]].assign(status=self.status)

    def release(self) -> pd.DataFrame:
        """The table as it may be released: suppressed cells keep their status, their value is removed.

        Examples
        --------
        >>> import pandas as pd
        >>> m = pd.DataFrame({"r": list("AABBCC"), "c": list("xyxyxy"), "v": [1.0, 5.0, 4.0, 6.0, 9.0, 9.0]})
        >>> r = secondary_suppression(Table.from_microdata(m, "r", "c", "v"), [("A", "x")]).release()
        >>> int(r.value.isna().sum())
        4
        """
        t = self.table()
        return t.assign(value=t["value"].where(t["status"] == "publishable"))

    @property
    def secondary(self) -> list[tuple[str, str]]:
        t = self.table()
        return list(zip(t.row[t.status == "secondary"], t.col[t.status == "secondary"], strict=True))

    def summary(self) -> Summary:
        t = self.table()
        return Summary("Secondary cell suppression (MILP, HiGHS)", {
            "cells": str(len(t)),
            "primary": str(int((t.status == "primary").sum())),
            "secondary": str(int((t.status == "secondary").sum())),
            "suppressed value": f"{self.objective:g}",
            "audit cuts added": str(self.cuts),
            "all primary cells protected": "yes" if self.audit.all_protected else "no"},
            self.table_.wide().astype(object).where(
                self.table().pivot(index="row", columns="col", values="status")
                .reindex_like(self.table_.wide()) == "publishable", "x"))


def secondary_suppression(table: Table, primary: Sequence[int] | Sequence[tuple[str, str]],
                          protection: float = 0.1, min_protection: float = 1.0,
                          weights: str = "value", max_cuts: int = 200) -> SuppressionResult:
    """Optimal secondary suppression pattern for the given primary cells.

    Parameters
    ----------
    table : Table
    primary : cell indices or (row, col) codes of the primary (sensitive) cells.
    protection, min_protection : required protection levels (see :func:`audit`).
    weights : {"value", "cells"}
        Minimise the total suppressed value (default) or the number of suppressed cells.

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"r": list("AABBCC"), "c": list("xyxyxy"), "v": [1.0, 5.0, 4.0, 6.0, 9.0, 9.0]})
    >>> t = Table.from_microdata(m, "r", "c", "v")
    >>> secondary_suppression(t, [("A", "x")]).secondary
    [('A', 'y'), ('B', 'x'), ('B', 'y')]
    """
    validation.choice(weights, "weights", ["value", "cells"])
    protection = validation.unit_interval(protection, "protection")
    validation.positive(min_protection, "min_protection", allow_zero=True)
    max_cuts = validation.positive_int(max_cuts, "max_cuts")
    prim = [table.index_of(*p) if isinstance(p, tuple) else int(p) for p in primary]
    if not prim:
        raise ValueError("no primary cell given. Fix: mark at least one cell as primary")
    v = table.cells["value"].to_numpy(float)
    n = len(v)
    w = (v if weights == "value" else np.ones(n)) + 1e-3  # small cost per cell breaks ties
    rows = []
    for tot, parts in table.relations():
        rel = [tot, *parts]
        for c in rel:
            r = np.zeros(n)
            r[rel] = 1
            r[c] = -1
            rows.append(r)
    a = np.array(rows)
    lo = np.zeros(n)
    lo[prim] = 1
    cons = [LinearConstraint(a, 0, np.inf)]
    cuts = 0
    while True:
        res = milp(w, constraints=cons, integrality=np.ones(n), bounds=Bounds(lo, np.ones(n)))
        if res.status != 0:
            raise ValueError(f"no suppression pattern protects the primary cells ({res.message}). "
                             "Fix: lower the protection level")
        x = np.round(res.x).astype(bool)
        au = audit(table, np.flatnonzero(x), prim, protection, min_protection)
        if au.all_protected:
            break
        cuts += 1
        if cuts > max_cuts:
            raise ValueError(f"no protected pattern after {max_cuts} cuts. Fix: raise max_cuts")
        cons.append(LinearConstraint((~x).astype(float)[None, :], 1, np.inf))
    status = np.where(x, "secondary", "publishable").astype(object)
    status[prim] = "primary"
    return SuppressionResult(table, status, float(v[x].sum()), cuts, au)
