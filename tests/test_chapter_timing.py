"""statmethods.chapter_timing: what `make book` records in benchmarks/results/chapters.json."""

from __future__ import annotations

import json
import sys

from statmethods.chapter_timing import format_memory, format_seconds, load, measure, record


def test_measure_sees_the_child_process_memory_and_status():
    touch = "x = bytearray(120 * 2**20); x[::4096] = b'1' * len(x[::4096])"
    rc, seconds, peak = measure([sys.executable, "-c", touch])
    assert rc == 0 and seconds > 0
    assert peak >= 120, peak
    rc, _, _ = measure([sys.executable, "-c", "raise SystemExit(3)"])
    assert rc == 3


def test_record_keeps_other_chapters_and_writes_machine(tmp_path):
    path = tmp_path / "chapters.json"
    record("a", 5.04, 300.4, path)
    record("b", 85.0, None, path)
    record("a", 16.0, 310.0, path, how="statmethods run")  # more than three times the time: replaced
    data = json.loads(path.read_text(encoding="utf-8"))
    assert set(data["chapters"]) == {"a", "b"}
    a = data["chapters"]["a"]
    assert a["seconds"] == 16.0 and a["peak_memory_mb"] == 310 and a["measured_by"] == "statmethods run"
    assert a["machine"]["cpu_count"] >= 1 and "platform" in a["machine"]
    assert data["chapters"]["b"]["peak_memory_mb"] is None
    assert load(tmp_path / "none.json")["chapters"] == {}


def test_formats():
    assert format_seconds(4.6) == "5 s" and format_seconds(378) == "6 min 18 s"
    assert format_memory(None) == "–" and format_memory(2048) == "2.0 GB"


def test_a_repeated_measurement_leaves_the_record_as_it_is(tmp_path):
    path = tmp_path / "chapters.json"
    record("demo", 30.0, 400.0, path)
    before = path.read_text()
    record("demo", 85.0, 430.0, path)  # run-to-run noise on the same machine
    assert path.read_text() == before
    record("demo", 95.0, 430.0, path)  # a material change is recorded
    assert load(path)["chapters"]["demo"]["seconds"] == 95.0
