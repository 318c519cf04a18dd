# The README's commands. `make run` and `make test` set everything up on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: setup run ask ingest train test eval lint clean

setup: $(STAMP)

# torch first, pinned to the local CPU build, so that nothing pulls CUDA packages.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[llm]'
	touch $(STAMP)

# Test tools on top: llama.cpp's server with a tiny model, Playwright driving Debian's Chromium
# (installed with apt when missing: needs root; Playwright never downloads a browser here).
$(TEST_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[test]'
	[ -x /usr/bin/chromium ] || { apt-get update -qq && apt-get install -y -qq chromium; }
	touch $(TEST_STAMP)

run: setup
	$(PY) -m assistant serve

ask: setup
	$(PY) -m assistant ask

ingest: setup
	$(PY) -m assistant ingest

# Rebuild the learned models (assistant/data/models/) from assistant/data/training/: seeded, about 25 minutes on 2 cores.
train: setup
	$(PY) -m assistant train

test: $(TEST_STAMP)
	$(PY) -m pytest

eval: setup
	$(PY) -m assistant eval

lint: $(TEST_STAMP)
	$(PY) -m ruff check assistant ingest eval tests
	$(PY) -m mypy
	$(VENV)/bin/lint-imports
	$(PY) -m eval.architecture

clean:
	rm -rf $(VENV) data reports
