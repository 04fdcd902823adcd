"""Checks for ``privacy-pseudonymisation``, run before the kernel starts."""

from __future__ import annotations

import os
from typing import Any

from ... import inputs
from . import choice, confidence, fail, iso_date, positive_int, unit_interval

KEY_ENV = "STATMETHODS_COMBINATION_KEY"


def _names(params: dict[str, Any], name: str) -> list[str]:
    value = params[name]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        fail(name, f"must be a non-empty list of column names, got {value!r}",
             "give e.g. [first_name, surname]")
    return value


def _column(params: dict[str, Any], name: str) -> str:
    value = params[name]
    if not isinstance(value, str) or not value.strip():
        fail(name, f"must be a column name, got {value!r}", "give the name of the column in the file")
    return value


def _key(params: dict[str, Any]) -> None:
    choice(params, "key_mode", ["demo", "production"])
    value = os.environ.get(KEY_ENV, "")
    if params["key_mode"] == "production" and not value:
        fail("key_mode", f"is 'production' but the environment variable {KEY_ENV} is not set",
             f"export {KEY_ENV}=$(python -c \"import secrets; print(secrets.token_hex(32))\") with the "
             "key the two holders share, or use key_mode demo")
    if value and len(value.encode("utf-8")) < 16:
        fail("key_mode", f"finds {KEY_ENV} shorter than 16 bytes: a short key can be guessed",
             "export a key of 32 random bytes, e.g. "
             "python -c \"import secrets; print(secrets.token_hex(32))\"")


def _thresholds(params: dict[str, Any]) -> None:
    for name in ("register_share", "survey_share"):
        unit_interval(params, name, open_=False)
        if params[name] <= 0:
            fail(name, "must be above 0", "give a share of the people such as 0.6")
    if params["register_share"] + params["survey_share"] <= 1:
        fail("survey_share", f"({params['survey_share']}) plus register_share ({params['register_share']}) "
             "must exceed 1, or the two holders share no person", "raise one of the two shares")
    positive_int(params, "mock_sample_size", minimum=10)
    unit_interval(params, "threshold", open_=True)
    positive_int(params, "k_min", minimum=2)
    positive_int(params, "l_min", minimum=1)
    for name in ("t_max", "prosecutor_max", "marketer_max"):
        unit_interval(params, name)
        if params[name] <= 0:
            fail(name, "must be above 0: no release has zero risk", "give e.g. 0.2")
    unit_interval(params, "attack_max")
    unit_interval(params, "max_suppression")
    confidence(params)
    positive_int(params, "seed", minimum=0)
    positive_int(params, "retention_years", maximum=100)
    iso_date(params, "processing_date")
    for name in ("purpose", "legal_basis"):
        if not isinstance(params[name], str) or len(params[name].strip()) < 5:
            fail(name, "must say what the combination is for and under which provision",
                 "write a sentence; the report and the audit log repeat it")


def _people(params: dict[str, Any]) -> None:
    names = _names(params, "name_columns")
    register = _names(params, "register_columns")
    single = {n: _column(params, n) for n in ("person_column", "birth_column", "postcode_column",
                                              "survey_column")}
    cols = [single["person_column"], *names, single["birth_column"], single["postcode_column"], *register,
            single["survey_column"]]
    dup = sorted({c for c in cols if cols.count(c) > 1})
    if dup:
        fail("survey_column" if single["survey_column"] in dup else "register_columns",
             f"gives column(s) {', '.join(map(repr, dup))} two roles",
             "give each column one role: person, name, birth date, postcode, register attribute "
             "or survey answer")
    df = inputs.read_table(params["people_file"], "people_file", required=cols, codes=cols)
    person = df[single["person_column"]].astype("string")
    counts = person.value_counts()
    if (counts >= 2).sum() < 20:
        fail("people_file", f"has {int((counts >= 2).sum())} person(s) with two records or more in "
             f"{single['person_column']!r}",
             "give at least 20 people with two records each (the survey takes each person's second record)")
    birth = df[single["birth_column"]].dropna().astype(str).str.strip()
    if birth.empty or not birth.str.match(r"^\d{4}").mean() >= 0.5:
        fail("birth_column", f"({single['birth_column']!r}) does not hold dates that start with the year",
             "give dates of birth as YYYY-MM-DD or YYYYMMDD")
    if df[single["survey_column"]].dropna().nunique() < 2:
        fail("survey_column", f"({single['survey_column']!r}) has fewer than two distinct answers",
             "give a survey answer with several values (the sensitive attribute)")


def _korean(params: dict[str, Any]) -> None:
    for name in ("korean_a_file", "korean_b_file"):
        df = inputs.read_table(params[name], name, required=["rec_id", "date_of_birth"],
                               codes=["rec_id", "date_of_birth"])
        ok = df["rec_id"].astype("string").str.contains(r"rec-\d+-", regex=True).fillna(False)
        if not ok.any():
            fail(name, "has no rec_id of the FEBRL form rec-N-... (N is the person's number)",
                 "give FEBRL-style ids such as rec-12-org and rec-12-dup-0")


def check(params: dict[str, Any]) -> None:
    """Refuse bad keys, thresholds, roles and input files, naming the fix."""
    _key(params)
    _thresholds(params)
    _people(params)
    _korean(params)
