"""Local unit classification (manual, chapter 3) from the population in each grid class.

Examples
--------
>>> import pandas as pd
>>> classify_units(pd.DataFrame({3: [60.0, 10.0], 2: [20.0, 50.0], 1: [20.0, 40.0]}))["class"].tolist()
['city', 'town or semi-dense area']
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .parameters import LEVEL1_CLASSES, LEVEL2_CLASSES, RULE_SETS, UNIT_LEVEL1_CLASSES, UNIT_LEVEL2_CLASSES

__all__ = ["classify_units"]


def classify_units(unit_population: pd.DataFrame, *, level: int = 1, unit_share: float = 0.5,
                   rule_set: str = "manual-2021") -> pd.DataFrame:
    """Classify local units from the population they hold in each grid class (manual, chapter 3).

    Parameters
    ----------
    unit_population : DataFrame
        One row per unit, one column per grid class code (level-1 codes 3, 2, 1, 0 or level-2
        codes 30 ... 10) holding the unit's population in cells of that class (for example from
        :func:`statmethods.indicators.zonal.population_by_class`). Missing classes count as 0.
    level : {1, 2}
    unit_share : float
        The decisive share (0.5 in the manual).
    rule_set : {"manual-2021", "ghsl-2024"}
        Level-2 rules: the 2021 manual's largest share, or the July 2024 cumulative shares.

    Returns
    -------
    DataFrame
        Population shares by class, ``code`` and ``class`` of each unit.

    Notes
    -----
    Level 1: a *city* has at least half its population in urban centres; a *town or semi-dense
    area* has less than half in urban centres but at least half in urban clusters (urban centres
    included); every other unit is a *rural area*. Level 2 splits towns into dense towns,
    semi-dense towns and suburban or peri-urban areas, and rural areas into villages, dispersed
    rural areas and mostly uninhabited areas, by their largest population share (see
    :data:`DEVIATIONS`).
    """
    if level not in (1, 2):
        raise ValueError(f"level must be 1 or 2, got {level!r}")
    if rule_set not in RULE_SETS:
        raise ValueError(f"rule_set must be one of {list(RULE_SETS)}, got {rule_set!r}")
    if not 0 < unit_share < 1:
        raise ValueError(f"unit_share must lie strictly between 0 and 1, got {unit_share!r}")
    codes = list(LEVEL1_CLASSES) if level == 1 else list(LEVEL2_CLASSES)
    extra = [c for c in unit_population.columns if c not in codes]
    if extra:
        raise ValueError(f"unexpected columns {extra}: give one column per level-{level} grid class code "
                         f"({codes})")
    df = unit_population.reindex(columns=codes, fill_value=0.0).astype(float)
    if (df < 0).any().any() or not np.isfinite(df.to_numpy()).all():
        raise ValueError("unit populations must be finite and non-negative")
    total = df.sum(axis=1)
    if (total <= 0).any():
        bad = list(df.index[total <= 0][:5])
        raise ValueError(f"units {bad} have no population in the grid; they cannot be classified. "
                         "Check that the units overlap the grid and the CRS matches.")
    share = df.div(total, axis=0)
    if level == 1:
        uc, ucl = share[3], share[3] + share[2]
        code = np.where(uc >= unit_share, 3, np.where(ucl >= unit_share, 2, 1))
        names = UNIT_LEVEL1_CLASSES
    else:
        town_code, rural_code = (_level2_2024 if rule_set == "ghsl-2024" else _level2_2021)(share, unit_share)
        uc, ucl = share[30], share[[30, 23, 22, 21]].sum(axis=1)
        code = np.where(uc >= unit_share, 30, np.where(ucl >= unit_share, town_code, rural_code))
        names = UNIT_LEVEL2_CLASSES
    out = share.add_prefix("share_")
    out["code"] = code
    out["class"] = [names[int(c)] for c in code]
    return out




def _level2_2024(share: pd.DataFrame, unit_share: float) -> tuple[np.ndarray, np.ndarray]:
    """Town and rural codes by the July 2024 cumulative shares."""
    dense_s = share[[30, 23]].sum(axis=1)
    sub_s = share[[21, 13, 12, 11, 10]].sum(axis=1)
    town_code = np.where(dense_s >= unit_share, 23, np.where(sub_s >= unit_share, 21, 22))
    vil_s = share[[30, 23, 22, 21, 13]].sum(axis=1)
    vlow_s = share[[11, 10]].sum(axis=1)
    rural_code = np.where(vil_s >= unit_share, 13, np.where(vlow_s >= unit_share, 11, 12))
    return town_code, rural_code


def _level2_2021(share: pd.DataFrame, unit_share: float) -> tuple[np.ndarray, np.ndarray]:
    """Town and rural codes by the 2021 manual's largest share (ties: the denser class)."""
    town = share[[23, 22, 21]].to_numpy()
    town_code = np.array([23, 22, 21])[town.argmax(axis=1)]  # argmax takes the first on ties
    rur = share[[13, 12, 11, 10]].to_numpy()
    rur = np.column_stack([rur[:, 0], rur[:, 1], rur[:, 2] + rur[:, 3]])
    rural_code = np.array([13, 12, 11])[rur.argmax(axis=1)]
    return town_code, rural_code
