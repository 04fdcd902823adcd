"""Run time, peak memory and machine of each chapter, as ``make book`` publishes it.

``make book`` calls ``python -m statmethods.chapter_timing ID ...``: each chapter is republished
with ``statmethods publish ID`` in a child process, its wall time and the peak resident memory
of that process tree (the publishing process and the Jupyter kernel it starts) are measured, and
``benchmarks/results/chapters.json`` is updated, one entry per chapter. Chapters not run keep
their entry. The performance appendix (:mod:`statmethods.perf`) shows the table first, and each
chapter page shows its own run time (``book/_ext/chapter_release.py``).

The file is written with sorted keys and without the timestamp of the write, so republishing
changes only the entries of the chapters that were run. Each entry keeps the SHA-256 of the
chapter's text source (``notebooks/<part>/<id>.md``). An entry is replaced when that source has
changed since it was recorded, or when the new measurement differs materially from the recorded
one (:func:`same_measurement`: another machine, a run time outside a third to three times the
recorded one, or peak memory more than 25% off); run times on a shared machine vary from run to run, and
a rebuild that reproduces an unchanged book should leave ``git status`` clean.

Examples
--------
>>> entry = {"seconds": 5.2, "peak_memory_mb": 412.0, "date": "2026-12-06", "machine": {}}
>>> format_seconds(entry["seconds"]), format_memory(entry["peak_memory_mb"])
('5 s', '412 MB')
>>> format_seconds(85.0), format_memory(1536.0)
('1 min 25 s', '1.5 GB')
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

__all__ = ["CHAPTERS_JSON", "format_memory", "format_seconds", "load", "machine", "measure", "record",
           "same_measurement"]

CHAPTERS_JSON = Path("benchmarks") / "results" / "chapters.json"
DESCRIPTION = ("Wall time and peak resident memory of `statmethods publish <id>` (the chapter executed "
               "on its defaults, kernel start included), recorded by `make book`.")


def format_seconds(seconds: float) -> str:
    """``'5 s'``, ``'1 min 25 s'``: a run time as a reader reads it."""
    s = int(round(seconds))
    return f"{s} s" if s < 60 else f"{s // 60} min {s % 60} s"


def format_memory(megabytes: float | None) -> str:
    """``'412 MB'``, ``'1.5 GB'``; an en dash when not measured."""
    if megabytes is None:
        return "–"
    return f"{megabytes:.0f} MB" if megabytes < 1024 else f"{megabytes / 1024:.1f} GB"


def machine() -> dict[str, object]:
    """The machine a chapter ran on: platform, processor, CPU cores and memory."""
    info: dict[str, object] = {"platform": platform.platform(), "processor": platform.machine(),
                               "cpu_count": os.cpu_count(), "python": platform.python_version()}
    try:
        pages, size = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
        info["memory_gb"] = round(pages * size / 2**30, 1)
    except (ValueError, OSError, AttributeError):
        pass
    return info


def measure(command: list[str]) -> tuple[int, float, float]:
    """Run ``command``; its exit status, wall seconds and peak memory (MB) of its process tree.

    The peak is ``ru_maxrss`` of the waited-for children, so this must run in a process that has
    no other children (``python -m statmethods.chapter_timing --measure``).
    """
    t0 = time.perf_counter()
    rc = subprocess.call(command)
    seconds = time.perf_counter() - t0
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
    return rc, seconds, peak_kb / 1024


def load(path: Path = CHAPTERS_JSON) -> dict[str, object]:
    """The chapters file, or an empty one."""
    if path.is_file():
        return json.loads(path.read_text(encoding="utf-8"))
    return {"description": DESCRIPTION, "chapters": {}}


def same_measurement(old: dict[str, object], seconds: float, peak_memory_mb: float | None) -> bool:
    """Whether a new measurement only repeats the recorded one, within run-to-run noise.

    Examples
    --------
    >>> old = {"seconds": 30.0, "peak_memory_mb": 400, "machine": machine()}
    >>> same_measurement(old, 75.0, 420.0), same_measurement(old, 95.0, 420.0)
    (True, False)
    """
    keys = ("processor", "cpu_count", "memory_gb")
    recorded = old.get("machine") or {}
    if not isinstance(recorded, dict) or any(recorded.get(k) != machine().get(k) for k in keys):
        return False
    t = float(old.get("seconds") or 0)
    if not (t > 0 and 1 / 3 <= seconds / t <= 3.0):
        return False
    m = old.get("peak_memory_mb")
    if m is None or peak_memory_mb is None:
        return m is None and peak_memory_mb is None
    return abs(peak_memory_mb - float(m)) <= 0.25 * float(m)


def source_sha256(chapter: str, root: Path = Path(".")) -> str | None:
    """SHA-256 of a chapter's MyST source, or ``None`` when it is not found under ``root``."""
    import hashlib

    found = sorted(root.glob(f"notebooks/*/{chapter}.md"))
    return hashlib.sha256(found[0].read_bytes()).hexdigest() if found else None


def record(chapter: str, seconds: float, peak_memory_mb: float | None, path: Path = CHAPTERS_JSON,
           how: str = "make book", source: str | None = None) -> None:
    """Write one chapter's entry into ``path`` (created if missing), unless it repeats the record.

    ``source`` is the SHA-256 of the chapter's text source; an entry recorded for another source
    is always replaced.
    """
    data = load(path)
    data["description"] = DESCRIPTION
    chapters = data.setdefault("chapters", {})
    assert isinstance(chapters, dict)
    old = chapters.get(chapter)
    if old is not None and old.get("source_sha256") == source and same_measurement(old, seconds,
                                                                                  peak_memory_mb):
        return
    chapters[chapter] = {
        "seconds": round(seconds, 1),
        "peak_memory_mb": None if peak_memory_mb is None else round(peak_memory_mb),
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "measured_by": how,
        "machine": machine(),
        "source_sha256": source,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")


def _measure_one(chapter: str, run_into: Path | None = None) -> tuple[int, float, float]:
    """Publish (or run into ``run_into``) one chapter in a fresh child process that measures it."""
    extra = ["--run-into", str(run_into)] if run_into else []
    out = subprocess.run([sys.executable, "-m", "statmethods.chapter_timing", "--measure", chapter, *extra],
                         stdout=subprocess.PIPE, text=True)
    lines = [ln for ln in out.stdout.splitlines() if ln.startswith("chapter_timing ")]
    shown = "\n".join(ln for ln in out.stdout.splitlines() if not ln.startswith("chapter_timing "))
    if shown:
        print(shown, flush=True)  # what `statmethods publish` printed
    if out.returncode != 0 or not lines:
        return out.returncode or 1, 0.0, 0.0
    _, rc, seconds, peak = lines[-1].split()
    return int(rc), float(seconds), float(peak)


def main(argv: list[str] | None = None) -> None:
    """``python -m statmethods.chapter_timing ID ...``: publish, measure and record each chapter."""
    ap = argparse.ArgumentParser(description="Publish chapters and record their run time and memory.")
    ap.add_argument("chapters", nargs="+")
    ap.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--output", type=Path, default=CHAPTERS_JSON)
    ap.add_argument("--run-into", type=Path, default=None,
                    help="measure `statmethods run ID --output DIR/ID` instead of publishing")
    a = ap.parse_args(argv)
    exe = Path(sys.executable).with_name("statmethods")
    if a.measure:
        how = (["run", a.chapters[0], "--output", str(a.run_into / a.chapters[0])] if a.run_into
               else ["publish", a.chapters[0]])
        rc, seconds, peak = measure([str(exe), *how])
        print(f"chapter_timing {rc} {seconds:.3f} {peak:.1f}", flush=True)
        raise SystemExit(0)
    start, failed = time.perf_counter(), []
    rows = []
    for chapter in a.chapters:
        rc, seconds, peak = _measure_one(chapter, a.run_into)
        if rc != 0:
            failed.append(chapter)
            continue
        record(chapter, seconds, peak, a.output, how="statmethods run" if a.run_into else "make book",
               source=source_sha256(chapter))
        rows.append(f"  {chapter:36} {format_seconds(seconds):>10} {format_memory(peak):>9}")
    print("book: chapter times and peak memory (recorded in " + str(a.output) + ")")
    print("\n".join(rows))
    print(f"  {'all chapters':36} {format_seconds(time.perf_counter() - start):>10}")
    if failed:
        print(f"book: these chapters failed: {' '.join(failed)}", file=sys.stderr)
        raise SystemExit(1)


if __name__ == "__main__":
    main()
