"""__ID__ on a user's own file (renamed column, cp949, leading-zero codes)."""

from pathlib import Path

EXPECTED_FILES = ["result.csv"]


def make_inputs(tmp: Path) -> dict:
    (tmp / "mine.csv").write_bytes("지역,amount\n01,3\n02,5\n".encode("cp949"))
    return {"input_file": "mine.csv", "value_column": "amount"}
