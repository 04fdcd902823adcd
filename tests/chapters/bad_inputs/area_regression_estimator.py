"""Bad inputs for area-regression-estimator."""

from dataclasses import replace
from pathlib import Path

from . import BadInput, hostile_common, write_csv

SEGMENTS = "stratum,y,x\n" + "".join(f"{h},{10 + i},{20 + 2 * i}\n" for h in "AB" for i in range(3))
STRATA = "stratum,N,x_mean\nA,100,22\nB,120,23\n"
MINE = {"segments_file": "{tmp}/seg.csv", "means_file": "{tmp}/strata.csv", "stratum_column": "stratum",
        "responses": ["y"], "auxiliaries": ["x"], "means_stratum_column": "stratum", "frame_size_column": "N",
        "mean_columns": ["x_mean"], "stratum_name_column": "", "drop_rows": []}


def _files(segments: str = SEGMENTS, strata: str = STRATA, encoding: str = "utf-8"):
    def write(tmp: Path) -> None:
        write_csv(tmp / "seg.csv", segments, encoding)
        write_csv(tmp / "strata.csv", strata, encoding)
    return write


CASES = [
    BadInput("confidence-above-one", {"confidence": 1.5}, "strictly between 0 and 1"),
    BadInput("too-few-replicates", {"n_replicates": 5}, "at least 10"),
    BadInput("drop-row-outside-file", {"drop_rows": [40]}, "outside 1..37"),
    BadInput("response-not-in-file", {"responses": ["NDVI"]}, "missing column(s) 'NDVI'"),
    BadInput("mean-columns-vs-auxiliaries", {"mean_columns": ["MeanCornPixPerSeg"]},
             "one population-mean column per auxiliary"),
    BadInput("singletons-not-collapsed", {"collapse_singletons": False}, "have one sample unit"),
    BadInput("segments-renamed-columns", {**MINE, "stratum_column": "County"}, "missing column(s) 'County'",
             files=_files()),
    BadInput("negative-frame-size", MINE, "column 'n' has 1 negative value(s)",
             files=_files(strata="stratum,N,x_mean\nA,-100,22\nB,120,23\n")),
    BadInput("stratum-not-in-strata-file", MINE, "'C' in 'stratum' that are not in 'stratum'",
             files=_files(segments=SEGMENTS + "C,5,9\nC,6,10\n")),
    BadInput("frame-smaller-than-sample", MINE, "fewer than its 3 sample units",
             files=_files(strata="stratum,N,x_mean\nA,2,22\nB,120,23\n")),
    BadInput("segments-empty", MINE, "is empty (0 bytes)", files=_files(segments="")),
    BadInput("segments-cp949-read-as-utf8", {**MINE, "encoding": "utf-8"}, "cannot be decoded as utf-8",
             files=_files(segments=SEGMENTS.replace("A,", "가,"), strata=STRATA.replace("A,", "가,"),
                          encoding="cp949")),
    BadInput("response-is-text", MINE, "column 'y' must be numeric",
             files=_files(segments=SEGMENTS.replace("A,10,", "A,ten,"))),
]

CASES += [
    BadInput("replicates-work-bomb", {"n_replicates": 10**9}, "over the 6-hour budget", kind="work-bomb"),
    *hostile_common(),
]

# classes of hostile input (see bad_inputs/__init__.py): cases written before the classes existed
_KINDS = {
    "drop-row-outside-file": "relation",
    "mean-columns-vs-auxiliaries": "relation",
    "stratum-not-in-strata-file": "relation",
    "frame-smaller-than-sample": "relation",
    "negative-frame-size": "relation",
    "segments-empty": "broken-file",
}
CASES = [replace(c, kind=_KINDS.get(c.id, c.kind)) for c in CASES]
