# nnrg: `make repro` rebuilds every result, `make test` runs the test suite (both set up .venv).
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(CURDIR)/$(VENV)/bin
STAMP := $(VENV)/.installed-stamp
RUN := PATH="$(BIN):$$PATH" DVC_NO_ANALYTICS=1
P ?= default

.PHONY: help install repro paper-budget test test-all test-browser browser-deps lint format ui profile baselines bench \
	check-metrics clean-venv

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 16

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)  ## create .venv and install nnrg with its pinned dependencies

repro: install  ## run the whole DVC pipeline (params.yaml's profile), then show the claims
	$(RUN) python -m nnrg params > /dev/null  # a bad param fails here, before DVC removes outs
	$(RUN) dvc repro
	$(RUN) python -m nnrg readme
	@cat reports/claims.md

paper-budget: install  ## rebuild the paper-budget result set (results/paper_budget/, ~1.5 h on 2 cores)
	$(RUN) python -m nnrg resultset paper_budget
	$(RUN) dvc repro results/paper_budget/dvc.yaml
	$(RUN) dvc repro report

resultset: install  ## rebuild result set SET (make resultset SET=thesis_rate); an interrupted IMP run resumes
	@test -n "$(SET)" || { echo "make resultset: name the set, e.g. SET=thesis_rate (profiles/<SET>.yaml)"; exit 2; }
	$(RUN) python -m nnrg resultset $(SET)
	$(RUN) dvc repro results/$(SET)/dvc.yaml
	$(RUN) dvc repro report

test: install  ## lint, format check, mypy, then the fast suite (tiny pipeline end to end, doctests)
	$(RUN) ruff check src tests benchmarks
	$(RUN) ruff format --check src tests benchmarks
	$(RUN) mypy
	$(RUN) python -m pytest -m "not slow" -q

test-all: install  ## every test, slow ones included
	$(RUN) python -m pytest -q

browser-deps:  ## Debian's chromium and chromedriver for the browser tests (needs root)
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver

VEGA := .nnrg/vega
plots-offline: install  ## vega from the npm registry, and .nnrg/plots.html for `dvc plots show` offline
	mkdir -p $(VEGA)
	cd $(VEGA) && npm install --no-audit --no-fund --silent vega@5.21.0 vega-lite@5.2.0 vega-embed@6.18.2
	$(RUN) python -m nnrg plots-template $(VEGA)/node_modules .nnrg/plots.html

test-browser: install plots-offline  ## MLflow UI and dvc plots in headless Chromium (slow)
	$(RUN) python -m pytest -m slow -q -s tests/core/test_mlflow_ui.py tests/core/test_dvc_plots.py

lint: install  ## ruff check, ruff format --check, mypy on the library
	$(RUN) ruff check src tests benchmarks
	$(RUN) ruff format --check src tests benchmarks
	$(RUN) mypy

format: install  ## ruff format and the import-order fixes
	$(RUN) ruff format src tests benchmarks
	$(RUN) ruff check --select I --fix src tests benchmarks

ui: install  ## MLflow UI on the repository's store, http://127.0.0.1:5000
	$(RUN) mlflow ui --backend-store-uri "sqlite:///$(CURDIR)/mlflow.db" \
		--default-artifact-root "$(CURDIR)/mlartifacts" --host 127.0.0.1 --port 5000

profile: install  ## switch params.yaml to profile P (default | tiny | paper)
	$(RUN) python -m nnrg profile $(P)

baselines: install  ## regenerate tests/baselines/tiny from a fresh tiny run
	$(RUN) python -m tests.make_baselines

bench: install  ## sampler benchmark (figures go to the README)
	$(RUN) python benchmarks/ising_bench.py

check-metrics: install  ## metric-regression gate against HEAD's committed metrics
	$(RUN) python -m nnrg check-metrics --against HEAD

clean-venv:
	rm -rf $(VENV)
