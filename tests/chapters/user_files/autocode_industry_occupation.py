"""autocode-industry-occupation on a user's own CSV: renamed columns, 6-digit codes, UTF-8 with BOM."""

from pathlib import Path

EXPECTED_FILES = ["autocode_summary.json"]


def make_inputs(tmp: Path) -> dict:
    from statmethods.sources.naics import read_naics_index

    d, _ = read_naics_index()
    d = d[d["code"].str[:2].isin(["11", "44", "45"])].head(1500)
    rows = zip(d["text"], d["code"], strict=True)
    lines = ["answer,naics"] + [f'"{t.replace(chr(34), "")}",{c}' for t, c in rows]
    (tmp / "my_answers.csv").write_bytes(("\n".join(lines) + "\n").encode("utf-8-sig"))
    return {"data_file": "my_answers.csv", "text_column": "answer", "code_column": "naics",
            "code_levels": [2, 3, 6], "baseline_epochs": 1, "torch_epochs": 1}


def _ksic_cp949(tmp: Path) -> dict:
    """A few dozen cp949 answers with 5-digit KSIC codes: the file the chapter's Rerun section describes."""
    from statmethods.chapters.recipes import build_files, read_recipe

    build_files(read_recipe("autocode-industry-occupation"), tmp)
    return {"data_file": "my_answers.csv", "text_column": "answer", "code_column": "code",
            "code_levels": [2, 3, 4, 5], "target_accuracy": 0.9, "baseline_epochs": 1, "torch_epochs": 1}


EXTRA_RUNS = {"few-dozen-cp949-answers-5-digit-ksic": _ksic_cp949}
