"""privacy-record-linkage on a user's own pair of files (300 + 300 FEBRL4 records, renamed columns)."""

from pathlib import Path

EXPECTED_FILES = ["linkage_metrics.csv"]


def make_inputs(tmp: Path) -> dict:
    import pandas as pd

    from statmethods import inputs

    names = {"given_name": "first", "surname": "last", "date_of_birth": "born", "soc_sec_id": "ssn",
             "postcode": "zip", "address_1": "street", "suburb": "town"}
    a = inputs.read_table("febrl/dataset4a.csv", "febrl_a_file").head(300)
    keep = set(a["rec_id"].str.replace("-org", "", regex=False))
    b = inputs.read_table("febrl/dataset4b.csv", "febrl_b_file")
    b = b[b["rec_id"].str.replace(r"-dup-\d+", "", regex=True).isin(keep)]
    cols = ["rec_id", *names]
    a[cols].rename(columns=names).rename(columns={"rec_id": "id"}).to_csv(tmp / "mine_a.csv", index=False)
    b[cols].rename(columns=names).rename(columns={"rec_id": "id"}).to_csv(tmp / "mine_b.csv", index=False)
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
