# The two set-up commands are `make run` and `make test`; see README.md.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
HOST ?= 127.0.0.1
WORKERS ?= $(shell nproc 2>/dev/null || echo 2)
LOAD_ARGS ?=

.PHONY: run serve load nginx test bench lint db i18n

$(PY):
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: requirements.txt | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# DEMO=0 for a real installation: no demo workshop, no demo steward passcode (docs/deploy.md).
DEMO ?= 1
db: $(VENV)/.runtime
	mkdir -p var
	$(PY) -m portfolio_engine init-db
	$(if $(filter 1,$(DEMO)),$(PY) -m portfolio_engine seed-demo)

run: db
	$(PY) -m ui.serve run app.py --server.address $(HOST) --server.port $(PORT)

# A room on one machine: WORKERS Streamlit processes (one per core) behind nginx; see docs/serving.md.
# HTTPS with TLS_CERT=cert.pem TLS_KEY=key.pem (HTTP_PORT=80 redirects plain HTTP); RUN_DIR keeps the logs; see docs/deploy.md.
# DATABASE_URL=postgresql://... shares a PostgreSQL server; APP_HOSTS="10.0.0.2 10.0.0.3" starts WORKERS processes on each address.
serve: db nginx
	$(PY) -m serving.room --host $(HOST) --port $(PORT) --workers $(WORKERS) $(if $(TLS_CERT),--tls-cert "$(TLS_CERT)") \
		$(if $(TLS_KEY),--tls-key "$(TLS_KEY)") $(if $(HTTP_PORT),--http-port $(HTTP_PORT)) $(if $(RUN_DIR),--runtime "$(RUN_DIR)") \
		$(if $(APP_HOSTS),--app-hosts "$(APP_HOSTS)")

# Participants and residents over Streamlit's websocket, against one process and against `make serve`.
load: $(VENV)/.dev nginx
	$(PY) -m loadtest $(LOAD_ARGS)

nginx:
	@command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || { echo "Installing nginx (Debian package)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; }

# The suite runs in TEST_WORKERS processes (pytest-xdist), a test file per process at a time: browser and server tests
# spend much of their time waiting on a server or a browser, which the other process uses. TEST_WORKERS=0 runs it in one.
# The 30 slowest tests are listed at the end, to see where the suite's time goes.
TEST_WORKERS ?= 2
test: $(VENV)/.dev
	$(PY) -m ruff check .
	$(PY) -m mypy
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile --durations=30

bench: $(VENV)/.dev
	$(PY) bench/run.py

# Translations (docs/languages.md): extract the marked texts and the catalog's into messages.pot, then update every .po.
LOCALES := portfolio_engine/locale
i18n: $(VENV)/.dev
	PYTHONPATH=. $(VENV)/bin/pybabel extract -F babel.cfg -k N_ -k Rule:4 --no-location --sort-output --omit-header -o $(LOCALES)/messages.pot \
		app.py pages ui portfolio_engine/voting portfolio_engine/data portfolio_engine/optimizer/binding_words.py portfolio_engine/model/milestones.py
	$(VENV)/bin/pybabel update -i $(LOCALES)/messages.pot -d $(LOCALES) --no-fuzzy-matching --omit-header --ignore-obsolete

# ruff on everything; mypy on the engine (files and strictness in pyproject.toml's [tool.mypy]).
lint: $(VENV)/.dev
	$(PY) -m ruff check .
	$(PY) -m mypy
