"""Frequency/magnitude tables with margins, and the primary suppression rules.

A :class:`Table` is a two-way table whose row and column variables each have a hierarchy
(a parent code and its children; ``Total`` over everything). It holds every cell, margins
included, and checks that the margins add up. The rules mark cells as sensitive:
minimum frequency, (n, k) dominance and the p% rule.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import validation
from .._summary import Summary

__all__ = ["RuleResult", "Table", "dominance_rule", "frequency_rule", "p_percent_rule"]


@dataclass(frozen=True)
class Table:
    """Cells of a two-way table with hierarchies; ``cells`` has columns row, col, value, count.

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"r": ["A", "A", "B"], "c": ["x", "y", "x"], "v": [1.0, 2.0, 3.0]})
    >>> t = Table.from_microdata(m, "r", "c", "v")
    >>> t.cells.set_index(["row", "col"]).loc[("Total", "Total"), "value"]
    np.float64(6.0)
    """

    row_var: str
    col_var: str
    row_hierarchy: dict[str, list[str]]
    col_hierarchy: dict[str, list[str]]
    cells: pd.DataFrame
    contributions: dict[tuple[str, str], np.ndarray] | None = None

    @staticmethod
    def flat(codes: Sequence[str], total: str = "Total") -> dict[str, list[str]]:
        return {total: [str(c) for c in codes]}

    @staticmethod
    def _leaves(h: Mapping[str, Sequence[str]]) -> list[str]:
        parents = set(h)
        return [c for kids in h.values() for c in kids if c not in parents]

    @staticmethod
    def _order(h: Mapping[str, Sequence[str]]) -> list[str]:
        kids = {c for v in h.values() for c in v}
        roots = [p for p in h if p not in kids]
        out: list[str] = []

        def walk(x: str) -> None:
            out.append(x)
            for c in h.get(x, []):
                walk(c)
        for r in roots:
            walk(r)
        return out

    def _descendant_leaves(self, h: Mapping[str, Sequence[str]], code: str) -> list[str]:
        if code not in h:
            return [code]
        return [x for c in h[code] for x in self._descendant_leaves(h, c)]

    @classmethod
    def from_microdata(cls, data: pd.DataFrame, row: str, col: str, value: str | None = None,
                       row_hierarchy: Mapping[str, Sequence[str]] | None = None,
                       col_hierarchy: Mapping[str, Sequence[str]] | None = None) -> Table:
        """Tabulate microdata: the sum of ``value`` (or the count) by ``row`` x ``col``, with margins."""
        for c in [row, col] + ([value] if value else []):
            if c not in data.columns:
                raise ValueError(f"column {c!r} not in the data. Fix: use a column of the microdata")
        d = data.assign(**{row: data[row].astype(str), col: data[col].astype(str)})
        rh = dict(row_hierarchy) if row_hierarchy else cls.flat(sorted(d[row].unique()))
        ch = dict(col_hierarchy) if col_hierarchy else cls.flat(sorted(d[col].unique()))
        v = d[value].astype(float) if value else pd.Series(1.0, index=d.index)
        contrib = {}
        rows = []
        t = cls(row, col, rh, ch, pd.DataFrame())
        for r in cls._order(rh):
            rl = t._descendant_leaves(rh, r)
            for c in cls._order(ch):
                cl = t._descendant_leaves(ch, c)
                m = d[row].isin(rl) & d[col].isin(cl)
                x = v[m].to_numpy()
                contrib[(r, c)] = np.sort(x)[::-1]
                rows.append((r, c, float(x.sum()), int(m.sum())))
        cells = pd.DataFrame(rows, columns=["row", "col", "value", "count"])
        return cls(row, col, rh, ch, cells, contrib)

    @classmethod
    def from_cells(cls, cells: pd.DataFrame, row: str, col: str, value: str,
                   row_hierarchy: Mapping[str, Sequence[str]], col_hierarchy: Mapping[str, Sequence[str]],
                   count: str | None = None, tolerance: float = 1e-6) -> Table:
        """A table from its published cells (margins included); refused if the margins do not add up."""
        c = pd.DataFrame({"row": cells[row].astype(str), "col": cells[col].astype(str),
                          "value": cells[value].astype(float),
                          "count": cells[count] if count else cells[value]})
        t = cls(row, col, dict(row_hierarchy), dict(col_hierarchy), c.reset_index(drop=True))
        need = {(r, k) for r in cls._order(t.row_hierarchy) for k in cls._order(t.col_hierarchy)}
        have = set(zip(c.row, c.col, strict=True))
        if need - have:
            miss = sorted(need - have)[:3]
            raise ValueError(f"the table lacks cell(s) {miss}. Fix: give every cell, margins included")
        t.check_margins(tolerance)
        return t

    def relations(self) -> list[tuple[int, list[int]]]:
        """Each additivity relation as (index of the total cell, indices of its parts)."""
        idx = {(r, c): i for i, (r, c) in enumerate(zip(self.cells.row, self.cells.col, strict=True))}
        rel = []
        for p, kids in self.row_hierarchy.items():
            for c in self._order(self.col_hierarchy):
                rel.append((idx[(p, c)], [idx[(k, c)] for k in kids]))
        for p, kids in self.col_hierarchy.items():
            for r in self._order(self.row_hierarchy):
                rel.append((idx[(r, p)], [idx[(r, k)] for k in kids]))
        return rel

    def check_margins(self, tolerance: float = 1e-6) -> None:
        v = self.cells["value"].to_numpy()
        for tot, parts in self.relations():
            if abs(v[tot] - v[parts].sum()) > tolerance * max(1.0, abs(v[tot])):
                r, c = self.cells.row[tot], self.cells.col[tot]
                raise ValueError(f"the margins do not add up: cell ({r}, {c}) is {v[tot]:g} but its parts "
                                 f"sum to {v[parts].sum():g}. Fix: give a table whose totals equal the sum "
                                 "of their cells")

    def index_of(self, row: str, col: str) -> int:
        m = (self.cells.row == str(row)) & (self.cells.col == str(col))
        if not m.any():
            raise ValueError(f"cell ({row}, {col}) does not exist in the table. Fix: use row codes "
                             f"{self._order(self.row_hierarchy)} and column codes "
                             f"{self._order(self.col_hierarchy)}")
        return int(np.flatnonzero(m)[0])

    def wide(self, column: str = "value") -> pd.DataFrame:
        w = self.cells.pivot(index="row", columns="col", values=column)
        return w.loc[self._order(self.row_hierarchy), self._order(self.col_hierarchy)]


@dataclass(frozen=True)
class RuleResult:
    """Cells marked sensitive by a primary suppression rule."""

    rule: str
    table_: Table
    sensitive: np.ndarray

    def table(self) -> pd.DataFrame:
        return self.table_.cells.assign(sensitive=self.sensitive)

    def summary(self) -> Summary:
        t = self.table()
        return Summary(f"Primary suppression: {self.rule}", {
            "cells": str(len(t)), "sensitive cells": str(int(self.sensitive.sum()))},
            t[t.sensitive].drop(columns="sensitive"))


def frequency_rule(table: Table, threshold: int = 3) -> RuleResult:
    """Minimum frequency rule: a cell with ``0 < count < threshold`` contributors is sensitive.

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"r": ["A", "A", "B"], "c": ["x", "x", "x"]})
    >>> frequency_rule(Table.from_microdata(m, "r", "c"), 2).sensitive.tolist()
    [False, False, False, False, True, True]
    """
    threshold = validation.positive_int(threshold, "threshold")
    n = table.cells["count"].to_numpy()
    return RuleResult(f"minimum frequency {threshold}", table, (n > 0) & (n < threshold))


def _contrib(table: Table) -> dict[tuple[str, str], np.ndarray]:
    if table.contributions is None:
        raise ValueError("this rule needs the contributions of each cell. Fix: build the table with "
                         "Table.from_microdata")
    return table.contributions


def dominance_rule(table: Table, n: int = 1, k: float = 85.0) -> RuleResult:
    """(n, k) dominance: sensitive if the ``n`` largest contributions exceed ``k`` % of the cell total."""
    n = validation.positive_int(n, "n")
    if not 0 < validation.positive(k, "k") <= 100:
        validation.fail("k", f"is a percentage in (0, 100], got {k!r}", "give a value such as 85")
    con = _contrib(table)
    s = [bool(x.sum() > 0 and x[:n].sum() > k / 100 * x.sum())
         for x in (con[(r, c)] for r, c in zip(table.cells.row, table.cells.col, strict=True))]
    return RuleResult(f"({n}, {k:g}) dominance", table, np.array(s))


def p_percent_rule(table: Table, p: float = 10.0) -> RuleResult:
    """p% rule: sensitive if ``total - x1 - x2 < p/100 * x1`` (the runner-up can estimate the largest)."""
    p = validation.positive(p, "p")
    con = _contrib(table)
    s = []
    for r, c in zip(table.cells.row, table.cells.col, strict=True):
        x = con[(r, c)]
        x1 = x[0] if len(x) else 0.0
        x2 = x[1] if len(x) > 1 else 0.0
        s.append(bool(x1 > 0 and x.sum() - x1 - x2 < p / 100 * x1))
    return RuleResult(f"p% rule (p = {p:g})", table, np.array(s))
