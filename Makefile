PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo demo-roster test bench lint clean wheel-check

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

DEMO_HISTORY := examples/demo/history.csv

demo: $(STAMP) $(DEMO_HISTORY)
	$(BIN)/wfm plan wfm/examples/demo/scenario.toml --history $(DEMO_HISTORY) --out forecasts/demo
	$(BIN)/wfm report forecasts/demo --out forecasts/demo/report.html --scenario wfm/examples/demo/scenario.toml

# the demo plan rostered: one agent per head of each pool (wfm sample --agents-out) and a copy
# of the demo scenario with its [roster] section switched on, both git-ignored; the roster is
# the plan's last stage, resumed from forecasts/demo (minutes: 575 agents over 4 weeks)
DEMO_AGENTS := examples/demo/agents.csv
DEMO_ROSTERED := examples/demo/scenario-roster.toml

demo-roster: demo $(DEMO_AGENTS) $(DEMO_ROSTERED)
	$(BIN)/wfm plan $(DEMO_ROSTERED) --from roster --resume forecasts/demo --out forecasts/demo-roster
	$(BIN)/wfm report forecasts/demo-roster --out forecasts/demo-roster/report.html --scenario $(DEMO_ROSTERED)

$(DEMO_AGENTS): | $(STAMP)
	$(BIN)/wfm sample wfm/examples/demo/scenario.toml --agents-out $@

$(DEMO_ROSTERED): wfm/examples/demo/scenario.toml
	sed -e 's/^# \[roster\]$$/[roster]/' -e 's/^# agents = /agents = /' -e 's/^# weeks = /weeks = /' $< > $@

# 10 weeks of seeded synthetic history ending on the last Sunday; generated once, git-ignored
$(DEMO_HISTORY): | $(STAMP)
	$(BIN)/wfm sample wfm/examples/demo/scenario.toml --weeks 10 --out $@

test: $(STAMP)
	$(BIN)/pytest -q -n 2

# the built wheel in a fresh virtualenv: wfm init, validate, plan (dependencies from the index)
wheel-check:
	benchmarks/check_wheel.sh

# the peers (statsforecast, pyworkforce) pin older libraries: they get a venv of their own
BENCH_VENV := .venv-bench
BENCH_STAMP := $(BENCH_VENV)/.installed

$(BENCH_STAMP): pyproject.toml
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install --quiet --upgrade pip
	$(BENCH_VENV)/bin/pip install --quiet -e '.[dev,bench]'
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(BENCH_VENV)/bin/python benchmarks/bench.py

lint: $(STAMP)
	$(BIN)/ruff check wfm tests benchmarks
	$(BIN)/ruff format --check wfm tests benchmarks
	$(BIN)/mypy wfm

clean:
	rm -rf $(VENV) $(BENCH_VENV) build dist *.egg-info
