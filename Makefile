PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test bench lint clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/wfm plan examples/demo/scenario.toml --history examples/demo/history.csv --out forecasts/demo
	$(BIN)/wfm report forecasts/demo --out forecasts/demo/report.html --scenario examples/demo/scenario.toml

test: $(STAMP)
	$(BIN)/pytest -q -n 2

bench: $(STAMP)
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	$(BIN)/python benchmarks/bench.py

lint: $(STAMP)
	$(BIN)/ruff check wfm tests benchmarks
	$(BIN)/ruff format --check wfm tests benchmarks
	$(BIN)/mypy wfm

clean:
	rm -rf $(VENV) build dist *.egg-info
