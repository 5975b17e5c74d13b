# make run: set up, seed and serve on $(PORT). make test: the test suite, with what it drives
# (Debian's Chromium, Node for the OpenAPI linters) installed where they are missing. Nothing else
# is needed.
# make lint: ruff, mypy and the OpenAPI linters (make test runs it). make lock: the locked versions,
# after a dependency change.
# make test-load: the load tests. make audit: known vulnerabilities in the dependencies.
# make bench: this API against Datasette and a bare Starlette ceiling under wrk (tests/perf/bench.py).
# make bench-scale: this API and Datasette at 5, 100,000 and 1,000,000 observations.
# make extract-eval: the extractor's precision and recall on our own articles (tests/extract_eval).
# make image-smoke: build the container image with podman and check that it answers.
# make deploy-smoke: nginx (deploy/) in front of two replicas on loopback, measured (docs/operations.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
BENCH_VENV := .venv-bench
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install runtime lock seed run lint lint-openapi test test-load audit bench bench-scale extract-eval image-smoke deploy-smoke clean tools

install: $(VENV)/.installed
runtime: $(VENV)/.runtime

# What the server needs, and no more, for make seed and make run: exact versions with hashes from
# the image's lock (.ci/requirements.txt). The app runs from this checkout (python -m and uvicorn
# both import it from here), so nothing else is installed before the first answer.
$(VENV)/.runtime: pyproject.toml .ci/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r .ci/requirements.txt
	touch $@

# The test and audit tools on top, for everything that checks (.ci/requirements-test.txt, the same
# versions of the runtime and more), then the project itself. pip and setuptools upgraded: Python
# 3.11's venv brings setuptools 65.5.0, which has known vulnerabilities and the audit would name.
$(VENV)/.installed: $(VENV)/.runtime .ci/requirements-test.txt
	$(BIN)/pip install --quiet --upgrade pip setuptools
	$(BIN)/pip install --quiet --require-hashes -r .ci/requirements-test.txt
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

# What the tests drive beside Python: Debian's Chromium for the browser tests (Playwright never
# downloads a browser) and Node's npx for the OpenAPI linters. Installed with apt-get where they
# are missing and this user can; otherwise one line says what to install.
APT_INSTALL = DEBIAN_FRONTEND=noninteractive apt-get install -y -qq
tools:
	@command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] && can_apt=1; \
	missing=""; [ -x /usr/bin/chromium ] || missing=" chromium"; command -v npx >/dev/null || missing="$$missing nodejs npm"; \
	if [ -n "$$missing" ]; then \
	  if [ -n "$$can_apt" ]; then echo "== installing$$missing with apt-get"; apt-get update -qq && $(APT_INSTALL) $$missing >/dev/null; \
	  else echo "make test needs:$$missing (Debian: sudo apt-get install -y$$missing)"; exit 1; fi; \
	fi

# The locks, after a change to the dependencies in pyproject.toml: the image's (runtime only) and
# the one make install, CI and make audit use (runtime, test and audit). uv resolves for every
# Python and platform the bounds allow, with the hash of every file.
LOCK = $(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes --no-header --quiet
lock: install
	$(BIN)/pip install --quiet uv
	$(LOCK) -o .ci/requirements.txt
	$(LOCK) --extra test --extra audit -o .ci/requirements-test.txt

seed: runtime
	$(BIN)/python -m app.seed

# Seeding takes a second and gives the same bytes every time, so run always seeds first.
# Workers: WEB_CONCURRENCY (uvicorn reads it), default 1.
run: seed
	exec $(BIN)/uvicorn app.main:app --host $(HOST) --port $(PORT) --no-server-header

# ruff and mypy --strict, as the FastAPI template's scripts/lint.sh runs them, then the schema's
# linters; make test runs it first.
LINTED = app migrations tests .ci
lint: install lint-openapi
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/mypy

# Redocly (recommended) and Spectral (spectral:oas) on the schema the app serves, through npx:
# any error or warning fails (.ci/lint_openapi.py).
lint-openapi: install tools
	$(BIN)/python .ci/lint_openapi.py

test: lint tools
	$(BIN)/pytest

# Against a real server: 256 connections with 1 and then 2 workers (tests/test_load.py), and
# hostile but legal clients on 300,000 synthetic observations (tests/test_reliability.py;
# RELIABILITY_OBSERVATIONS=1000000 for the figures in docs/operations.md). -rP prints the numbers.
test-load: install
	$(BIN)/pytest -m load -rP

# Fails on a known vulnerability in any installed dependency; .ci/audit.py says how it asks.
audit: install
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

# The extractor (python -m app.extract) on the articles written for its evaluation, scored against
# their golden readings: whole-figure precision and recall, and the misses by field. A measurement:
# it exits 0 whatever the numbers, non-zero only if the extractor crashes or prints bad JSON.
extract-eval: install
	$(BIN)/python -m tests.extract_eval.evaluate

# Build the container image with podman, run it, check it answers (slow: not part of `make test`).
image-smoke:
	bash .ci/image-smoke.sh

# nginx with deploy/nginx.conf.template in front of two replicas and one uvicorn alone, all on
# 127.0.0.1: the cache's answers, wrk through each, a replica killed under load, 5,000 slow-header
# connections (tests/perf/deploy_smoke.py; about 2 minutes). Installs nginx and wrk if missing.
deploy-smoke: runtime
	command -v nginx >/dev/null && command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq nginx wrk; }
	$(BIN)/python -m tests.perf.deploy_smoke

clean:
	rm -rf $(VENV) $(BENCH_VENV) data .bench-scale
