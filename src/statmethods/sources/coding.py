"""Coding indexes as tables: the built-in NAICS and Census occupation indexes, or a user's file.

:func:`read_coding_index` turns a chapter's ``data_file`` (a built-in name, a catalogue key, or
the path of a CSV or Parquet file of answers and codes) into a
:class:`statmethods.autocode.hierarchy.CodingIndex`; :func:`statmethods.autocode.prepare_records`
cleans it and builds its code hierarchy.

Examples
--------
>>> idx = read_coding_index("naics-2022")
>>> idx.classification, list(idx.records.columns)
('naics', ['text', 'code'])
"""

from __future__ import annotations

import os

import pandas as pd

from .. import inputs
from ..autocode.hierarchy import CodingIndex
from ..validation import InputFileError
from .naics import NAICS_INDEX, read_naics_index
from .soc import CENSUS_OCCUPATION_INDEX, read_occupation_index

__all__ = ["BUILT_IN", "read_coded_table", "read_coding_index"]

#: Built-in coding indexes by name and by catalogue key: (reader, classification).
BUILT_IN = {
    "naics-2022": (read_naics_index, "naics"),
    NAICS_INDEX: (read_naics_index, "naics"),
    "census-occupation-2022": (read_occupation_index, "soc"),
    CENSUS_OCCUPATION_INDEX: (read_occupation_index, "soc"),
}


def read_coded_table(source: str | os.PathLike, text_column: str = "text", code_column: str = "code",
                     encoding: str = "auto", parameter: str = "data_file") -> pd.DataFrame:
    """A user's CSV or Parquet file of answers and codes (codes kept as text, leading zeros intact).

    Read through :func:`statmethods.inputs.read_table`: ``encoding="auto"`` accepts UTF-8 (with or
    without BOM) and cp949/EUC-KR.

    Returns
    -------
    pandas.DataFrame
        ``text`` (empty answers as ``""``) and ``code`` (stripped).

    Raises
    ------
    statmethods.validation.InputFileError
        If the file lacks a named column or cannot be decoded; the message names ``parameter``.
    """
    df = inputs.read_table(source, parameter, required=[text_column, code_column],
                           codes=[text_column, code_column], encoding=encoding)
    return pd.DataFrame({"text": df[text_column].fillna(""), "code": df[code_column].fillna("").str.strip()})


def read_coding_index(source: str | os.PathLike, text_column: str = "text", code_column: str = "code",
                      *, encoding: str = "auto", parameter: str = "data_file") -> CodingIndex:
    """Read a coding index: a built-in one (:data:`BUILT_IN`) or a user's CSV/Parquet file.

    Parameters
    ----------
    source : str or path
        ``"naics-2022"`` (NAICS index file), ``"census-occupation-2022"`` (Census occupation
        index, SOC codes), their catalogue keys, or the path of a CSV or Parquet file with a text
        and a code column (whose codes roll up by prefix).
    text_column, code_column : str
        Column names in a user's file.
    encoding : str
        Text encoding of a user's CSV (``"auto"``: UTF-8, UTF-8 with BOM or cp949).
    parameter : str
        The chapter parameter that holds ``source``, named in errors.

    Returns
    -------
    statmethods.autocode.hierarchy.CodingIndex
    """
    key = str(source)
    if key in BUILT_IN:
        reader, classification = BUILT_IN[key]
        records, set_aside = reader()
        return CodingIndex(records, set_aside, classification, key)
    if not key.lower().endswith((".csv", ".parquet")):
        raise InputFileError(
            f"parameter {parameter!r}: {key!r} is neither a built-in coding index nor a .csv or .parquet "
            f"file. Fix: give one of {sorted(n for n in BUILT_IN if '/' not in n)}, their catalogue keys, "
            "or the path of your CSV or Parquet file")
    raw = read_coded_table(source, text_column, code_column, encoding, parameter)
    return CodingIndex(raw, raw.iloc[0:0], "prefix", key, code_column)
