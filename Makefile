# The single entry point of the repository. `make help` lists every target.
# Every target bootstraps .venv (pinned by requirements-dev.txt) on first use.
# PYTHON=/path/to/python3.X runs everything on another interpreter, in its own .venv-3.X.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
# One virtualenv per interpreter: .venv for CPython 3.11 (the default), .venv-3.X for another,
# so `make test PYTHON=/path/to/python3.13` keeps its own beside the default one.
PYTHON_VERSION := $(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)
VENV := $(if $(filter-out 3.11,$(PYTHON_VERSION)),.venv-$(PYTHON_VERSION),.venv)
PY := $(VENV)/bin/python
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
SPEC ?= openapi.yaml
BASE ?=
# STRICT=1: make generate / make check refuse a spec with any validation problem (default: warn).
STRICT ?=
STRICT_FLAG := $(if $(filter-out 0,$(STRICT)),--strict)
SPEC_URL ?=
PORT ?=
# make mock: fake (aigenstudio.testing, the default) or prism; TIMING for the fake.
ENGINE ?=
TIMING ?=
OUR_CODE := overrides/aigenstudio tools tests bench examples
# The runtime dependencies' wheels at the pinned versions, for make distcheck's offline install.
WHEELHOUSE := $(VENV)/wheelhouse
DOCS_OUT := site

# A SPEC= naming no readable file stops make generate / make diff here, in one line (exit 2).
ifneq ($(filter generate,$(MAKECMDGOALS))$(if $(BASE),,$(filter diff,$(MAKECMDGOALS))),)
SPEC_PROBLEM := $(shell spec='$(SPEC)'; \
	if [ -z "$$spec" ]; then echo "SPEC= is empty: name the spec file, e.g. SPEC=path/to/openapi.yaml"; \
	elif [ -d "$$spec" ]; then echo "SPEC=$$spec: cannot read the spec: it is a directory, not a file"; \
	elif [ ! -e "$$spec" ]; then echo "SPEC=$$spec: cannot read the spec: no such file"; \
	elif [ ! -r "$$spec" ]; then echo "SPEC=$$spec: cannot read the spec: permission denied"; fi)
ifneq ($(SPEC_PROBLEM),)
$(error $(SPEC_PROBLEM))
endif
endif

.PHONY: help venv node generate check lint typecheck pytest test mutate demo diff bump update-spec bench dist distcheck docs mock clean

help: ## List every target with one line each
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-12s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

# _version.py too: the editable install's metadata (importlib.metadata.version) records it.
$(VENV)/.installed: requirements-dev.txt pyproject.toml overrides/aigenstudio/_version.py
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "error: Python >= 3.11 is required ($(PYTHON))" >&2; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $@

venv: $(VENV)/.installed ## Bootstrap the pinned virtualenv: .venv, or .venv-3.X for PYTHON=python3.X (automatic)

node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else \
		echo "warning: npm not found: the Prism contract tests will be skipped and make demo cannot start the mock" >&2; \
	fi

node: node_modules/.installed ## Install the pinned Prism mock server from package-lock.json (automatic)

generate: $(VENV)/.installed ## Validate the spec and regenerate generated/ (SPEC=path takes in another spec; STRICT=1 refuses any validation problem)
	$(PY) tools/generate.py generate --spec "$(SPEC)" $(STRICT_FLAG)

check: $(VENV)/.installed ## Drift check: fail if generated/ differs from what openapi.yaml generates (STRICT=1 as for generate)
	$(PY) tools/generate.py check $(STRICT_FLAG)

lint: $(VENV)/.installed ## ruff on our code (generated/ is the generator's)
	$(VENV)/bin/ruff check $(OUR_CODE)
	$(VENV)/bin/ruff format --check $(OUR_CODE)

typecheck: $(VENV)/.installed ## mypy --strict on our code, the examples and the generated package
	$(VENV)/bin/mypy overrides/aigenstudio generated/aigenstudio_client tools bench examples

pytest: $(VENV)/.installed node_modules/.installed ## Run the pytest suite only
	$(PY) -m pytest $(PYTEST_ARGS)

test: check lint typecheck docs distcheck pytest ## Everything CI runs: drift check, ruff, mypy --strict, docs, distcheck, pytest

# Not part of make test (slow: every mutant reruns its module's tests). The modules and their
# test selections, and the equivalent mutants with their reasons: tests/mutation/modules.toml.
MODULES ?=
SAMPLE ?=
mutate: $(VENV)/.installed ## Mutation score of the money/secret modules, survivors listed (MODULES=retries,journal SAMPLE=N; reports/mutation/)
	$(PY) tools/mutate.py --modules "$(MODULES)" $(if $(SAMPLE),--sample $(SAMPLE))

demo: $(VENV)/.installed ## The main job: regenerate if needed, then run the client against the local fake API (or the real API)
	$(PY) tools/generate.py generate
	$(PY) tools/demo.py

diff: $(VENV)/.installed ## Review report of an API change: make diff SPEC=new.yaml, or make diff BASE=<git ref>
	$(PY) tools/apidiff/cli.py $(if $(BASE),--base "$(BASE)",--new "$(SPEC)")

bump: $(VENV)/.installed ## Next version + CHANGELOG entry from the review of openapi.yaml against BASE (default: the last release: v* tag, else CHANGELOG)
	$(PY) tools/bump.py $(if $(BASE),--base "$(BASE)")

update-spec: $(VENV)/.installed ## Fetch the vendor's spec (SPEC_URL=url, else env AIGENSTUDIO_SPEC_URL), review it, make generate, make bump
	$(PY) tools/update_spec.py $(if $(SPEC_URL),--url "$(SPEC_URL)")

bench: $(VENV)/.installed ## Benchmarks: client overhead vs raw httpx, import time, regeneration cost
	$(PY) bench/run.py

dist: $(VENV)/.installed ## Build the sdist and, from it, the wheel into dist/ (the pinned hatchling)
	rm -rf dist
	$(PY) -m build --no-isolation --outdir dist .

$(WHEELHOUSE)/.complete: requirements-dev.txt pyproject.toml | $(VENV)/.installed
	$(PY) tools/distcheck.py wheelhouse --dest $(WHEELHOUSE)
	@touch $@

distcheck: $(VENV)/.installed $(WHEELHOUSE)/.complete ## Build sdist -> wheel, install it offline in a fresh venv, smoke-test it
	$(PY) tools/distcheck.py check --wheelhouse $(WHEELHOUSE)

docs: $(VENV)/.installed ## HTML API reference (pdoc) and getting-started page into site/; warnings are errors
	$(PY) tools/docs.py --out $(DOCS_OUT)

mock: $(VENV)/.installed $(if $(filter prism,$(ENGINE)),node_modules/.installed) ## The stateful fake API for your app's tests (PORT=n, else a free one; TIMING=polls:N|seconds:S|instant; LIVE_KEYS=1; ENGINE=prism for Prism); prints the base URL
	$(PY) tools/mock.py --engine "$(or $(ENGINE),fake)" $(if $(PORT),--port "$(PORT)") $(if $(TIMING),--timing "$(TIMING)") $(if $(LIVE_KEYS),--allow-live-keys)

clean: ## Remove the virtualenvs, node_modules, caches and build output (never generated/)
	rm -rf .venv .venv-3.* node_modules .mypy_cache .ruff_cache .pytest_cache .generate-* dist site
