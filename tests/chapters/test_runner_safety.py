"""The runner keeps its promises: nothing outside the run folder, no overwrite, clear errors."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner

from statmethods.chapters import execute
from statmethods.cli import app

ROOT = Path(__file__).resolve().parents[2]
SOURCE = """\
import os
from statmethods import inputs
"""
PARAMS = ('table_file = "sae/milk.rda"  # a table\n'
          'fail_with = ""  # raise this message\noutput_dir = "results"\n')
BODY = """\
df = inputs.read_table(table_file, "table_file")
if fail_with:
    raise ValueError(fail_with)
os.makedirs(output_dir, exist_ok=True)
df.head(3).to_csv(os.path.join(output_dir, "head.csv"), index=False)
print(len(df))
"""


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A one-chapter handbook (fast to run) in a temporary folder."""
    root = tmp_path / "book"
    (root / "notebooks" / "demo").mkdir(parents=True)
    (root / "_toc.yml").write_text("format: jb-book\n", encoding="utf-8")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Tiny"), nbformat.v4.new_code_cell(SOURCE),
                nbformat.v4.new_code_cell(PARAMS, metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell(BODY)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, root / "notebooks" / "demo" / "tiny.ipynb")
    monkeypatch.setenv("STATMETHODS_ROOT", str(root))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return root


def invoke(*args):
    res = CliRunner().invoke(app, list(args))
    return res.exit_code, res.output + (res.stderr if res.stderr_bytes is not None else "")


def test_output_dir_parameter_stays_inside_the_run_folder(project, tmp_path):
    code, text = invoke("run", "tiny", "-p", "output_dir", "notebooks/area/zz", "--output", "run1")
    assert code == 0, text
    assert (Path("run1") / "notebooks/area/zz/head.csv").is_file()
    assert not (project / "notebooks" / "area").exists()
    for bad in [str(tmp_path / "elsewhere"), "../escape"]:
        code, text = invoke("run", "tiny", "-p", "output_dir", bad, "--output", f"run-{len(bad)}")
        assert code == 2 and "leaves the run folder" in text, text
        assert not list(Path(".").glob("run-*/*.ipynb"))
    assert not (tmp_path / "elsewhere").exists()


def test_non_empty_output_is_refused_unless_forced_and_user_files_survive(project):
    out = Path("mine")
    out.mkdir()
    (out / "summary.json").write_text("my own file", encoding="utf-8")
    code, text = invoke("run", "tiny", "--output", "mine")
    assert code == 2 and "not empty" in text and "--force" in text
    assert not (out / "tiny.ipynb").exists()
    code, text = invoke("run", "tiny", "--output", "mine", "--force")
    assert code == 0, text
    assert (out / "summary.json").read_text(encoding="utf-8") == "my own file"
    rec = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert rec["result_files"] == ["head.csv"]
    code, text = invoke("run", "tiny", "--output", "mine")
    assert code == 2 and "already holds a run" in text


def test_unwritable_output_is_refused_before_the_run(project):
    Path("afile").write_text("x", encoding="utf-8")
    code, text = invoke("run", "tiny", "--output", "afile/run")
    assert code == 2 and "is a file" in text
    if os.geteuid() != 0:  # root may write anywhere
        ro = Path("ro")
        ro.mkdir()
        ro.chmod(0o500)
        code, text = invoke("run", "tiny", "--output", "ro/run")
        assert code == 2 and "cannot be written" in text


def test_relative_user_file_is_read_from_the_invocation_folder_and_recorded(project):
    Path("data").mkdir()
    Path("data/mine.csv").write_text("code,n\n01,3\n02,5\n", encoding="cp949")
    code, text = invoke("run", "tiny", "-p", "table_file", "data/mine.csv", "--output", "r")
    assert code == 0, text
    rec = json.loads(Path("r/run.json").read_text(encoding="utf-8"))
    user = [f for f in rec["input_data"] if f["source"] == "user"]
    assert [Path(f["file"]).name for f in user] == ["mine.csv"]
    assert rec["parameters"]["table_file"] == str(Path("data/mine.csv").resolve())
    assert rec["python"] and "pandas" in rec["packages"]


def test_missing_user_file_says_file_not_found_before_the_kernel(project):
    code, text = invoke("run", "tiny", "-p", "table_file", "nope.csv", "--output", "r")
    # the tiny chapter has no checks module: the kernel reads it and fails with the io message
    assert code == 1 and "file not found" in text and "nope.csv" in text


def test_chapter_failure_shows_the_whole_message(project):
    code, text = invoke("run", "tiny", "-p", "fail_with", "first line\nsecond line ^^^", "--output", "f")
    assert code == 1
    assert "ValueError: first line" in text and "second line" in text
    assert json.loads(Path("f/run.json").read_text(encoding="utf-8"))["status"] == "failed"


@pytest.mark.parametrize(("content", "phrase"), [
    (b"confidence: 0.9\nconfidence: 0.8\n", "given twice"),
    (b"\xff\xfeb\x00a\x00d\x00", "not UTF-8"),
    (b"a: [1, 2\n", "not valid YAML"),
    (b"- just\n- a list\n", "must be a YAML mapping"),
])
def test_bad_params_file_gives_one_paragraph(project, content, phrase):
    Path("p.yaml").write_bytes(content)
    code, text = invoke("run", "tiny", "--params-file", "p.yaml", "--output", "x")
    assert code == 2 and phrase in text and "Traceback" not in text
    assert not Path("x").exists()


def test_unquoted_date_stays_text(project):
    from statmethods.chapters import parse_value

    assert parse_value("2021-07-01") == "2021-07-01"


def test_ctrl_c_records_interrupted(project, monkeypatch):
    def stop(*a, **k):
        raise KeyboardInterrupt

    import papermill

    monkeypatch.setattr(papermill, "execute_notebook", stop)
    code, text = invoke("run", "tiny", "--output", "i")
    assert code == 130 and "interrupted" in text
    assert json.loads(Path("i/run.json").read_text(encoding="utf-8"))["status"] == "interrupted"


def test_full_disk_gives_a_message_not_a_traceback(project, monkeypatch):
    def full(*a, **k):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(execute.Path, "write_text", full)
    code, text = invoke("run", "tiny", "--output", "d")
    assert code == 1 and "disk is full" in text and "Traceback" not in text


def test_data_verify_unknown_name_lists_known(monkeypatch):
    code, text = invoke("data", "verify", "nosuch")
    assert code == 2 and "Known datasets" in text and "sae" in text


def test_force_never_writes_over_a_user_file_or_through_a_symlink(project, tmp_path):
    out = Path("mine")
    out.mkdir()
    (out / "head.csv").write_text("my own head.csv", encoding="utf-8")
    outside = tmp_path / "outside"
    outside.mkdir()
    (out / "tiny.ipynb").symlink_to(outside / "victim.ipynb")
    code, text = invoke("run", "tiny", "--output", "mine", "--force")
    assert code == 0, text
    assert (out / "head.csv").read_text(encoding="utf-8") == "my own head.csv"
    assert not (outside / "victim.ipynb").exists() and not list(outside.iterdir())
    rec = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert set(rec["kept_back"]) == {"head.csv", "tiny.ipynb"} and "kept back" in text
    # a second forced run may replace what the first run wrote, never the user's file
    code, text = invoke("run", "tiny", "--output", "mine", "--force")
    assert code == 0 and (out / "head.csv").read_text(encoding="utf-8") == "my own head.csv"


def test_a_symlinked_folder_in_the_run_folder_is_not_written_through(project, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    Path("mine").mkdir()
    Path("mine/results").symlink_to(outside)
    code, text = invoke("run", "tiny", "--output", "mine", "--force", "-p", "output_dir", "results")
    assert code == 2 and "leaves the run folder" in text and "Fix:" in text
    assert not list(outside.iterdir())


def test_two_runs_cannot_share_one_folder(project):
    from statmethods.chapters import staging

    Path("busy").mkdir()
    lock = staging.acquire_lock(Path("busy").resolve())
    code, text = invoke("run", "tiny", "--output", "busy", "--force")
    assert code == 2 and "in use by another run" in text and "Fix:" in text
    staging.release_lock(lock)
    code, text = invoke("run", "tiny", "--output", "busy", "--force")
    assert code == 0, text and not (Path("busy") / staging.LOCK).exists()


def test_a_run_prints_no_papermill_or_kernel_noise(project):
    import subprocess
    import sys

    env = {**os.environ, "STATMETHODS_ROOT": str(project)}
    proc = subprocess.run([sys.executable, "-m", "statmethods.cli", "run", "tiny", "-p", "fail_with", "",
                           "--output", "quiet"], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout + proc.stderr
    for noise in ("Passed unknown parameter", "Unable to parse line", "without encryption", "Traceback",
                  "KeyboardInterrupt caught"):
        assert noise not in text, text
    assert "head.csv" in proc.stdout
