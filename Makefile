# The single entry point of the repository. `make help` lists every target.
# Every target bootstraps .venv (pinned by requirements-dev.txt) on first use.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
SPEC ?= openapi.yaml
BASE ?=
OUR_CODE := overrides/aigenstudio tools tests bench

.PHONY: help venv node generate check lint typecheck pytest test demo diff bench clean

help: ## List every target with one line each
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(VENV)/.installed: requirements-dev.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "error: Python >= 3.11 is required ($(PYTHON))" >&2; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $@

venv: $(VENV)/.installed ## Bootstrap the pinned virtualenv in .venv (automatic for every target)

node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else \
		echo "warning: npm not found: the Prism contract tests will be skipped and make demo cannot start the mock" >&2; \
	fi

node: node_modules/.installed ## Install the pinned Prism mock server from package-lock.json (automatic)

generate: $(VENV)/.installed ## Validate the spec and regenerate generated/ (SPEC=path takes in another spec)
	$(PY) tools/generate.py generate --spec "$(SPEC)"

check: $(VENV)/.installed ## Drift check: fail if generated/ differs from what openapi.yaml generates
	$(PY) tools/generate.py check

lint: $(VENV)/.installed ## ruff on our code (generated/ is the generator's)
	$(VENV)/bin/ruff check $(OUR_CODE)
	$(VENV)/bin/ruff format --check $(OUR_CODE)

typecheck: $(VENV)/.installed ## mypy --strict on our code and on the generated package
	$(VENV)/bin/mypy overrides/aigenstudio generated/aigenstudio_client tools bench

pytest: $(VENV)/.installed node_modules/.installed ## Run the pytest suite only
	$(PY) -m pytest $(PYTEST_ARGS)

test: check lint typecheck pytest ## Everything CI runs: drift check, ruff, mypy --strict, pytest

demo: $(VENV)/.installed node_modules/.installed ## The main job: regenerate if needed, then run the client against a local mock (or the real API)
	$(PY) tools/generate.py generate
	$(PY) tools/demo.py

diff: $(VENV)/.installed ## Review report of an API change: make diff SPEC=new.yaml, or make diff BASE=<git ref>
	$(PY) tools/apidiff/cli.py $(if $(BASE),--base "$(BASE)",--new "$(SPEC)")

bench: $(VENV)/.installed ## Benchmarks: client overhead vs raw httpx, import time, regeneration cost
	$(PY) bench/run.py

clean: ## Remove the virtualenv, node_modules and caches (never generated/)
	rm -rf $(VENV) node_modules .mypy_cache .ruff_cache .pytest_cache .generate-*
