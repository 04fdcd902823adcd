"""Timing helpers shared by the benchmark scripts (run them as `python benchmarks/<script>.py`)."""

from __future__ import annotations

import os
import platform
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any


def best_of(fn: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    """Smallest wall time in seconds of ``repeats`` calls of ``fn``, and the last result."""
    best, out = float("inf"), None
    for _ in range(max(1, repeats)):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def machine_info() -> dict[str, Any]:
    """When and where a benchmark ran: date, platform, processor, cores and 1-minute load."""
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpu_count": os.cpu_count(),
        "load_average_1min": round(os.getloadavg()[0], 2),
    }


def write_results(name: str, results: list[dict[str, Any]], **extra: Any) -> str:
    """Write ``benchmarks/results/<name>.json`` for the book's performance appendix.

    ``results`` is a list of rows, each with at least ``case``, ``method``, ``peer``,
    ``seconds``, ``peer_seconds`` and ``ratio`` (``seconds / peer_seconds``, so below 1 means
    faster than the peer); other keys (accuracy, throughput, units, notes) are kept.
    """
    import json
    from pathlib import Path

    out = Path(__file__).resolve().parent / "results" / f"{name}.json"
    out.parent.mkdir(exist_ok=True)
    payload = {"benchmark": name, "machine": machine_info(), **extra, "results": results}
    out.write_text(json.dumps(payload, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    return str(out)
