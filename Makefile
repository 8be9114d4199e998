PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test bench lint clean wheel-check

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

DEMO_HISTORY := examples/demo/history.csv
# the demo's agents are written from the demo plan's schedule (enough people for what it
# schedules) and rostered over 4 weeks as the plan's last stage, with a copy of the demo
# scenario whose [roster] section is switched on; both files are git-ignored
DEMO_AGENTS := examples/demo/agents.csv
DEMO_ROSTERED := examples/demo/scenario-roster.toml

demo: $(STAMP) $(DEMO_HISTORY) $(DEMO_ROSTERED)
	$(BIN)/wfm plan wfm/examples/demo/scenario.toml --history $(DEMO_HISTORY) --out forecasts/demo
	$(BIN)/wfm sample wfm/examples/demo/scenario.toml --agents-out $(DEMO_AGENTS) --schedule forecasts/demo/schedule.csv
	$(BIN)/wfm plan $(DEMO_ROSTERED) --history $(DEMO_HISTORY) --from roster --resume forecasts/demo --out forecasts/demo
	$(BIN)/wfm report forecasts/demo --out forecasts/demo/report.html --scenario $(DEMO_ROSTERED)

$(DEMO_ROSTERED): wfm/examples/demo/scenario.toml
	sed -e 's/^# \[roster\]$$/[roster]/' -e 's/^# \(agents\|weeks\|time_limit_s\) = /\1 = /' $< > $@

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
