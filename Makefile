# make run: set up, seed and serve on $(PORT). make test: the test suite. Nothing else is needed.
# make image-smoke: build the container image with podman and check that it answers.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
DATABASE := $(CURDIR)/data/ports.db
export DATABASE_URL ?= sqlite:///$(DATABASE)

.PHONY: install seed run test image-smoke clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

seed: install
	$(BIN)/python -m app.seed

$(DATABASE): $(VENV)/.installed $(wildcard seeds/*) $(wildcard migrations/versions/*.py) app/seed.py app/figures.py app/models.py
	$(BIN)/python -m app.seed

# Workers: WEB_CONCURRENCY (uvicorn reads it), default 1.
run: $(DATABASE)
	$(BIN)/uvicorn app.main:app --host $(HOST) --port $(PORT) --no-server-header

test: install
	$(BIN)/pytest

# Build the container image with podman, run it, check it answers (slow: not part of `make test`).
image-smoke:
	bash .ci/image-smoke.sh

clean:
	rm -rf $(VENV) data
