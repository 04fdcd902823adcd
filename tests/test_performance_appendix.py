"""book/performance.md is generated from benchmarks/results/*.json, and stays so."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from statmethods.perf import BenchmarkResults, performance_markdown

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
PAGE = ROOT / "book" / "performance.md"
REGENERATE = "python -m statmethods.perf --output book/performance.md"


def test_committed_page_is_the_generated_one():
    assert PAGE.is_file(), f"book/performance.md is missing; generate it with `{REGENERATE}`"
    assert PAGE.read_text(encoding="utf-8") == performance_markdown(RESULTS), (
        f"book/performance.md is out of date with benchmarks/results/*.json; regenerate it with "
        f"`{REGENERATE}` and commit both."
    )


@pytest.mark.parametrize("path", sorted(RESULTS.glob("*.json")), ids=lambda p: p.name)
def test_every_result_file_is_on_the_page(path):
    bench = BenchmarkResults(path)  # raises on a malformed file
    page = PAGE.read_text(encoding="utf-8")
    assert f"## {bench.name}" in page
    assert bench.date in page
    for row in bench.rows:
        assert str(row["method"]).replace("|", "\\|") in page
        assert str(row["peer"]).replace("|", "\\|") in page


def _write(folder: Path, name: str, payload) -> Path:
    p = folder / f"{name}.json"
    p.write_text(json.dumps(payload), encoding="utf-8")
    return p


ROW = {"case": "c", "method": "m | x", "peer": "p", "seconds": 1234.5, "peer_seconds": 0.5, "ratio": 2469.0,
       "accuracy": 0.91}


def test_rows_render_with_machine_date_and_extra_measures(tmp_path):
    _write(tmp_path, "b", {"benchmark": "b", "description": "What b measures.",
                           "machine": {"date": "2026-01-02 03:04 UTC", "cpu_count": 8, "platform": "Linux"},
                           "parameters": {"size": 10},
                           "results": [ROW, {**ROW, "seconds": 0.01234, "ratio": 0.0247, "accuracy": None}]})
    _write(tmp_path, "a", {"benchmark": "a", "date": "2025-05-05", "machine": {},
                           "results": [{**ROW, "peer_seconds": None, "ratio": None}]})
    page = performance_markdown(tmp_path)
    assert page.index("## a") < page.index("## b")  # sorted by name
    assert "- **date**: 2026-01-02 03:04 UTC" in page and "- **date**: 2025-05-05" in page
    assert "- **CPU cores**: 8" in page and "- **platform**: Linux" in page
    assert "- **parameters**: `size` = 10" in page
    assert "What b measures." in page
    assert "| case | method | peer | seconds | peer seconds | ratio | accuracy |" in page
    assert "| c | m \\| x | p | 1234 | 0.5 | 2469.00 | 0.91 |" in page
    assert "| c | m \\| x | p | 0.0123 | 0.5 | 0.025 | – |" in page
    assert "| c | m \\| x | p | 1234 | – | – | 0.91 |" in page
    assert page == performance_markdown(tmp_path)  # deterministic
    assert page.endswith("\n")


@pytest.mark.parametrize(("payload", "message"), [
    ({"machine": {}, "results": [ROW]}, "missing key 'benchmark'"),
    ({"benchmark": "x", "machine": {}, "results": []}, "non-empty list"),
    ({"benchmark": "x", "machine": {}, "results": [{"case": "c"}]}, r"results\[0\] lacks"),
    ([1, 2], "expected a JSON object"),
])
def test_malformed_files_are_named(tmp_path, payload, message):
    path = _write(tmp_path, "x", payload)
    with pytest.raises(ValueError, match=message) as info:
        performance_markdown(tmp_path)
    assert str(path) in str(info.value)


def test_missing_folder_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="benchmark results"):
        performance_markdown(tmp_path / "nope")
