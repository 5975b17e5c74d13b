# make run: set up, seed and serve on $(PORT). make test: the test suite. Nothing else is needed.
# make test-load: the load tests. make audit: known vulnerabilities in the dependencies.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export DATABASE_URL ?= sqlite:///$(CURDIR)/data/ports.db

.PHONY: install seed run test test-load audit clean

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

# Fails on a known vulnerability in any installed dependency; scripts/audit.py says how it asks.
audit: install
	$(BIN)/pip install --quiet -e '.[test,audit]'
	$(BIN)/python scripts/audit.py

clean:
	rm -rf $(VENV) data
