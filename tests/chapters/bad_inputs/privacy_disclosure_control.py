"""Bad inputs for privacy-disclosure-control."""

from pathlib import Path

from . import BadInput, write_csv


def _negative_weights(tmp: Path) -> None:
    write_csv(tmp / "survey.csv", "region,sex,w\n1,1,10\n1,2,-3\n2,1,5\n")


def _missing_weights(tmp: Path) -> None:
    write_csv(tmp / "survey.csv", "region,sex,w\n1,1,10\n1,2,\n2,1,5\n")


def _short_hierarchy(tmp: Path) -> None:
    from statmethods import data

    hdir = tmp / "hier"
    hdir.mkdir()
    src = Path(data.path("adult/hierarchies/sex.csv")).parent
    for f in src.glob("*.csv"):
        (hdir / f.name).write_text(f.read_text())
    lines = (src / "age.csv").read_text().splitlines()
    (hdir / "age.csv").write_text("\n".join(lines[:-5]) + "\n")  # drops the oldest ages


SURVEY = {"sdc_file": "{tmp}/survey.csv", "sdc_key_columns": ["region", "sex"], "sdc_weight_column": "w"}

CASES = [
    BadInput("missing-key-variable", {"sdc_key_columns": ["urbrur", "no_such_key"]},
             "names column(s) 'no_such_key' missing"),
    BadInput("negative-weights", SURVEY, "below 1 (negative or zero)", files=_negative_weights),
    BadInput("missing-weights", SURVEY, "missing or non-numeric weight", files=_missing_weights),
    BadInput("hierarchy-does-not-cover", {"hierarchies_dir": "{tmp}/hier"}, "does not cover value(s)",
             files=_short_hierarchy),
    BadInput("epsilon-zero", {"epsilons": [0.0, 1.0]}, "'epsilons' must hold numbers greater than 0"),
    BadInput("epsilon-negative", {"epsilons": [-1.0]}, "'epsilons' must hold numbers greater than 0"),
    BadInput("margins-do-not-add-up", {"census_adm2": "Gunwi-gun"}, "the margins do not add up"),
    BadInput("primary-cell-does-not-exist", {"primary_cell": ["E", "female"]}, "does not exist in the table"),
    BadInput("unknown-risk-method", {"risk_method": "sudah"}, "'risk_method' must be one of"),
    BadInput("k-below-two", {"k_values": [1, 3]}, "'k_values' must hold integers of at least 2"),
    BadInput("protection-above-one", {"protection": 1.5}, "'protection' must be in (0, 1)"),
]
