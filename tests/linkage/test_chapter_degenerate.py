"""A valid but degenerate linkage (no person in both files) runs to the end with sentences, not errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from statmethods.chapters import get_chapter, run_chapter, validate_parameters

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.userfiles


def test_linkage_with_no_true_match_and_an_empty_review_band_runs_to_the_end(tmp_path, monkeypatch):
    from tests.chapters.user_files import privacy_record_linkage as uf

    monkeypatch.chdir(tmp_path)
    params = uf.make_inputs(tmp_path)
    uf.write_pair(tmp_path, disjoint=True)
    params.update(review_lower=0.89999, threshold=0.9)
    ch = get_chapter("privacy-record-linkage", ROOT)
    rec = run_chapter(ch, validate_parameters(ch, params), tmp_path / "run")
    assert rec.record["status"] == "ok"
    nb = json.loads(next((tmp_path / "run").rglob("*.ipynb")).read_text())
    text = "".join("".join(o.get("text", "")) for c in nb["cells"] for o in c.get("outputs", []))
    assert "no true match exists" in text
    assert "review queue is empty" in text
    assert "Traceback" not in text
