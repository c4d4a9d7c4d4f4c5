# Two commands do everything: `make build` and `make test`.
# `make test-deep` runs the property tests with many examples (CI runs both).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
CONTENT ?= content
OUTPUT ?= output
PROFILE ?= internal

.PHONY: build test test-deep check clean bench bench-large

build: $(STAMP)
	$(BIN)/briefing build --content $(CONTENT) --output $(OUTPUT) --profile $(PROFILE)

check: $(STAMP)
	$(BIN)/briefing check --content $(CONTENT) --profile $(PROFILE)

test: $(TEST_STAMP)
	$(BIN)/python -m pytest -n 2

test-deep: $(TEST_STAMP)
	$(BIN)/python -m pytest -m property --hypothesis-profile=deep

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): $(STAMP) pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

bench: $(TEST_STAMP)
	$(BIN)/python bench/run.py

bench-large: $(TEST_STAMP)
	$(BIN)/python bench/run.py --large

clean:
	rm -rf $(OUTPUT) .$(OUTPUT).*.tmp $(VENV) .pytest_cache .hypothesis dist
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
