"""Each chapter runs to the end on a small user file (separate from nbval: `make userfiles`)."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest

from statmethods.chapters import chapters, get_chapter, run_chapter, validate_parameters

from . import user_files

ROOT = Path(__file__).resolve().parents[2]
MODULES = {i.name.replace("_", "-"): f"{user_files.__name__}.{i.name}"
           for i in pkgutil.iter_modules(user_files.__path__)}

pytestmark = pytest.mark.userfiles


def test_every_chapter_has_a_user_file_run():
    assert set(chapters(ROOT)) <= set(MODULES), set(chapters(ROOT)) - set(MODULES)


def _runs() -> list[tuple[str, str]]:
    out = []
    for chapter_id, name in sorted(MODULES.items()):
        mod = importlib.import_module(name)
        out += [(chapter_id, "user-file")] + [(chapter_id, case) for case in getattr(mod, "EXTRA_RUNS", {})]
    return out


@pytest.mark.parametrize(("chapter_id", "case"), _runs(), ids=[f"{c}:{k}" for c, k in _runs()])
def test_chapter_runs_on_a_user_file(chapter_id, case, tmp_path, monkeypatch):
    mod = importlib.import_module(MODULES[chapter_id])
    monkeypatch.chdir(tmp_path)
    make = mod.make_inputs if case == "user-file" else mod.EXTRA_RUNS[case]
    params = make(tmp_path)
    ch = get_chapter(chapter_id, ROOT)
    checked = validate_parameters(ch, params)
    rec = run_chapter(ch, checked, tmp_path / "run")
    assert rec.record["status"] == "ok"
    users = [f for f in rec.record["input_data"] if f.get("source") == "user"]
    assert users, "no user file was read"
    assert all(Path(f["file"]).is_relative_to(tmp_path) for f in users)
    for f in mod.EXPECTED_FILES:
        assert (rec.output_dir / f).is_file(), f
    leaks = user_files.bundled_leaks(rec.output_dir, getattr(mod, "BUNDLED", ()))
    assert not leaks, f"the outputs describe the bundled dataset, not the user's: {leaks}"
    check_outputs = getattr(mod, "check_outputs", None)
    if check_outputs is not None and case == "user-file":  # chapter-specific checks of what the run wrote
        check_outputs(rec.output_dir, tmp_path)
