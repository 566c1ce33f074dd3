# Quick start: `make run` (http://127.0.0.1:8000, demo data loaded) and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint setup install bench clean

install: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo

# Web server; with REDIS_URL set, a Celery worker and beat beside it.
run: setup
	HOST=$(HOST) PORT=$(PORT) exec scripts/run.sh

# Unit and API tests on both cores (a database per worker); then the integration and browser
# tests, which start servers, workers and browsers of their own, one at a time.
test: install lint
	node --test tests/js/
	$(BIN)/python -m pytest -m "not integration and not browser" -n 2
	$(BIN)/python -m pytest -m "integration or browser"

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	node_modules/.bin/eslint .
	node_modules/.bin/tsc -p jsconfig.json

bench: install
	$(BIN)/python bench/intake.py

clean:
	rm -rf $(VENV) node_modules db.sqlite3 media staticfiles
