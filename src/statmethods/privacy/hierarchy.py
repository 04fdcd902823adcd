"""Generalisation hierarchies and global recoding along them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["Hierarchy", "global_recode"]


@dataclass(frozen=True)
class Hierarchy:
    """A generalisation hierarchy: one row per original value, one column per level.

    Level 0 is the original value; the last level is usually ``*`` (suppressed). This is the
    form ARX and the Adult hierarchies use (a CSV without header).

    Examples
    --------
    >>> import pandas as pd
    >>> h = Hierarchy.from_frame("sex", pd.DataFrame([["Female", "*"], ["Male", "*"]]))
    >>> h.height, h.recode(pd.Series(["Male", "Female"]), 1).tolist()
    (2, ['*', '*'])
    """

    name: str
    levels: pd.DataFrame

    @classmethod
    def from_frame(cls, name: str, frame: pd.DataFrame) -> Hierarchy:
        f = frame.astype(str).apply(lambda c: c.str.strip())
        f.columns = range(f.shape[1])
        if f[0].duplicated().any():
            dup = f.loc[f[0].duplicated(), 0].iloc[0]
            raise ValueError(f"hierarchy {name!r} lists value {dup!r} twice. Fix: one row per original value")
        return cls(name, f.set_index(0, drop=False))

    @classmethod
    def suppression_only(cls, name: str, values: pd.Series) -> Hierarchy:
        """Two levels: the value, then ``*``."""
        v = pd.Series(sorted(values.dropna().astype(str).str.strip().unique()))
        return cls.from_frame(name, pd.DataFrame({0: v, 1: "*"}))

    @property
    def height(self) -> int:
        return self.levels.shape[1]

    def check_covers(self, values: pd.Series) -> None:
        v = values.dropna().astype(str).str.strip()
        missing = sorted(set(v) - set(self.levels.index))
        if missing:
            shown = ", ".join(map(repr, missing[:5])) + (" ..." if len(missing) > 5 else "")
            raise ValueError(f"hierarchy {self.name!r} does not cover value(s) {shown} of the data. "
                             "Fix: add a row for each value to the hierarchy")

    def recode(self, values: pd.Series, level: int) -> pd.Series:
        """Values generalised to ``level`` (0 = unchanged)."""
        if not 0 <= level < self.height:
            raise ValueError(f"hierarchy {self.name!r} has levels 0..{self.height - 1}, got {level}")
        self.check_covers(values)
        v = values.astype(str).str.strip()
        return pd.Series(self.levels[level].reindex(v).to_numpy(), index=values.index, name=values.name)

    def codes(self, values: pd.Series) -> np.ndarray:
        """Integer codes of each record's value at every level, shape (n, height)."""
        self.check_covers(values)
        v = values.astype(str).str.strip()
        out = np.empty((len(v), self.height), dtype=np.int64)
        for lev in range(self.height):
            codes, _ = pd.factorize(self.levels[lev])
            out[:, lev] = pd.Series(codes, index=self.levels.index).reindex(v).to_numpy()
        return out


def global_recode(data: pd.DataFrame, hierarchies: Mapping[str, Hierarchy],
                  levels: Mapping[str, int]) -> pd.DataFrame:
    """Recode each column in ``levels`` to its level of the hierarchy (full-domain generalisation).

    Examples
    --------
    >>> import pandas as pd
    >>> h = Hierarchy.from_frame("a", pd.DataFrame([["1", "1-2"], ["2", "1-2"], ["3", "3"]]))
    >>> global_recode(pd.DataFrame({"a": ["1", "3"]}), {"a": h}, {"a": 1})["a"].tolist()
    ['1-2', '3']
    """
    out = data.copy()
    for col, lev in levels.items():
        if col not in hierarchies:
            raise ValueError(f"no hierarchy for column {col!r}. Fix: give one in hierarchies")
        out[col] = hierarchies[col].recode(data[col], lev)
    return out
