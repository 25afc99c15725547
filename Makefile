# The two set-up commands are `make run` and `make test`; see README.md.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
HOST ?= 127.0.0.1

.PHONY: run test bench lint db

$(PY):
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: requirements.txt | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

db: $(VENV)/.runtime
	mkdir -p var
	$(PY) -m portfolio_engine init-db
	$(PY) -m portfolio_engine seed-demo

run: db
	$(PY) -m ui.serve run app.py --server.address $(HOST) --server.port $(PORT)

test: $(VENV)/.dev
	$(PY) -m ruff check .
	$(PY) -m pytest

bench: $(VENV)/.dev
	$(PY) bench/run.py

lint: $(VENV)/.dev
	$(PY) -m ruff check .
