# Two commands for a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DB ?= reportedly.duckdb

.PHONY: run test setup lint eval bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(BIN)/reportedly sample --db $(DB)

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check src tests

eval: $(STAMP)
	$(BIN)/reportedly eval seed ../shared/seeds/drone-strike-al-qaim.txt
	$(BIN)/reportedly eval acled ../shared/eval/acled/acled-2022-dev.csv
	$(BIN)/reportedly eval wikievents ../shared/eval/wikievents/dev.jsonl
	$(BIN)/reportedly eval geo ../shared/eval/geo/TR-News.xml

bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py
	$(BIN)/python benchmarks/bench_geo.py

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache $(DB)
