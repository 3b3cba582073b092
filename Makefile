# Two commands for a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DB ?= reportedly.duckdb
# The web page's libraries (Leaflet, world-atlas, topojson-client) come from the npm registry
# at set-up and are copied into the package: nothing is fetched from a CDN at run time.
VENDOR := src/reportedly/server/static/vendor
NPM_DIST := web/node_modules

.PHONY: run test setup web browser lint eval bench bench-api clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m compileall -q src
	touch $(STAMP)

$(VENDOR)/.built: web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/images
	cp $(NPM_DIST)/leaflet/dist/leaflet.js $(NPM_DIST)/leaflet/dist/leaflet.css $(VENDOR)/
	cp $(NPM_DIST)/leaflet/dist/images/*.png $(VENDOR)/images/
	cp $(NPM_DIST)/leaflet/LICENSE $(VENDOR)/LICENSE.leaflet
	cp $(NPM_DIST)/topojson-client/dist/topojson-client.min.js $(VENDOR)/
	cp $(NPM_DIST)/topojson-client/LICENSE $(VENDOR)/LICENSE.topojson-client
	cp $(NPM_DIST)/world-atlas/countries-50m.json $(VENDOR)/
	cp $(NPM_DIST)/world-atlas/LICENSE $(VENDOR)/LICENSE.world-atlas
	touch $@

web: $(VENDOR)/.built

# Debian's Chromium for the browser test (Playwright drives it; it never downloads a browser).
browser:
	@test -x /usr/bin/chromium || (apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver)

setup: $(STAMP) web

run: $(STAMP) web
	$(BIN)/reportedly sample --db $(DB)

test: $(STAMP) web browser
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check src tests

eval: $(STAMP)
	$(BIN)/reportedly eval seed ../shared/seeds/drone-strike-al-qaim.txt
	$(BIN)/reportedly eval acled ../shared/eval/acled/acled-2022-dev.csv
	$(BIN)/reportedly eval wikievents ../shared/eval/wikievents/dev.jsonl
	$(BIN)/reportedly eval geo ../shared/eval/geo/TR-News.xml

# The package's modules compiled to bytecode first, as an installed (not editable) package's
# are: where PYTHONDONTWRITEBYTECODE is set, every process would compile them again.
bench: $(STAMP)
	$(BIN)/python -m compileall -q src
	$(BIN)/python benchmarks/bench.py
	$(BIN)/python benchmarks/bench_geo.py

bench-api: $(STAMP)
	$(BIN)/python benchmarks/bench_api.py

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache $(DB) $(VENDOR) $(NPM_DIST)
