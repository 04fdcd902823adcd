"""The Census Bureau's 2022 alphabetical index of occupations (job title -> SOC 2018 code) as a table.

Examples
--------
>>> data, dropped = read_occupation_index()
>>> list(data.columns)
['text', 'code', 'census_code', 'industry_restriction']
"""

from __future__ import annotations

import os

import pandas as pd

from .. import inputs

__all__ = ["CENSUS_OCCUPATION_INDEX", "read_occupation_index"]

#: Catalogue key of the Census Bureau's 2022 occupation index.
CENSUS_OCCUPATION_INDEX = "census-io-2022/Census-2022-Occupation-Index_Final.xlsx"


def read_occupation_index(source: str | os.PathLike = CENSUS_OCCUPATION_INDEX,
                          parameter: str = "occupation_index_file") -> tuple[pd.DataFrame, pd.DataFrame]:
    """The Census Bureau's 2022 alphabetical index of occupations: job title -> SOC code.

    Parameters
    ----------
    source : str or path
        Catalogue key or path of the Excel file (five title lines, then title, industry
        restriction, Census code and SOC code).
    parameter : str
        Name given in the error when the file cannot be found.

    Returns
    -------
    data : pandas.DataFrame
        Columns ``text`` (the job title), ``code`` (2018 SOC code, Census aggregates such as
        ``51-91XX`` included), ``census_code`` and ``industry_restriction`` (the Census industry
        codes for which the line applies; titles listed several times are told apart by it).
    dropped : pandas.DataFrame
        Rows without a usable SOC code or title.
    """
    raw = pd.read_excel(inputs.resolve(source, parameter), header=5, dtype=str)
    raw.columns = ["text", "industry_restriction", "census_code", "code"]
    raw["code"] = raw["code"].fillna("").str.strip()
    ok = raw["code"].str.fullmatch(r"\d{2}-[\dX]{4}") & raw["text"].fillna("").str.strip().ne("")
    cols = ["text", "code", "census_code", "industry_restriction"]
    return raw.loc[ok, cols].reset_index(drop=True), raw.loc[~ok].reset_index(drop=True)
