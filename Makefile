# Two commands do everything: `make build` and `make test`.
# The tests come in three tiers (README, "Tests"):
#   make test        everything but the many-example runs, on two workers
#   make test-quick  no browser, no PDF, no slow tests: the edit loop
#   make test-deep   the property tests with many examples, and the slow tests
# CI (.ci/run) runs `make test` and `make test-deep`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
CONTENT ?= content
OUTPUT ?= output
PROFILE ?= internal
# Two workers (pytest-xdist), a test file to one worker, so that a file's shared builds are made once.
PYTEST := $(BIN)/python -m pytest -n 2 --dist loadfile

.PHONY: build test test-quick test-deep check clean bench bench-large

build: $(STAMP)
	$(BIN)/briefing build --content $(CONTENT) --output $(OUTPUT) --profile $(PROFILE)

check: $(STAMP)
	$(BIN)/briefing check --content $(CONTENT) --profile $(PROFILE)

test: $(TEST_STAMP)
	$(PYTEST) -m "not slow"

test-quick: $(TEST_STAMP)
	$(PYTEST) -m "not browser and not pdf and not slow"

test-deep: $(TEST_STAMP)
	$(PYTEST) -m "property or slow" --hypothesis-profile=deep

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
