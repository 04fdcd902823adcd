"""The book's performance appendix, generated from the benchmarks' JSON results.

Each ``benchmarks/bench_<name>.py`` writes ``benchmarks/results/<name>.json`` (through
``benchmarks/_timing.py``'s ``write_results``) with the machine, the date and one row per
comparison: ``case``, ``method``, ``peer``, ``seconds``, ``peer_seconds`` and ``ratio``
(``seconds / peer_seconds``; below 1 means faster than the peer), plus any other measures.
:func:`performance_markdown` turns the folder into the MyST page ``book/performance.md``; nothing
on that page is typed by hand.

Run ``python -m statmethods.perf --output book/performance.md`` from the repository root to
regenerate the page after a benchmark has been rerun.

Examples
--------
>>> import json, tempfile
>>> from pathlib import Path
>>> folder = Path(tempfile.mkdtemp())
>>> row = {"case": "4 Mpx", "method": "ndvi", "peer": "numpy", "seconds": 0.2,
...        "peer_seconds": 0.1, "ratio": 2.0}
>>> payload = {"benchmark": "ndvi", "machine": {"date": "2026-12-01 22:14 UTC", "cpu_count": 2},
...            "results": [row]}
>>> _ = (folder / "ndvi.json").write_text(json.dumps(payload))
>>> page = performance_markdown(folder)
>>> print(page.splitlines()[0])
# Performance
>>> "| 4 Mpx | ndvi | numpy | 0.2 | 0.1 | 2.00 |" in page
True
>>> "## Chapters" in page and "## Method comparisons" in page
True
"""

from __future__ import annotations

import argparse
import ast
import json
import math
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

__all__ = ["BenchmarkResults", "load_results", "performance_markdown"]

CHAPTERS_FILE = "chapters.json"  # written by statmethods.chapter_timing (make book), not a benchmark
# benchmark -> the chapter whose method it measures (a result file's own "chapter" key wins)
BENCHMARK_CHAPTERS: dict[str, str] = {
    "area": "area-landcover-map",
    "autocode": "autocode-industry-occupation",
    "crop": "autocode-crop-types",
    "degurba": "satellite-urbanisation",
    "linkage": "privacy-record-linkage",
    "ndvi": "satellite-indices",
    "population": "satellite-population-imagery",
    "poverty": "satellite-poverty-mapping",
    "zonal": "satellite-land-consumption",
}
MAX_EXTRA_COLUMNS = 4  # measures beyond the timing columns go in tables of at most this many
REQUIRED_ROW_KEYS: tuple[str, ...] = ("case", "method", "peer", "seconds", "peer_seconds", "ratio")
_MACHINE_KEYS: tuple[tuple[str, str], ...] = (
    ("platform", "platform"),
    ("processor", "processor"),
    ("cpu_count", "CPU cores"),
    ("load_average_1min", "1-minute load average"),
)


class BenchmarkResults:
    """One benchmark's JSON file, checked.

    Parameters
    ----------
    path
        ``benchmarks/results/<name>.json``.

    Raises
    ------
    ValueError
        When the file is not JSON or lacks a required key, naming the file and the key.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            payload = json.loads(self.path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise ValueError(f"{self.path}: not valid JSON ({exc}); rerun its benchmark script.") from None
        if not isinstance(payload, dict):
            raise ValueError(f"{self.path}: expected a JSON object with 'benchmark', 'machine', 'results'.")
        for key in ("benchmark", "machine", "results"):
            if key not in payload:
                raise ValueError(f"{self.path}: missing key {key!r}; write the file with "
                                 "benchmarks/_timing.py's write_results.")
        rows = payload["results"]
        if not isinstance(rows, list) or not rows:
            raise ValueError(f"{self.path}: 'results' must be a non-empty list of rows.")
        for i, row in enumerate(rows):
            missing = [k for k in REQUIRED_ROW_KEYS if k not in row]
            if missing:
                raise ValueError(f"{self.path}: results[{i}] lacks {missing}; every row needs "
                                 f"{list(REQUIRED_ROW_KEYS)}.")
        self.payload: dict[str, Any] = payload
        self.name: str = str(payload["benchmark"])
        self.machine: dict[str, Any] = dict(payload["machine"] or {})
        self.date: str = str(payload.get("date") or self.machine.get("date") or "not recorded")
        self.rows: list[dict[str, Any]] = rows

    @property
    def extra_keys(self) -> list[str]:
        """Keys of the rows beyond the required ones, in first-seen order."""
        seen: dict[str, None] = {}
        for row in self.rows:
            for k in row:
                if k not in REQUIRED_ROW_KEYS:
                    seen.setdefault(k)
        return list(seen)

    def description(self) -> str | None:
        """``description`` from the JSON, else the first line of the benchmark script's docstring."""
        if self.payload.get("description"):
            return str(self.payload["description"]).strip()
        script = self.path.parent.parent / f"bench_{self.path.stem.replace('-', '_')}.py"
        if not script.is_file():
            return None
        doc = ast.get_docstring(ast.parse(script.read_text(encoding="utf-8")))
        return doc.strip().splitlines()[0].strip() if doc else None


def load_results(results_dir: str | Path) -> list[BenchmarkResults]:
    """Every ``*.json`` in ``results_dir``, sorted by benchmark name then file name.

    Raises
    ------
    FileNotFoundError
        When the folder does not exist.
    """
    folder = Path(results_dir)
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder}: no such folder of benchmark results (benchmarks/results).")
    found = [BenchmarkResults(p) for p in sorted(folder.glob("*.json")) if p.name != CHAPTERS_FILE]
    return sorted(found, key=lambda b: (b.name, b.path.name))


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.0f}" if abs(value) >= 100 else f"{value:.3g}"
    if isinstance(value, (list, tuple)):
        return ", ".join(_cell(v) for v in value)
    if isinstance(value, Mapping):
        return ", ".join(f"{k} = {_cell(v)}" for k, v in value.items())
    return str(value).replace("|", "\\|").replace("\n", " ")


def _ratio(value: Any) -> str:
    if not isinstance(value, (int, float)) or isinstance(value, bool) or math.isnan(value):
        return _cell(value)
    return f"{value:.2f}" if abs(value) >= 0.1 else f"{value:.2g}"


def _table(header: list[str], rows: Iterable[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return lines


def _ratio_range(b: BenchmarkResults) -> str:
    ratios = [r["ratio"] for r in b.rows
              if isinstance(r["ratio"], (int, float)) and not isinstance(r["ratio"], bool)]
    if not ratios:
        return "–"
    lo, hi = min(ratios), max(ratios)
    return _ratio(lo) if lo == hi else f"{_ratio(lo)} to {_ratio(hi)}"


def _chapter_doc(chapter: str, root: Path) -> str:
    """A ``{doc}`` link to a chapter when its notebook is found, else its id in code."""
    found = sorted(root.glob(f"notebooks/*/{chapter}.ipynb"))
    return f"{{doc}}`/{found[0].with_suffix('').relative_to(root).as_posix()}`" if found else f"`{chapter}`"


def chapters_table(results_dir: str | Path, root: str | Path = ".") -> list[str]:
    """The appendix's first table: each chapter's run time and peak memory (``chapters.json``)."""
    from .chapter_timing import format_memory, format_seconds

    path = Path(results_dir) / CHAPTERS_FILE
    if not path.is_file():
        return ["No chapter run times have been recorded yet (`make book` records them).", ""]
    data = json.loads(path.read_text(encoding="utf-8"))
    entries: dict[str, dict[str, Any]] = data.get("chapters") or {}
    rows, machines = [], {}
    for chapter, e in sorted(entries.items()):
        m = e.get("machine") or {}
        key = (m.get("cpu_count"), m.get("memory_gb"), m.get("processor"))
        machines.setdefault(key, len(machines) + 1)
        rows.append([_chapter_doc(chapter, Path(root)), format_seconds(float(e["seconds"])),
                     format_memory(e.get("peak_memory_mb")), _cell(e.get("date")),
                     f"{_cell(e.get('measured_by'))} (machine {machines[key]})"])
    out = _table(["chapter", "run time", "peak memory", "date", "measured by"], rows)
    out += ["", "A dash: not measured yet (`make book` measures every chapter it runs; "
            "`python -m statmethods.chapter_timing ID --run-into DIR` measures one without republishing "
            "it). Notes on each value are in `benchmarks/results/chapters.json`.", "",
            "Machines: " + "; ".join(
        f"{n}: {cpus} CPU cores, {mem if mem is not None else '?'} GB memory, {proc}"
        for (cpus, mem, proc), n in machines.items()) + ".", ""]
    return out


def _figures(b: BenchmarkResults) -> list[str]:
    """A benchmark's own plots: ``"figures": [{"file": "<name>.png", "caption": "..."}]`` in its
    JSON, the image beside it in ``benchmarks/results`` (for example time and memory against
    the number of cells)."""
    out: list[str] = []
    for fig in b.payload.get("figures") or []:
        file = Path(str(fig["file"])).name
        if not (b.path.parent / file).is_file():
            raise ValueError(f"{b.path}: figure {file} is not in {b.path.parent}; write it beside the JSON.")
        out += [f"```{{figure}} ../benchmarks/results/{file}", f":alt: {_cell(fig.get('caption', file))}",
                ":width: 90%", "", _cell(fig.get("caption", "")), "```", ""]
    return out


def _comparison_tables(b: BenchmarkResults) -> list[str]:
    """The timing table (six columns) and the other measures in tables of a few columns each."""
    out = _table(["case", "method", "peer", "seconds", "peer seconds", "ratio"], (
        [_cell(r["case"]), _cell(r["method"]), _cell(r["peer"]), _cell(r["seconds"]),
         _cell(r["peer_seconds"]), _ratio(r["ratio"])] for r in b.rows))
    out.append("")
    extras = b.extra_keys
    for i in range(0, len(extras), MAX_EXTRA_COLUMNS):
        chunk = extras[i:i + MAX_EXTRA_COLUMNS]
        out += _table(["case"] + [k.replace("_", " ") for k in chunk],
                      ([_cell(r["case"])] + [_cell(r.get(k)) for k in chunk] for r in b.rows))
        out.append("")
    return out


def performance_markdown(results_dir: str | Path, root: str | Path = ".") -> str:
    """The MyST page of the book's performance appendix, from the benchmarks' JSON files.

    Parameters
    ----------
    results_dir
        The folder of ``<name>.json`` files (``benchmarks/results``), with ``chapters.json``.
    root
        The repository root, where ``notebooks/*/<chapter>.ipynb`` are looked up for links.

    Returns
    -------
    str
        The page: the chapters' run times and peak memory; an overview of the comparisons by
        chapter; then per chapter its benchmark's date, machine, parameters, a timing table
        (case, method, peer, seconds, peer seconds, ratio) and the other measures in tables of
        at most ``MAX_EXTRA_COLUMNS`` columns. The same files always give the same text.

    Raises
    ------
    FileNotFoundError, ValueError
        When the folder is missing or a file is malformed (see :class:`BenchmarkResults`).
    """
    benches = load_results(results_dir)
    out = [
        "# Performance",
        "",
        "<!-- Generated by statmethods.perf from benchmarks/results/*.json; do not edit by hand. -->",
        "<!-- Regenerate: python -m statmethods.perf --output book/performance.md -->",
        "",
        "What each chapter and each method costs. The first table is the time and the peak memory "
        "of each chapter run on its defaults, as `make book` republishes it. The comparisons after "
        "it are measured by the scripts in `benchmarks/`: each runs the handbook's implementation "
        "and a peer (the library or plain code a statistician would otherwise use) side by side, in "
        "one run on one machine. The **ratio** is the method's seconds over the peer's: below 1 the "
        "method is faster, above 1 it is slower. Seconds are the best of repeated runs; they depend "
        "on the machine and its load (both given), the ratios much less. The benchmarks are not run "
        "in CI; rerun one with `python benchmarks/bench_<name>.py`.",
        "",
        "(perf-chapters)=",
        "## Chapters",
        "",
    ]
    out += chapters_table(results_dir, root)
    out += ["## Method comparisons", ""]
    if not benches:
        out += ["No benchmark results have been recorded yet.", ""]
        return "\n".join(out)

    def chapter_of(b: BenchmarkResults) -> str:
        return str(b.payload.get("chapter") or BENCHMARK_CHAPTERS.get(b.name, b.name))

    out += _table(
        ["chapter", "benchmark", "date", "comparisons", "ratio"],
        ([_chapter_doc(chapter_of(b), Path(root)), f"{{ref}}`{_cell(b.name)} <perf-{b.name}>`",
          _cell(b.date), str(len(b.rows)), _ratio_range(b)] for b in benches),
    )
    out.append("")
    for b in benches:
        out += [f"(perf-{b.name})=", f"### {_chapter_doc(chapter_of(b), Path(root))}: {_cell(b.name)}", ""]
        desc = b.description()
        if desc:
            out += [desc, ""]
        out.append(f"- **date**: {_cell(b.date)}")
        out.append(f"- **source**: `benchmarks/results/{b.path.name}`")
        for key, label in _MACHINE_KEYS:
            if key in b.machine:
                out.append(f"- **{label}**: {_cell(b.machine[key])}")
        params = b.payload.get("parameters")
        if isinstance(params, Mapping) and params:
            out.append("- **parameters**: " + ", ".join(f"`{k}` = {_cell(v)}" for k, v in params.items()))
        out.append("")
        out += _comparison_tables(b)
        out += _figures(b)
    return "\n".join(out)


def main(argv: list[str] | None = None) -> None:
    """``python -m statmethods.perf [--results DIR] [--output FILE]``: print or write the page."""
    ap = argparse.ArgumentParser(description="Generate the book's performance appendix.")
    ap.add_argument("--results", default="benchmarks/results", help="folder of benchmark JSON files")
    ap.add_argument("--output", default=None, help="write here (book/performance.md) instead of stdout")
    ap.add_argument("--root", default=".", help="repository root (for the chapters' notebooks)")
    a = ap.parse_args(argv)
    page = performance_markdown(a.results, a.root)
    if a.output:
        Path(a.output).write_text(page, encoding="utf-8")
    else:
        print(page, end="")


if __name__ == "__main__":
    main()
