"""KOSIS (Korean Statistical Information Service) census tables: layout check and reader.

The 시군구 × age table of the Population and Housing Census as KOSIS exports it to CSV: two
header lines, then nine columns (administrative code, name, age code, age, year, population,
male, female, sex ratio). Codes carry a leading apostrophe (``'11010``); the all-ages rows have
age code ``'00``; code ``00`` is the whole country (전국) and five-digit codes are 시군구.

Examples
--------
>>> import io
>>> text = "title\\nunit\\n'00,전국,'00,계,2010,100,50,50,100\\n'11010,종로구,'00,계,2010,60,30,30,100\\n"
>>> t = read_sigungu_population(io.StringIO(text))
>>> t.table.to_dict("list"), t.national_total
({'code': ['11010'], 'name': ['종로구'], 'pop': [60]}, 100)
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass

import pandas as pd

__all__ = ["CENSUS_COLUMNS", "KosisCensus", "check_census_layout", "read_sigungu_population"]

#: The nine columns of the KOSIS 시군구 × age census table, in order.
CENSUS_COLUMNS = ["code", "name", "age_code", "age", "year", "pop", "male", "female", "sex_ratio"]
ALL_AGES = "'00"


@dataclass(frozen=True)
class KosisCensus:
    """Population of every 시군구 (all ages) and the national total of the same table."""

    table: pd.DataFrame
    national_total: int


def _read_raw(source: str | os.PathLike | io.StringIO) -> pd.DataFrame:
    return pd.read_csv(source, skiprows=2, dtype=str, header=None)


def check_census_layout(raw: pd.DataFrame) -> str | None:
    """The problem with a table read with two header lines skipped, or ``None`` when it fits.

    Examples
    --------
    >>> check_census_layout(pd.DataFrame([["'11010", "종로구", "'00"]]))
    "3 columns; 9 expected, with the all-ages code '00 in the third"
    """
    if raw.shape[1] != len(CENSUS_COLUMNS) or not raw[2].astype(str).eq(ALL_AGES).any():
        return f"{raw.shape[1]} columns; 9 expected, with the all-ages code '00 in the third"
    return None


def read_sigungu_population(source: str | os.PathLike | io.StringIO) -> KosisCensus:
    """All-ages population by 시군구 (five-digit codes, apostrophes removed) and the national total.

    Raises
    ------
    ValueError
        The table is not in the KOSIS layout (:func:`check_census_layout` says why).
    """
    raw = _read_raw(source)
    problem = check_census_layout(raw)
    if problem:
        raise ValueError(f"not the KOSIS 시군구 × age census layout: {problem}")
    census = raw.set_axis(CENSUS_COLUMNS, axis=1)
    census = census[census["age_code"] == ALL_AGES]
    census = census.assign(code=census["code"].str.lstrip("'"), name=census["name"].str.strip())
    national = int(census.loc[census["code"] == "00", "pop"].iloc[0])
    census = census[census["code"].str.len() == 5].assign(pop=lambda d: d["pop"].astype(int))
    return KosisCensus(census[["code", "name", "pop"]].reset_index(drop=True), national)
