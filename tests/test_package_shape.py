"""The package's shape (issue 22): small modules and functions, methods free of chapter inputs."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "statmethods"
MODULES = sorted(PACKAGE.rglob("*.py"))
METHOD_PACKAGES = ["applications", "area", "autocode", "classify", "imagery", "indicators", "linkage",
                   "privacy"]
CHAPTER_LAYER = re.compile(r"statmethods\.data|statmethods import (inputs|data)|from \.\.data|from \.\.inputs"
                           r"|from \.\. import (inputs|data)")


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_module_and_its_functions_are_small(path):
    text = path.read_text(encoding="utf-8")
    assert text.count("\n") <= 700, f"{path.name} has {text.count(chr(10))} lines (at most 700)"
    long = [f"{n.name} ({n.end_lineno - n.lineno + 1} lines)" for n in ast.walk(ast.parse(text))
            if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.end_lineno - n.lineno + 1 > 80]
    assert not long, f"{path.name}: functions over 80 lines: {', '.join(long)}"


@pytest.mark.parametrize("package", METHOD_PACKAGES)
def test_method_packages_import_neither_the_catalogue_nor_the_input_layer(package):
    hits = [f"{p.relative_to(PACKAGE)}:{i}: {line.strip()}"
            for p in sorted((PACKAGE / package).rglob("*.py"))
            for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
            if CHAPTER_LAYER.search(line)]
    assert not hits, "method modules reach into the chapter layer:\n" + "\n".join(hits)


def test_conf_int_is_written_once_plus_listed_overrides():
    overrides = {"results.py", "small_area.py", "evaluate.py", "dp.py", "fellegi_sunter.py"}
    found = {p.name for p in MODULES if "def conf_int(" in p.read_text(encoding="utf-8")}
    assert found == overrides, f"conf_int defined in {sorted(found)}; the base is results.py"
