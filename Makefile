# The two promises of the README: `make run` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# Re-install only when the project's metadata changed (the stamp is newer than pyproject.toml).
RUNTIME := $(VENV)/.installed-runtime
TESTENV := $(VENV)/.installed-test
PYTEST_ARGS ?=
# Where `make install` puts the program: a venv of its own, and `funnel` in PREFIX/bin.
PREFIX ?= $(HOME)/.local
INSTALL_VENV := $(PREFIX)/share/funnel-board/venv
SOURCES := board storage screens tests bench

.PHONY: run test check static lint format types wheel wheel-test install uninstall bench clean

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
	@echo "To type funnel commands in your shell: make install (or . $(BIN)/activate)"
	$(BIN)/funnel

test: $(TESTENV)  ## Set everything up and run every test.
	$(BIN)/python -m pytest $(PYTEST_ARGS)

static: lint types  ## The static checks CI runs: ruff (lint and format) and mypy --strict.

lint: $(TESTENV)
	$(BIN)/ruff check $(SOURCES)
	$(BIN)/ruff format --check $(SOURCES)

format: $(TESTENV)  ## Format the tree the way CI checks it.
	$(BIN)/ruff format $(SOURCES)
	$(BIN)/ruff check --fix $(SOURCES)

types: $(TESTENV)
	$(BIN)/mypy

check: static test  ## Lint, type-check and test.

wheel: | $(BIN)/python  ## Build the wheel users install (dist/), from the files git tracks.
	PYTHON=$(PYTHON) .ci/wheel-test --build-only

wheel-test: | $(BIN)/python  ## Build the wheel, install it in a fresh venv, test the installed program.
	PYTHON=$(PYTHON) .ci/wheel-test

install: wheel  ## Put `funnel` on your PATH ($(PREFIX)/bin), in a venv of its own.
	$(PYTHON) -m venv --clear $(INSTALL_VENV)
	$(INSTALL_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(INSTALL_VENV)/bin/python -m pip install --quiet dist/funnel_board-*.whl
	mkdir -p $(PREFIX)/bin
	ln -sf $(INSTALL_VENV)/bin/funnel $(PREFIX)/bin/funnel
	@echo "Installed $(PREFIX)/bin/funnel."
	@case ":$$PATH:" in *":$(PREFIX)/bin:"*) ;; *) echo "Add $(PREFIX)/bin to your PATH to type funnel anywhere.";; esac

uninstall:  ## Remove what `make install` put in place (your stores are kept).
	rm -f $(PREFIX)/bin/funnel
	rm -rf $(PREFIX)/share/funnel-board

bench: $(TESTENV)  ## Print the performance figures (see docs/performance.md).
	@for script in bench/*_bench.py; do echo "== $$script"; $(BIN)/python $$script; done

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
