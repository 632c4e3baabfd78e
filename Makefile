# The two promises of the README: `make run` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# Re-install only when the project's metadata changed (the stamp is newer than pyproject.toml).
RUNTIME := $(VENV)/.installed-runtime
TESTENV := $(VENV)/.installed-test
PYTEST_ARGS ?=

.PHONY: run test check lint types bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUNTIME): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(TESTENV): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,dev]'
	@touch $@ $(RUNTIME)

run: $(RUNTIME)  ## Set everything up and open the board on the default store.
	$(BIN)/funnel

test: $(TESTENV)  ## Set everything up and run every test.
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(TESTENV)
	$(BIN)/ruff check board storage screens tests bench

types: $(TESTENV)
	$(BIN)/mypy

check: lint types test  ## Lint, type-check and test.

bench: $(TESTENV)  ## Print the performance figures (see docs/performance.md).
	@for script in bench/*_bench.py; do echo "== $$script"; $(BIN)/python $$script; done

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
