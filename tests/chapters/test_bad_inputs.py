"""Bad inputs are refused before the kernel starts, with a message that helps."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from statmethods.chapters import chapters
from statmethods.cli import app

from . import bad_inputs

ROOT = Path(__file__).resolve().parents[2]


def _modules() -> dict[str, list]:
    out = {}
    for info in pkgutil.iter_modules(bad_inputs.__path__):
        mod = importlib.import_module(f"{bad_inputs.__name__}.{info.name}")
        out[info.name.replace("_", "-")] = mod.CASES
    return out


CASES = _modules()
FLAT = [(ch, case) for ch, cases in CASES.items() for case in cases]


def test_every_chapter_has_at_least_six_bad_input_cases():
    known = set(chapters(ROOT))
    assert set(CASES) <= known, f"cases for unknown chapters: {set(CASES) - known}"
    missing = {c: len(CASES.get(c, [])) for c in known if len(CASES.get(c, [])) < 6}
    assert not missing, f"chapters with fewer than 6 bad-input cases: {missing}"
    assert len(FLAT) >= 60


def _fill(value, tmp: Path):
    if isinstance(value, str):
        return value.replace("{tmp}", str(tmp))
    if isinstance(value, list):
        return [_fill(v, tmp) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, tmp) for k, v in value.items()}
    return value


def _as_cli(value) -> str:
    import yaml

    if isinstance(value, str):
        return value
    return yaml.safe_dump(value, default_flow_style=True).strip().removesuffix("\n...")


@pytest.mark.parametrize(("chapter", "case"), FLAT, ids=[f"{c}:{k.id}" for c, k in FLAT])
def test_bad_input_is_refused_before_the_kernel_starts(chapter, case, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("STATMETHODS_ROOT", str(ROOT))
    if case.files is not None:
        case.files(tmp_path)
    out = tmp_path / "run-out"
    args = ["run", chapter]
    for name, value in _fill(case.params, tmp_path).items():
        args += ["-p", name, _as_cli(value)]
    extra = [a.replace("{tmp}", str(tmp_path)) for a in case.args]
    if "--output" not in extra:
        extra += ["--output", str(out)]
    res = CliRunner().invoke(app, args + extra)
    text = res.output + (res.stderr if res.stderr_bytes is not None else "")
    assert res.exit_code == case.exit_code, text
    assert case.phrase.lower() in " ".join(text.lower().split()), text
    assert "Traceback" not in text
    assert "Fix:" in text, f"a refusal without a 'Fix:': {text}"
    assert not list(tmp_path.rglob(f"{chapter}.ipynb")), "the kernel started"


def test_every_case_names_a_known_class():
    bad = [(c, k.id, k.kind) for c, k in FLAT if k.kind not in bad_inputs.KINDS]
    assert not bad, bad
