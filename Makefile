# make run: set up, seed and serve on $(PORT). make test: the test suite. Nothing else is needed.
# make test-load: the load tests. make audit: known vulnerabilities in the dependencies.
# make bench: this API against Datasette and a bare Starlette ceiling under wrk (tests/perf/bench.py).
# make bench-scale: this API and Datasette at 5, 100,000 and 1,000,000 observations.
# make image-smoke: build the container image with podman and check that it answers.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
BENCH_VENV := .venv-bench
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install seed run test test-load audit bench bench-scale image-smoke clean

install: $(VENV)/.installed

# setuptools too: Python 3.11's venv brings 65.5.0, which has known vulnerabilities.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip setuptools
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

seed: install
	$(BIN)/python -m app.seed

# Seeding takes a second and gives the same bytes every time, so run always seeds first.
# Workers: WEB_CONCURRENCY (uvicorn reads it), default 1.
run: seed
	exec $(BIN)/uvicorn app.main:app --host $(HOST) --port $(PORT) --no-server-header

test: install
	$(BIN)/pytest

# 256 connections against a real server, with 1 and then 2 workers; -rP prints the numbers.
test-load: install
	$(BIN)/pytest -m load -rP

# Fails on a known vulnerability in any installed dependency; .ci/audit.py says how it asks.
audit: install
	$(BIN)/pip install --quiet -e '.[test,audit]'
	$(BIN)/python .ci/audit.py

# A venv of its own, so that Datasette's dependencies never reach the one the tests run in.
# BENCH_DURATION (seconds per run, default 5) and BENCH_ROUNDS (default 3) pass through.
bench: $(BENCH_VENV)/.installed
	command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
	$(BENCH_VENV)/bin/python tests/perf/bench.py

# This API and Datasette at 5, 100,000 and 1,000,000 observations (tests/perf/bench_scale.py).
# The synthetic files are built once into .bench-scale/ (about 3 minutes for the million).
bench-scale: $(BENCH_VENV)/.installed
	$(BENCH_VENV)/bin/python -m tests.perf.bench_scale

$(BENCH_VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install --quiet --upgrade pip
	$(BENCH_VENV)/bin/pip install --quiet -e '.[bench]'
	touch $@

# Build the container image with podman, run it, check it answers (slow: not part of `make test`).
image-smoke:
	bash .ci/image-smoke.sh

clean:
	rm -rf $(VENV) $(BENCH_VENV) data .bench-scale
