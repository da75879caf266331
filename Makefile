# Two commands on a fresh machine:  make demo   |   make test
# Everything else here is a building block of those two.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO_HOME ?= $(CURDIR)/demo-data

.PHONY: demo test venv lint types unit plain-install postgres-tools browser-tools font-tools web-assets clean bench bench-api bench-soak spark

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

# The demo keeps its key file inside its own data directory, for convenience only: real data
# directories must never hold their key (see docs/security.md).
# It also turns off the two-factor requirement so that anyone can try the UI without an authenticator app.
DEMO_ENV = REFWATCH_HOME=$(DEMO_HOME) REFWATCH_KEY_FILE=$(DEMO_HOME)/demo.key REFWATCH_USER=demo REFWATCH_REQUIRE_2FA=false

## make demo: set up, create a demo database, ingest the sample reports, then serve the web UI
DEMO_USER ?= demo
DEMO_PASSWORD ?= demo-password-not-secret
demo: $(STAMP) web-assets
	@echo "make demo starts afresh: deleting $(DEMO_HOME) and everything in it"
	rm -rf $(DEMO_HOME) && mkdir -p $(DEMO_HOME)
	$(BIN)/refwatch keys new-keyfile $(DEMO_HOME)/demo.key
	$(DEMO_ENV) $(BIN)/refwatch init
	$(DEMO_ENV) $(BIN)/refwatch ingest samples/reports --metadata samples/reports/metadata.tsv
	$(DEMO_ENV) $(BIN)/refwatch documents list
	$(DEMO_ENV) $(BIN)/refwatch incidents list
	$(DEMO_ENV) $(BIN)/refwatch status
	$(DEMO_ENV) REFWATCH_NEW_PASSWORD=$(DEMO_PASSWORD) $(BIN)/refwatch users add $(DEMO_USER) --role editor
	@echo ""
	@echo "Open http://127.0.0.1:8000/ and log in as $(DEMO_USER) / $(DEMO_PASSWORD) (demo data only)."
	@echo "The command line is in .venv: run '. .venv/bin/activate' (or call .venv/bin/refwatch); for the demo's"
	@echo "data, also 'export REFWATCH_HOME=$(DEMO_HOME) REFWATCH_KEY_FILE=$(DEMO_HOME)/demo.key'."
	$(DEMO_ENV) $(BIN)/refwatch serve --port 8000

## make test: set up (dev tools, a PostgreSQL server binary) and run lint, types and every test
test: $(STAMP) web-assets postgres-tools browser-tools font-tools lint types unit plain-install

lint: $(STAMP)
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/lint-imports --no-logo  # the layering contracts in pyproject.toml ([tool.importlinter])

types: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -n 2 --dist loadgroup

# `pip install .` without the dev extra into a fresh venv, then ingest one .txt, .md, .html and .pdf:
# catches a runtime dependency that only the dev extra happened to bring along (about a minute).
plain-install:
	@bash scripts/check-plain-install.sh

# The test session starts a throwaway PostgreSQL itself (tests/pg.py); this only makes
# sure the server binaries exist, installing Debian's package when they do not.
postgres-tools:
	@bash scripts/ensure-postgres.sh

# Chart libraries and map outlines for the web pages, from npm (not committed; served locally).
FRONTEND := src/refwatch/web/frontend
ASSETS   := $(FRONTEND)/dist/vega-interpreter.min.js
web-assets: $(ASSETS)
$(ASSETS): $(FRONTEND)/package.json $(FRONTEND)/package-lock.json $(FRONTEND)/interpreter.js
	cd $(FRONTEND) && npm ci --no-audit --no-fund --loglevel=error && npm run --silent build

# Debian's CJK fonts (Korean PDFs) and poppler's pdffonts/pdftotext (the tests that check them).
font-tools:
	@bash scripts/ensure-fonts.sh

# Debian's Chromium for the Playwright tests (installed when missing, as for PostgreSQL).
browser-tools:
	@bash scripts/ensure-chromium.sh

# Optional: Splink's Spark backend for person linkage (REFWATCH_LINKAGE_BACKEND=spark): a Java
# runtime from Debian when none is installed, and pyspark in the virtual environment.
spark: $(STAMP)
	@command -v java >/dev/null || (apt-get update -qq && apt-get install -y -qq openjdk-17-jre-headless)
	$(BIN)/python -m pip install --quiet -e '.[spark]'

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python benchmarks/ingest.py
	$(BIN)/python benchmarks/extract.py
	$(BIN)/python benchmarks/large_report.py
	$(BIN)/python benchmarks/estimate.py

# The web API under 50 clients (100,000 incidents / 50,000 documents; both databases; several minutes).
bench-api: $(STAMP)
	@bash scripts/ensure-wrk.sh
	$(BIN)/python benchmarks/api_load.py

# The web API for 10 minutes under 50 clients while `refwatch ingest` runs beside it: errors, memory
# (RSS) and p99 per minute; exits non-zero when a verdict fails.
bench-soak: $(STAMP)
	@bash scripts/ensure-wrk.sh
	$(BIN)/python benchmarks/soak.py

clean:
	rm -rf $(VENV) $(DEMO_HOME) .pytest_cache .mypy_cache .ruff_cache $(FRONTEND)/node_modules $(FRONTEND)/dist
