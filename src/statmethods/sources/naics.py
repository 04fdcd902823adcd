"""The Census Bureau's NAICS 2022 files as tables: the index file and the structure summary.

Each reader takes a catalogue key (the default) or the path of a file of the same layout and
returns pandas DataFrames; building a code hierarchy from them is the job of
:mod:`statmethods.autocode.hierarchy`.

Examples
--------
>>> data, dropped = read_naics_index()
>>> list(data.columns), len(data) > 20_000
(['text', 'code'], True)
"""

from __future__ import annotations

import os

import pandas as pd

from .. import inputs

__all__ = ["NAICS_INDEX", "NAICS_STRUCTURE", "read_naics_index", "read_naics_structure"]

#: Catalogue key of the 2022 NAICS index file (about 20,000 descriptions with their codes).
NAICS_INDEX = "naics-2022/2022_NAICS_Index_File.xlsx"
#: Catalogue key of the 2022 NAICS structure summary table (codes per level and sector).
NAICS_STRUCTURE = "naics-2022/2022_NAICS_Structure_Summary_Table.xlsx"


def read_naics_index(source: str | os.PathLike = NAICS_INDEX,
                     parameter: str = "naics_index_file") -> tuple[pd.DataFrame, pd.DataFrame]:
    """The 2022 NAICS index file: one row per index-item description with its 6-digit code.

    Parameters
    ----------
    source : str or path
        Catalogue key or path of the Excel file (first column the code, second the description).
    parameter : str
        Name given in the error when the file cannot be found.

    Returns
    -------
    data : pandas.DataFrame
        Columns ``text`` and ``code`` (6-digit strings), rows with a valid code.
    dropped : pandas.DataFrame
        Rows set aside: cross-references such as ``"Clinics, medical -- see type"`` whose
        code is ``******``, and empty descriptions.
    """
    raw = pd.read_excel(inputs.resolve(source, parameter), dtype=str)
    raw.columns = ["code", "text"]
    raw["code"] = raw["code"].str.strip()
    ok = raw["code"].str.fullmatch(r"\d{6}", na=False) & raw["text"].fillna("").str.strip().ne("")
    return raw.loc[ok, ["text", "code"]].reset_index(drop=True), raw.loc[~ok].reset_index(drop=True)


def read_naics_structure(source: str | os.PathLike = NAICS_STRUCTURE,
                         parameter: str = "naics_structure_file") -> pd.DataFrame:
    """Number of codes at each NAICS 2022 level per sector, from the structure summary table.

    Returns
    -------
    pandas.DataFrame
        Index: sector (``"31-33"`` etc.), columns ``subsector``, ``industry group``, ``industry``
        and ``national industry`` (6-digit industries, U.S. detail plus those identical to the
        5-digit).

    Examples
    --------
    >>> int(read_naics_structure()["subsector"].sum())
    96
    """
    raw = pd.read_excel(inputs.resolve(source, parameter), header=None, dtype=str)
    body = raw.iloc[2:].dropna(subset=[0])
    body = body[body[0].str.fullmatch(r"\d{2}(-\d{2})?")]
    out = pd.DataFrame(
        {
            "sector": body[0].to_numpy(),
            "subsector": body[2].astype(int).to_numpy(),
            "industry group": body[3].astype(int).to_numpy(),
            "industry": body[4].astype(int).to_numpy(),
            "national industry": body[7].astype(int).to_numpy(),
        }
    )
    return out.set_index("sector")
