# realimpact: the README's two quick-start commands are `make demo` and `make test`.
# Both create a virtual environment in .venv (once) and install the pinned dependencies.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install demo test lint typecheck unit bench clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -c 'import sys; sys.exit("realimpact needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=23.2"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## The main job: a guided run of the framework on the embedded demo workspace of real data.
demo: $(STAMP)
	$(BIN)/realimpact demo

## The whole test suite: lint, strict type check, tests.
test: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	OPENBLAS_NUM_THREADS=1 $(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -x -q

## Benchmarks (not part of the test suite); they print ratios side by side.
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev,bench]'
	$(BIN)/python bench/knowledge.py
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/evaluate.py
	$(BIN)/python bench/prioritise.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
