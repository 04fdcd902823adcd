"""The chapter runner: parameters cell parsing, validation, `statmethods run` and provenance."""

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from statmethods.chapters import ParameterError, get_chapter, parse_value, validate_parameters
from statmethods.chapters.catalog import parse_parameters

ROOT = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-m", "statmethods.cli"]


def run_cli(*args, env=None, cwd=ROOT):
    return subprocess.run([*CLI, *args], capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, **(env or {})}, timeout=600)


def test_parameters_cell_gives_defaults_and_comments():
    src = "# the classes\nclass_names = ['a', 'b']  # in matrix order\nconfidence = 0.95  # level\n"
    p = parse_parameters(src)
    assert p["class_names"].default == ["a", "b"]
    assert p["class_names"].comment == "the classes in matrix order"
    assert p["confidence"].comment == "level"


def test_parameters_cell_refuses_code():
    with pytest.raises(ValueError, match="plain literal"):
        parse_parameters("x = compute()\n")


def test_value_is_parsed_as_yaml_literal():
    assert parse_value("[[66,0],[1,55]]") == [[66, 0], [1, 55]]
    assert parse_value("0.9") == 0.9
    assert parse_value("[cropland, other]") == ["cropland", "other"]


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"colour": 1}, "unknown parameter"),
        ({"confidence": "high"}, "parameter 'confidence' expects a number"),
        ({"confidence": 1.5}, "between 0 and 1"),
        ({"sample_counts": [1, 2, 3]}, "wrong shape"),
        ({"sample_counts": [[1, 2], [3]]}, "rectangular"),
        ({"class_names": "forest"}, "parameter 'class_names' expects a list"),
        ({"sample_counts": [[66, 0, 5, 4], [0, 55, 8, 12], [1, 0, 153, 11], [2, 1, 9, -3]]}, "non-negative"),
        ({"class_names": ["a", "b"]}, "class_names has 2 names"),
        ({"sample_counts": [[66, 0, 5, 4], [0, 0, 0, 0], [1, 0, 153, 11], [2, 1, 9, 313]]}, "Forest gain"),
        ({"n_replicates": 10.5}, "non-integer"),
    ],
)
def test_bad_parameters_are_refused_naming_the_parameter(overrides, message):
    with pytest.raises(ParameterError, match=message):
        validate_parameters(get_chapter("area-accuracy"), overrides)


def test_cli_refuses_bad_parameter_before_running(tmp_path):
    out = tmp_path / "run"
    res = run_cli("run", "area-accuracy", "-p", "confidence", "1.5", "--output", str(out))
    assert res.returncode == 2
    assert "confidence" in res.stderr and "between 0 and 1" in res.stderr
    assert not out.exists()


def test_cli_run_with_olofsson_2013_matrix_writes_results_and_provenance(tmp_path):
    out = tmp_path / "run"
    params = tmp_path / "p.yaml"
    params.write_text("class_names: [c1, c2, c3]\nmap_area: [22353, 1122543, 610228]\nn_replicates: 200\n")
    before = (ROOT / "notebooks/area/area-accuracy.ipynb").read_bytes()
    res = run_cli("run", "area-accuracy", "--params-file", str(params),
                  "-p", "sample_counts", "[[97,0,3],[3,279,18],[2,1,97]]", "--output", str(out))
    assert res.returncode == 0, res.stderr
    table = pd.read_csv(out / "area_estimates.csv")
    assert list(table.columns) == ["class", "map_area_ha", "area_ha", "area_ci_ha", "users_accuracy",
                                   "users_ci", "producers_accuracy", "producers_ci"]
    # Independent hand computation (Olofsson et al. 2013, Example 1): class 1 area proportion
    # = W1*97/100 + W2*3/300 + W3*2/100.
    ntot = 22353 + 1122543 + 610228
    p1 = (22353 * 0.97 + 1122543 * 0.01 + 610228 * 0.02) / ntot
    assert table.loc[0, "area_ha"] == pytest.approx(p1 * ntot * 0.09, rel=1e-9)
    summary = json.loads((out / "summary.json").read_text())
    oa = (22353 * 0.97 + 1122543 * 279 / 300 + 610228 * 0.97) / ntot
    assert summary["overall_accuracy"] == pytest.approx(oa, abs=1e-6)
    record = json.loads((out / "run.json").read_text())
    assert record["chapter"] == "area-accuracy" and record["status"] == "ok"
    assert record["parameters"]["sample_counts"] == [[97, 0, 3], [3, 279, 18], [2, 1, 97]]
    assert record["parameters"]["output_dir"] == str(out.resolve())
    for key in ["statmethods_version", "git_commit", "started", "ended", "input_data"]:
        assert key in record
    assert (out / "area-accuracy.ipynb").exists()
    assert (ROOT / "notebooks/area/area-accuracy.ipynb").read_bytes() == before


def test_output_inside_notebooks_is_refused():
    res = run_cli("run", "area-accuracy", "--output", str(ROOT / "notebooks/area/tmp-run"))
    assert res.returncode == 2 and "inside notebooks/" in res.stderr
    assert not (ROOT / "notebooks/area/tmp-run").exists()


def _mini_project(tmp_path, code):
    tmp_path.mkdir(parents=True)
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: x\n")
    (tmp_path / "notebooks/x").mkdir(parents=True)
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell("fail = True  # raise on purpose\n")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell("# A failing chapter"), params,
                nbformat.v4.new_code_cell("print('before')"), nbformat.v4.new_code_cell(code)]
    nbformat.write(nb, tmp_path / "notebooks/x/failing.ipynb")
    return tmp_path


def test_failing_chapter_exits_nonzero_and_keeps_partial_notebook(tmp_path):
    root = _mini_project(tmp_path / "proj", "if fail:\n    raise RuntimeError('boom')")
    out = tmp_path / "out"
    res = run_cli("run", "failing", "--output", str(out), env={"STATMETHODS_ROOT": str(root)}, cwd=root)
    assert res.returncode == 1
    assert "boom" in res.stderr and "partial notebook" in res.stderr
    nb = nbformat.read(out / "failing.ipynb", as_version=4)
    assert any("before" in o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert json.loads((out / "run.json").read_text())["status"] == "failed"


def test_list_shows_ids_parameters_and_comments():
    res = run_cli("list")
    assert res.returncode == 0
    assert "area-accuracy" in res.stdout
    assert "sample_counts = [[66, 0, 5, 4]" in res.stdout
    assert "rows = map class" in res.stdout


def test_every_chapter_has_one_parameters_cell_and_output_dir():
    from statmethods.chapters import chapters

    found = chapters(ROOT)
    assert found, "no chapters found"
    for ch in found.values():
        assert "output_dir" in ch.parameters, ch.id
        assert all(p.comment for p in ch.parameters.values()), f"{ch.id}: undocumented parameter"


def test_normalise_strips_timings_and_joins_split_prints():
    from statmethods.chapters import normalise_notebook

    nb = nbformat.v4.new_notebook()
    nb.metadata["papermill"] = {"duration": 1.5}
    cell = nbformat.v4.new_code_cell("print('a', end=''); print()")
    cell.metadata["papermill"] = {"start_time": "2026-01-01"}
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="a"),
                    nbformat.v4.new_output("stream", name="stdout", text="\n"),
                    nbformat.v4.new_output("stream", name="stderr", text="warn\n")]
    nb.cells = [cell]
    out = normalise_notebook(nb)
    assert "papermill" not in out.metadata and "papermill" not in out.cells[0].metadata
    assert [(o.name, o.text) for o in out.cells[0].outputs] == [("stdout", "a\n"), ("stderr", "warn\n")]
    assert out.metadata["kernelspec"]["name"] == "python3"


def test_every_chapter_is_in_the_table_of_contents_and_back():
    import yaml

    from statmethods.chapters import chapters

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = {c["file"] for part in toc["parts"] for c in part["chapters"]}
    in_toc = {f.split("/")[-1] for f in files if f.startswith("notebooks/")}
    assert in_toc == set(chapters(ROOT))
    for f in files:
        assert (ROOT / f).with_suffix(".ipynb").exists() or (ROOT / f).with_suffix(".md").exists(), f
