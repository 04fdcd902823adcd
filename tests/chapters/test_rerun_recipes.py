"""Every chapter's "Rerun on your own data" recipe runs as written (`make recipes`).

The files are built from the chapter's `rerun-files` block, the `rerun-commands` block runs with
bash in that folder, and only the output folder of each `statmethods run` is changed. A chapter
whose text and files disagree fails here. See CONTRIBUTING.md, "Rerun recipes".
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from statmethods.chapters import chapters
from statmethods.chapters.recipes import build_files, code_blocks, read_recipe, rewrite_outputs

ROOT = Path(__file__).resolve().parents[2]
IDS = sorted(chapters(ROOT))


def test_rewrite_changes_only_the_output_folder(tmp_path):
    script = "export K=1\nstatmethods run x \\\n  -p a 'b c' --output old\nstatmethods run y\n"
    new, outs = rewrite_outputs(script, tmp_path)
    assert outs == [tmp_path / "run-1", tmp_path / "run-2"]
    assert new.splitlines() == ["export K=1", f"statmethods run x -p a 'b c' --output {tmp_path}/run-1",
                                f"statmethods run y --output {tmp_path}/run-2"]


def test_code_blocks_need_the_class():
    text = ("```{code-block} bash\n:name: x\necho a\n```\n"
            "```{code-block} bash\n:class: rerun-commands\necho b\n```\n")
    assert code_blocks(text, "rerun-commands") == [("bash", "echo b")]


@pytest.mark.recipes
@pytest.mark.parametrize("chapter_id", IDS)
def test_recipe_is_well_formed(chapter_id):
    recipe = read_recipe(chapter_id, ROOT)
    assert recipe.files, "the rerun-files block describes no file"
    assert "statmethods run " + chapter_id in recipe.commands.replace("\\\n", " ")
    named = recipe.commands
    unused = [f for f in recipe.files
              if f not in named and not any(f in str(d.get("content", "")) for d in recipe.files.values())]
    assert not unused, f"files described but never named in the commands: {unused}"


@pytest.mark.recipes
@pytest.mark.parametrize("chapter_id", IDS)
def test_recipe_runs_as_written(chapter_id, tmp_path):
    recipe = read_recipe(chapter_id, ROOT)
    work = tmp_path / "work"
    built = build_files(recipe, work)
    script, outs = recipe.run_commands(tmp_path / "out")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
           "STATMETHODS_ROOT": str(ROOT)}
    proc = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=work, env=env,
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, f"recipe failed:\n{script}\n--- stderr ---\n{proc.stderr[-4000:]}"
    for noise in ("Passed unknown parameter", "Unable to parse line", "without encryption", "Traceback",
                  "KeyboardInterrupt caught"):
        assert noise not in proc.stdout + proc.stderr, f"the run printed {noise!r}:\n{proc.stderr[-2000:]}"
    read: set[str] = set()
    for out in outs:
        record = json.loads((out / "run.json").read_text(encoding="utf-8"))
        assert record["status"] == "ok"
        users = [Path(f["file"]) for f in record["input_data"] if f.get("source") == "user"]
        assert users, f"{out.name} read no user file"
        read |= {str(p.resolve().relative_to(work.resolve())).split(os.sep)[0] for p in users
                 if p.resolve().is_relative_to(work.resolve())}
    described = {str(p.relative_to(work)).split(os.sep)[0] for p in built}
    params_files = {n for n, d in recipe.files.items() if d["kind"] == "text"}
    assert described - params_files <= read, f"described but not read: {described - params_files - read}"
