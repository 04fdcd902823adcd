"""Bad inputs for privacy-output-checking."""

from pathlib import Path

from . import BadInput, write_csv

HEAD = "roof,urbrur,relat,electcon,income,age,expend,sex\n"


def _rows(n: int = 30, income: str = "{i}000") -> str:
    return "".join(f"{i % 3},{i % 2 + 1},{i % 4},{i % 2 + 1},{income.format(i=i)},{20 + i},{i * 7},{i % 2}\n"
                   for i in range(n))


def _text_income(tmp: Path) -> None:
    write_csv(tmp / "survey.csv", HEAD + _rows() + "1,1,1,1,many,40,5,1\n")


def _missing_income(tmp: Path) -> None:
    write_csv(tmp / "survey.csv", HEAD + _rows() + "1,1,1,1,,40,5,1\n")


def _negative_census(tmp: Path) -> None:
    write_csv(tmp / "census.csv", "year,adm2,adm3,class1,class2,value,adm3_code\n"
              "2020,Yeongyang-gun,Ibam-myeon,foreign population,male,-7,3734031\n"
              "2020,Yeongyang-gun,Subi-myeon,foreign population,male,12,3734034\n")


def _duplicate_census(tmp: Path) -> None:
    write_csv(tmp / "census.csv", "year,adm2,adm3,class1,class2,value,adm3_code\n"
              "2020,Yeongyang-gun,Ibam-myeon,foreign population,male,7,3734031\n"
              "2020,Yeongyang-gun,Ibam-myeon,foreign population,male,12,3734031\n")


def _unknown_code(tmp: Path) -> None:
    write_csv(tmp / "census.csv", "year,adm2,adm3,class1,class2,value,adm3_code\n"
              "2020,Yeongyang-gun,Nowhere-myeon,foreign population,male,7,3799999\n")


SURVEY = {"microdata_file": "{tmp}/survey.csv"}
CENSUS = {"census_file": "{tmp}/census.csv"}

CASES = [
    BadInput("threshold-zero", {"threshold": 0}, "'threshold' must be a positive integer"),
    BadInput("threshold-infinite", {"threshold": float("inf")}, "'threshold' expects an integer"),
    BadInput("nk-k-as-900-percent", {"nk_k": 900.0}, "'nk_k' is a percentage"),
    BadInput("p-percent-negative", {"p_percent": -1.0}, "'p_percent' must be greater than 0"),
    BadInput("zeros-disclosive-not-boolean", {"zeros_disclosive": "sometimes"}, "'zeros_disclosive'"),
    BadInput("unknown-mitigation", {"mitigation": "blur"}, "'mitigation' must be one of"),
    BadInput("percentiles-empty", {"percentiles": []}, "'percentiles' must be a non-empty list"),
    BadInput("percentile-above-100", {"percentiles": [50, 150]}, "must hold percentages in [0, 100]"),
    BadInput("covariates-empty", {"covariate_columns": []}, "'covariate_columns' must be a non-empty list"),
    BadInput("value-column-missing", {"value_column": "wage"}, "missing column(s) 'wage'"),
    BadInput("value-column-has-text", SURVEY, "column 'income' must be numeric", files=_text_income),
    BadInput("value-column-has-gaps", SURVEY, "missing or infinite value(s)", files=_missing_income),
    BadInput("binary-event-absent", {"binary_event": 7}, "is no value of 'electcon'"),
    BadInput("table-of-a-measurement", {"table_row_column": "income", "table_col_column": "expend"},
             "more than 5,000"),
    BadInput("histogram-bins-bomb", {"histogram_bin_width": 0.0001}, "more than 2000 bins"),
    BadInput("census-area-absent", {"census_adm2": "Atlantis-gun"}, "has no 읍면동 rows"),
    BadInput("census-negative-count", CENSUS, "negative or missing counts", files=_negative_census),
    BadInput("census-code-twice", CENSUS, "gives one adm3_code twice", files=_duplicate_census),
    BadInput("census-code-without-boundary", CENSUS, "has no boundary for 1 of the 1", files=_unknown_code),
    BadInput("boundaries-layer-absent", {"boundaries_layer": "adm3_1999"}, "has no layer 'adm3_1999'"),
]
