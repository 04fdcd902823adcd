"""Project wiring: pins agree, CI calls the README's test command, the public API imports."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _pins_pyproject():
    proj = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    deps = proj["dependencies"] + proj["optional-dependencies"]["dev"]
    return dict(d.split("==") for d in deps)


def test_environment_yml_has_the_same_pins_as_pyproject():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    conda = {d.split("=")[0]: d.split("=")[-1] for d in env["dependencies"] if isinstance(d, str)}
    pip = dict(p.split("==") for p in pip_section if "==" in p)
    pins = _pins_pyproject()
    for name, version in pins.items():
        got = pip.get(name) or conda.get(name) or conda.get(name.lower())
        assert got == version, f"{name}: pyproject {version}, environment.yml {got}"


def test_torch_is_pinned_to_the_cpu_wheel_on_disk():
    assert _pins_pyproject()["torch"] == "2.13.0"


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    m = re.search(r"Run the tests[^\n]*\n+```bash\n(.+?)\n```", readme, re.S)
    assert m, "README must give the test command in a bash block after 'Run the tests'"
    command = m.group(1).strip()
    ci = (ROOT / ".ci" / "run").read_text()
    assert any(line.strip() == command for line in ci.splitlines())


def test_jupyter_book_stays_below_2():
    assert _pins_pyproject()["jupyter-book"].startswith("1.")


def test_public_api_imports():
    import importlib

    import statmethods

    assert statmethods.__version__
    for sub in ("area", "chapters", "data", "imagery", "indicators", "earthengine", "autocode"):
        mod = importlib.import_module(f"statmethods.{sub}")
        for name in mod.__all__:
            assert hasattr(mod, name), f"{mod.__name__}.{name}"
