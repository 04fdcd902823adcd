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
    assert PAGE.read_text(encoding="utf-8") == performance_markdown(RESULTS, ROOT), (
        f"book/performance.md is out of date with benchmarks/results/*.json; regenerate it with "
        f"`{REGENERATE}` and commit both."
    )


@pytest.mark.parametrize("path", sorted(p for p in RESULTS.glob("*.json") if p.name != "chapters.json"),
                         ids=lambda p: p.name)
def test_every_result_file_is_on_the_page(path):
    bench = BenchmarkResults(path)  # raises on a malformed file
    page = PAGE.read_text(encoding="utf-8")
    assert f"(perf-{bench.name})=" in page and f": {bench.name}\n" in page
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
    assert page.index("(perf-a)=") < page.index("(perf-b)=")  # sorted by name
    assert "- **date**: 2026-01-02 03:04 UTC" in page and "- **date**: 2025-05-05" in page
    assert "- **CPU cores**: 8" in page and "- **platform**: Linux" in page
    assert "- **parameters**: `size` = 10" in page
    assert "What b measures." in page
    assert "| case | method | peer | seconds | peer seconds | ratio |" in page
    assert "| c | m \\| x | p | 1234 | 0.5 | 2469.00 |" in page
    assert "| c | m \\| x | p | 0.0123 | 0.5 | 0.025 |" in page
    assert "| c | m \\| x | p | 1234 | – | – |" in page
    assert "| case | accuracy |" in page and "| c | 0.91 |" in page and "| c | – |" in page
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


def test_tables_fit_the_page():
    """No table of the committed page has more than six columns."""
    for line in PAGE.read_text(encoding="utf-8").splitlines():
        if line.startswith("|"):
            assert line.count(" | ") + 1 <= 6, line[:120]


def test_chapter_table_comes_first_and_names_chapters(tmp_path):
    payload = {"benchmark": "ndvi", "machine": {"cpu_count": 2}, "results": [ROW]}
    _write(tmp_path, "ndvi", payload)
    entry = {"seconds": 85.0, "peak_memory_mb": 1536, "date": "2026-12-01", "measured_by": "make book",
             "machine": {"cpu_count": 2, "memory_gb": 23.5}}
    chapters = {"chapters": {"satellite-indices": entry}}
    (tmp_path / "chapters.json").write_text(json.dumps(chapters), encoding="utf-8")
    page = performance_markdown(tmp_path, ROOT)
    assert page.index("## Chapters") < page.index("## Method comparisons")
    assert "| {doc}`/notebooks/satellite/satellite-indices` | 1 min 25 s | 1.5 GB | 2026-12-01 |" in page
    assert "### {doc}`/notebooks/satellite/satellite-indices`: ndvi" in page
    assert "2 CPU cores, 23.5 GB memory" in page


def test_every_chapter_has_a_recorded_time():
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    ids = [Path(c["file"]).name for part in toc["parts"] for c in part["chapters"]
           if c["file"].startswith("notebooks/")]
    recorded = json.loads((RESULTS / "chapters.json").read_text(encoding="utf-8"))["chapters"]
    missing = [i for i in ids if i not in recorded]
    assert not missing, f"no run time in benchmarks/results/chapters.json for {missing}; run make book"


def test_a_benchmark_can_add_its_own_figure(tmp_path):
    payload = {"benchmark": "degurba", "machine": {}, "results": [ROW],
               "figures": [{"file": "scaling.png", "caption": "Time and memory against cells"}]}
    _write(tmp_path, "degurba", payload)
    with pytest.raises(ValueError, match="scaling.png is not in"):
        performance_markdown(tmp_path)
    (tmp_path / "scaling.png").write_bytes(b"png")
    page = performance_markdown(tmp_path)
    assert "```{figure} ../benchmarks/results/scaling.png" in page
    assert "Time and memory against cells" in page
