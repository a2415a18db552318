# briefgen — quick start: `make brief`, then `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
BRIEF_STAMP := $(VENV)/.installed-brief
TEST_STAMP  := $(VENV)/.installed-test

EVAL   ?= ../shared/eval

.PHONY: brief test test-fast lint defaults relevance-model eval bench system install clean

## brief: build the briefing of the bundled corpus (its newest week, after the week before) into out/
brief: system $(BRIEF_STAMP)
	@echo "briefgen: briefing the week before the newest of corpus/, then the newest, into out/"
	$(BIN)/briefgen daily --corpus corpus --out out --date latest-7 --days 7 --format md,pdf,html,json --quiet
	$(BIN)/briefgen daily --corpus corpus --out out --date latest --days 7 --format md,pdf,html,json
	@echo "briefgen: done. Open out/index.html in a browser: it lists every briefing in out/."

## test: run the whole test suite
test: system $(TEST_STAMP)
	$(BIN)/python -m pytest

## test-fast: the tests that do not go through the command line, a process, a browser or a cluster
test-fast: system $(TEST_STAMP)
	$(BIN)/python -m pytest -m "not e2e"

## lint: ruff over the project, mypy over the package (both configured in pyproject.toml)
lint: $(TEST_STAMP)
	$(BIN)/python -m ruff check .
	$(BIN)/python -m mypy

## relevance-model: refit the default topics' relevance model on the portal's 2011-2015 reports
relevance-model: $(TEST_STAMP)
	$(BIN)/python scripts/train_relevance.py $(EVAL)/wcep-portal/portal-2011-2017.jsonl briefgen/data/portal-relevance.npz

## defaults: write briefgen/defaults.toml from the settings declared in briefgen/config.py
defaults: $(BRIEF_STAMP)
	$(BIN)/python scripts/defaults.py

## eval: measure quality on the shared evaluation data; writes docs/quality.md
eval: system $(TEST_STAMP)
	$(BIN)/python scripts/quality.py $(EVAL) --out docs/quality.md

## bench: measure speed and scale on the shared evaluation data; writes docs/performance.md
bench: system $(TEST_STAMP)
	$(BIN)/python scripts/bench.py $(EVAL) --out docs/performance.md

## system: check (and where possible install) WeasyPrint's system libraries
system:
	@echo "briefgen: checking the system libraries the PDF needs (Pango, a font)"
	@bash scripts/check-system.sh

## install: install briefgen and what briefing needs (no test extras) into .venv
install: $(BRIEF_STAMP)

$(BIN)/python:
	@echo "briefgen: creating the virtual environment $(VENV) with $(PYTHON)"
	$(PYTHON) -m venv $(VENV)
	@echo "briefgen: upgrading pip in $(VENV)"
	$(BIN)/python -m pip install --quiet --upgrade pip

# The briefing alone: briefgen and its dependencies, none of the extras.
$(BRIEF_STAMP): $(BIN)/python setup.cfg pyproject.toml
	@echo "briefgen: installing briefgen and the packages briefing needs into $(VENV) (the first time takes a few minutes)"
	$(BIN)/python -m pip install --progress-bar off -e .
	@touch $@

# Everything the tests, `make eval` and `make bench` use: the test extra pulls in eval and learn.
$(TEST_STAMP): $(BIN)/python setup.cfg pyproject.toml
	@echo "briefgen: installing briefgen with its test extras (pytest, rouge-score, scikit-learn, ...) into $(VENV)"
	$(BIN)/python -m pip install --progress-bar off -e '.[test]'
	@touch $@ $(BRIEF_STAMP)

## clean: remove the virtual environment and build files; never the archive out/
clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache
