"""Bad inputs for area-small-area."""

from dataclasses import replace
from pathlib import Path

from . import BadInput, hostile_common, write_csv

AREAS = "area,direct,se,region\n" + "".join(f"{i:02d},{1 + i / 10:.1f},{0.1 + i / 100:.2f},{i % 3}\n"
                                            for i in range(1, 13))
MINE = {"fh_file": "{tmp}/areas.csv", "fh_formula": "direct ~ C(region)", "fh_vardir_column": "se",
        "fh_area_column": "area"}


def _areas(text: str = AREAS, encoding: str = "utf-8"):
    def write(tmp: Path) -> None:
        write_csv(tmp / "areas.csv", text, encoding)
    return write


CASES = [
    BadInput("fh-formula-missing-column", {"fh_formula": "yi ~ NoSuchCol"},
             "'yi ~ NoSuchCol' names column(s) 'NoSuchCol' that fh_file"),
    BadInput("fh-formula-message-lists-the-columns", {"fh_formula": "yi ~ NoSuchCol"},
             "it has 'SmallArea', 'ni', 'yi', 'SD', 'CV', 'MajorArea'"),
    BadInput("fh-formula-without-tilde", {"fh_formula": "yi"}, "must be one formula"),
    BadInput("confidence-above-one", {"confidence": 1.5}, "strictly between 0 and 1"),
    BadInput("fh-negative-variances", MINE, "column 'se' has 1 negative value(s)",
             files=_areas(AREAS.replace(",0.13,", ",-0.13,"))),
    BadInput("fh-zero-variance", MINE, "a sampling variance must be positive",
             files=_areas(AREAS.replace(",0.13,", ",0,"))),
    BadInput("fh-file-empty", MINE, "is empty (0 bytes)", files=_areas("")),
    BadInput("fh-cp949-read-as-utf8", {**MINE, "encoding": "utf-8"}, "cannot be decoded as utf-8",
             files=_areas(AREAS.replace("region", "권역"), encoding="cp949")),
    BadInput("fh-vardir-kind-unknown", {"fh_vardir_kind": "sd"}, "parameter 'fh_vardir_kind' must be one of"),
    BadInput("fh-missing-value-in-formula-column", MINE, "missing value in 'region' on line 3",
             files=_areas(AREAS.replace("02,1.2,0.12,2", "02,1.2,0.12,"))),
    BadInput("bhf-covariate-not-in-file",
             {"bhf_covariates": ["NDVI"], "bhf_mean_columns": ["MeanCornPixPerSeg"]},
             "missing column(s) 'NDVI'"),
    BadInput("bhf-mean-columns-vs-covariates", {"bhf_mean_columns": ["MeanCornPixPerSeg"]},
             "one population-mean column per auxiliary"),
    BadInput("drop-row-zero", {"drop_rows": [0]}, "outside 1..37"),
    BadInput("too-few-replicates", {"n_replicates": 3}, "at least 10"),
    BadInput("fh-more-coefficients-than-areas", {**MINE, "fh_formula": "direct ~ C(area)"},
             "the fay–herriot model needs at least", files=_areas()),
]

CASES += [
    BadInput("fh-direct-estimate-infinite", MINE, "holds an infinite value",
             files=_areas(AREAS.replace("02,1.2,", "02,inf,")), kind="relation"),
    BadInput("fh-area-twice-with-different-values", MINE, "lists an area more than once",
             files=_areas(AREAS + "01,9.9,0.5,1\n"), kind="relation"),
    BadInput("replicates-work-bomb", {"n_replicates": 10**9}, "over the 6-hour budget", kind="work-bomb"),
    *hostile_common(),
]

# classes of hostile input (see bad_inputs/__init__.py): cases written before the classes existed
_KINDS = {
    "fh-negative-variances": "relation",
    "fh-zero-variance": "relation",
    "bhf-mean-columns-vs-covariates": "relation",
    "fh-more-coefficients-than-areas": "relation",
    "fh-file-empty": "broken-file",
}
CASES = [replace(c, kind=_KINDS.get(c.id, c.kind)) for c in CASES]
