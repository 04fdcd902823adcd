"""privacy-pseudonymisation on a user's own file of person records (renamed columns, UTF-8 BOM, CRLF).

The people are the first 900 persons of historical_50k; the Korean example gets 600 FEBRL4 persons.
"""

from pathlib import Path

EXPECTED_FILES = ["combination_report.csv", "adequacy_review.csv", "release_anonymised.csv",
                  "audit_log.csv", "korean_normalisation_internal.csv"]
BUNDLED = ("historical_50k", "5,156 people")
NAMES = {"cluster": "person", "first_name": "given", "surname": "family", "dob": "born",
         "postcode_fake": "zip", "gender": "sex", "occupation": "job"}


def make_inputs(tmp: Path) -> dict:
    import pandas as pd

    from statmethods import inputs

    h = pd.read_parquet(inputs.resolve("splink-historical-50k/historical_figures_with_errors_50k.parquet",
                                       "people_file"))
    keep = h["cluster"].drop_duplicates().sort_values().head(900)
    people = h[h["cluster"].isin(keep)][list(NAMES)].rename(columns=NAMES)
    text = people.to_csv(index=False, lineterminator="\r\n")
    (tmp / "people.csv").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    a = inputs.read_table("febrl/dataset4a.csv", "korean_a_file", codes=["rec_id", "date_of_birth"]).head(600)
    b = inputs.read_table("febrl/dataset4b.csv", "korean_b_file", codes=["rec_id", "date_of_birth"])
    persons = set(a["rec_id"].str.extract(r"rec-(\d+)-")[0])
    b = b[b["rec_id"].str.extract(r"rec-(\d+)-")[0].isin(persons)]
    a[["rec_id", "date_of_birth"]].to_csv(tmp / "kor_a.csv", index=False)
    b[["rec_id", "date_of_birth"]].to_csv(tmp / "kor_b.csv", index=False)
    return {"people_file": "people.csv", "person_column": "person", "name_columns": ["given", "family"],
            "birth_column": "born", "postcode_column": "zip", "register_columns": ["sex"],
            "survey_column": "job", "korean_a_file": "kor_a.csv", "korean_b_file": "kor_b.csv",
            "mock_sample_size": 100}


def check_outputs(output_dir: Path, tmp: Path) -> None:
    """The reports describe the user's file and hold no identifier."""
    import pandas as pd

    report = pd.read_csv(output_dir / "combination_report.csv")
    assert report["records"].iloc[0] == 100
    review = pd.read_csv(output_dir / "adequacy_review.csv")
    assert list(review.columns) == ["criterion", "value", "threshold", "verdict"]
    released = pd.read_csv(output_dir / "release_anonymised.csv")
    assert not {"given", "family", "born", "person"} & set(released.columns)
    text = "".join((output_dir / f).read_text(encoding="utf-8") for f in EXPECTED_FILES)
    people = pd.read_csv(tmp / "people.csv", encoding="utf-8-sig")
    for name in people["family"].dropna().astype(str).head(50):
        assert f",{name}," not in text, "a surname reached a report"
