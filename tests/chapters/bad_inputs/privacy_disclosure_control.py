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
    BadInput("epsilon-zero", {"epsilons": [0.0, 1.0]}, "'epsilons' must hold finite numbers greater than 0"),
    BadInput("epsilon-negative", {"epsilons": [-1.0]}, "'epsilons' must hold finite numbers greater than 0"),
    BadInput("margins-do-not-add-up", {"census_adm2": "Gunwi-gun"}, "the margins do not add up"),
    BadInput("primary-cell-does-not-exist", {"primary_cell": ["E", "female"]}, "does not exist in the table"),
    BadInput("unknown-risk-method", {"risk_method": "sudah"}, "'risk_method' must be one of"),
    BadInput("k-below-two", {"k_values": [1, 3]}, "'k_values' must hold integers of at least 2"),
    BadInput("protection-above-one", {"protection": 1.5}, "'protection' must be in (0, 1)"),
    BadInput("k-above-record-count", {"k_values": [3, 40000]}, "more than the 32561 records"),
    BadInput("k-values-empty", {"k_values": []}, "'k_values' must be a non-empty list"),
    BadInput("freq-thresholds-empty", {"freq_thresholds": []},
             "'freq_thresholds' must be a non-empty list"),
    BadInput("epsilon-infinite", {"epsilons": [1.0, float("inf")]}, "must hold finite numbers"),
    BadInput("release-epsilon-infinite", {"release_epsilon": float("inf")},
             "'release_epsilon' must be finite"),
    BadInput("release-epsilon-zero", {"release_epsilon": 0.0}, "'release_epsilon' must be greater than 0"),
    BadInput("replicates-bomb", {"n_replicates": 10**9}, "'n_replicates' must be at most 100000"),
    BadInput("unknown-dp-totals", {"dp_totals": "exact"}, "'dp_totals' must be one of"),
]
