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

.PHONY: book test venv unit nbval userfiles recipes lint html html-en html-ko i18n clean

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(if $(shell command -v $(PYTHON) 2>/dev/null),,$(error $(PYTHON) not found: install Python 3.11, or name one with make PYTHON=/path/to/python3.11))
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3" >/dev/null
	touch $@

## book: install, execute every chapter in place on its defaults, build _build/html (English) and
## _build/html/ko (Korean). `make book CHAPTERS="area-accuracy area-small-area"` re-executes only
## those. Prints each chapter's time and peak memory and records them, with the machine, in
## benchmarks/results/chapters.json (the performance appendix and every chapter page show them).
book: venv
	$(BIN)/statmethods data docs --output book/datasets.md
	@ids="$(CHAPTERS)"; [ -n "$$ids" ] || ids=$$($(BIN)/statmethods list | grep -v '^[[:space:]]' | cut -d' ' -f1); \
	$(BIN)/python -m statmethods.chapter_timing $$ids
	$(BIN)/python -m statmethods.perf --output book/performance.md
	@t0=$$(date +%s); $(MAKE) --no-print-directory html; echo "book: html (English and Korean) built in $$(( $$(date +%s) - t0 )) s"

## html: both editions, strict (-W -n --keep-going): _build/html/ko, then _build/html (the English
## build's Hangul font then covers the Korean pages under it too; see statmethods.book_fonts),
## then a check that every Hangul character of every page is in the embedded font subset
html: html-ko
	@$(MAKE) --no-print-directory html-en
	$(BIN)/python -m statmethods.book_fonts _build/html

html-en: venv
	$(BIN)/jupyter-book build . --builder html -W -n --keep-going

html-ko: venv
	$(BIN)/python tools/i18n_update.py --build --strict

## i18n: regenerate the Korean catalogues (locales/ko) from the sources and list the required
## messages that are missing or stale; translate those in the .po files
i18n: venv
	$(BIN)/python tools/i18n_update.py

## test: lint, unit tests, nbval on every chapter, strict book build
test: venv lint unit nbval userfiles recipes html

lint: venv
	$(BIN)/ruff check src tests benchmarks tools notebooks book/_ext

unit: venv
	$(BIN)/pytest -q tests
	$(BIN)/pytest -q -p no:cacheprovider --doctest-modules src/statmethods book/_ext

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
