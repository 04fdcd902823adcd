# Two entry points (see README): `make book` and `make test`. CI calls `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
# Offline data cache: use ../shared/data when it is there and nothing else was set.
STATMETHODS_DATA_DIR ?= $(if $(wildcard ../shared/data/MANIFEST.sha256),$(abspath ../shared/data),)
export STATMETHODS_DATA_DIR
export PYTHONHASHSEED := 0

.PHONY: book test venv unit nbval userfiles recipes lint docs-check html publish clean

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(if $(shell command -v $(PYTHON) 2>/dev/null),,$(error $(PYTHON) not found: install Python 3.11, or name one with make PYTHON=/path/to/python3.11))
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3" >/dev/null
	touch $@

## book: install, execute every chapter in place on its defaults, build _build/html
## (`make book CHAPTERS="area-accuracy area-small-area"` re-executes only those); prints each chapter's time
book: venv
	$(BIN)/statmethods data docs --output book/datasets.md
	$(BIN)/python -m statmethods.perf --output book/performance.md
	@ids="$(CHAPTERS)"; [ -n "$$ids" ] || ids=$$($(BIN)/statmethods list | grep -v '^[[:space:]]' | cut -d' ' -f1); \
	start=$$(date +%s); times=""; \
	for id in $$ids; do \
	  t0=$$(date +%s); $(BIN)/statmethods publish "$$id"; \
	  times+=$$(printf '  %-36s %5d s' "$$id" $$(( $$(date +%s) - t0 )))$$'\n'; \
	done; \
	printf 'book: chapter times\n%s  %-36s %5d s\n' "$$times" "all chapters" $$(( $$(date +%s) - start ))
	@t0=$$(date +%s); $(MAKE) --no-print-directory html; echo "book: html built in $$(( $$(date +%s) - t0 )) s"

html: venv
	$(BIN)/jupyter-book build . --builder html -W -n --keep-going

## test: lint, unit tests, nbval on every chapter, strict book build
test: venv lint unit nbval userfiles recipes html

lint: venv
	$(BIN)/ruff check src tests benchmarks tools notebooks

unit: venv
	$(BIN)/pytest -q tests
	$(BIN)/pytest -q -p no:cacheprovider --doctest-modules src/statmethods

## userfiles: every chapter once, through papermill, on a small user file
userfiles: venv
	$(BIN)/pytest -q -p no:cacheprovider -m userfiles tests/chapters/test_user_files.py

## recipes: every chapter's "Rerun on your own data" commands, as written, on files built from its text
recipes: venv
	$(BIN)/pytest -q -p no:cacheprovider -m recipes tests/chapters/test_rerun_recipes.py

nbval: venv
	$(BIN)/pytest -q -p no:cacheprovider --nbval --nbval-current-env \
	  --nbval-sanitize-with tests/nbval_sanitize.cfg notebooks

clean:
	rm -rf _build runs
