"""Checks for ``autocode-industry-occupation``, run before the kernel starts.

``data_file`` is a built-in coding index (the catalogue keys of the NAICS and Census occupation
indexes, or their names ``"naics-2022"``, ``"census-occupation-2022"``) or
the path of the user's CSV/Parquet of answers (``text_column``) and codes (``code_column``, read
as text: leading zeros are kept), whose hierarchy levels are the code prefixes of ``code_levels``.
"""

from __future__ import annotations

from typing import Any

from ... import inputs, validation
from . import choice, device, fail, positive_int, subset, work_budget

_NAICS = ["sector", "subsector", "industry group", "industry", "national industry"]
_SOC = ["major", "minor", "broad", "detailed"]
# level names of the built-in coding indexes (statmethods.sources.coding.BUILT_IN), by name and
# catalogue key; kept here so that the checks need not import pandas
BUILT_IN = {
    "naics-2022": _NAICS, "naics-2022/2022_NAICS_Index_File.xlsx": _NAICS,
    "census-occupation-2022": _SOC, "census-io-2022/Census-2022-Occupation-Index_Final.xlsx": _SOC,
}
MODELS = ("baseline", "torch")


def _levels(params: dict[str, Any]) -> list[str]:
    src = params["data_file"]
    if src in BUILT_IN:
        return BUILT_IN[src]
    lv = params["code_levels"]
    if not isinstance(lv, list) or not lv or not all(isinstance(n, int) and not isinstance(n, bool) and n >= 1
                                                     for n in lv):
        fail("code_levels", f"must be a non-empty list of prefix lengths, got {lv!r}", "give e.g. [2, 3, 4]")
    if lv != sorted(set(lv)):
        fail("code_levels", f"must increase strictly (coarsest first), got {lv}", "give e.g. [2, 3, 4]")
    return [f"{n} char" for n in lv]


def _user_file(params: dict[str, Any]) -> None:
    src = str(params["data_file"])
    tc, cc = params["text_column"], params["code_column"]
    df = inputs.read_table(src, "data_file", required=[tc, cc], codes=[tc, cc], encoding=params["encoding"],
                       min_rows=2)
    codes = df[cc].astype(str).str.strip()
    where = inputs.resolve(src, "data_file", log=False)
    if df[cc].isna().any() or (codes == "").any():
        line = int((df[cc].isna() | (codes == "")).to_numpy().nonzero()[0][0]) + 2
        fail("data_file", f"(file {where}) has an empty {cc!r} on line {line}",
             "give the code of every answer, or drop the answer")
    finest = params["code_levels"][-1]
    short = codes[codes.str.len() < finest]
    if len(short):
        fail("data_file", f"(file {where}) column {cc!r} holds code {short.iloc[0]!r}, shorter than the "
             f"finest level of code_levels ({finest} characters)",
             "set code_levels to the code lengths in your file (codes are read as text: keep leading zeros)")
    if codes.nunique() < 2:
        fail("data_file", f"(file {where}) holds a single code", "give answers coded to at least 2 codes")


# work parameters at their defaults, the time they take (s, 2 cores), and what they drive
BUDGETS = [
    ({'torch_epochs': 5}, 120, 'torch model training'),
    ({'baseline_epochs': 4}, 60, 'baseline training'),
]


def check(params: dict[str, Any]) -> None:
    """Refuse bad models, epochs (< 1 trains nothing), levels, devices and user files, naming the fix."""
    choice(params, "model", MODELS)
    t = params["target_accuracy"]
    if isinstance(t, bool) or not isinstance(t, int | float) or not 0 < t <= 1:
        fail("target_accuracy", f"must be in (0, 1], got {t!r}", "give e.g. 0.95 (not 95)")
    device(params)
    positive_int(params, "baseline_epochs")
    positive_int(params, "torch_epochs")
    m = params["max_records"]
    if isinstance(m, bool) or not isinstance(m, int) or m < 0:
        fail("max_records", f"must be 0 (every record) or a positive whole number, got {m!r}",
             "give e.g. 2000")
    validation.rng(params["seed"], "seed")
    choice(params, "encoding", inputs.ENCODINGS)
    src = params["data_file"]
    if not isinstance(src, str) or not src.strip():
        fail("data_file", "is empty", f"give one of {list(BUILT_IN)} or the path of your CSV file")
    levels = _levels(params)
    if params["level"] != "finest":
        subset({"level": [params["level"]]}, "level", [*levels, "finest"])
    if src not in BUILT_IN:
        _user_file(params)
    for defaults, seconds, what in BUDGETS:
        work_budget(params, defaults, seconds_at_defaults=seconds, scales=list(defaults), what=what)
