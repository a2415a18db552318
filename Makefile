# briefgen — quick start: `make brief`, then `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

EVAL   ?= ../shared/eval

.PHONY: brief test eval bench system install clean

## brief: build the briefing of the bundled corpus (its newest week) into out/
brief: system $(STAMP)
	$(BIN)/briefgen daily --corpus corpus --out out --date latest --days 7 --format md,pdf,html,json

## test: run the whole test suite
test: system $(STAMP)
	$(BIN)/python -m pytest

## eval: measure quality on the shared evaluation data; writes docs/quality.md
eval: system $(STAMP)
	$(BIN)/python scripts/quality.py $(EVAL) --out docs/quality.md

## bench: measure speed and scale on the shared evaluation data; writes docs/performance.md
bench: system $(STAMP)
	$(BIN)/python scripts/bench.py $(EVAL) --out docs/performance.md

## system: check (and where possible install) WeasyPrint's system libraries
system:
	@bash scripts/check-system.sh

install: $(STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

clean:
	rm -rf $(VENV) out build *.egg-info
