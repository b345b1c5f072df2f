# zhiben — `make run` sets everything up and starts the server; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
HOST ?= 127.0.0.1
export PORT HOST

.PHONY: run setup deps dev-deps requirements assets migrate static demo test lint fmt bench check-python check-node clean

run: setup ## Set up (idempotent) and start the web server and the task consumer
	@scripts/run.sh

setup: deps assets migrate static demo

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' \
	  || { echo "需要 Python 3.11 或更高版本 (Python 3.11+ is required; set PYTHON=...)"; exit 1; }

check-node:
	@command -v node >/dev/null && command -v npm >/dev/null \
	  || { echo "需要 Node.js 18+ 与 npm 来安装前端资源 (Node.js 18+ with npm is required for front-end assets)"; exit 1; }
	@node -e 'process.exit(parseInt(process.versions.node) >= 18 ? 0 : 1)' \
	  || { echo "Node.js 版本过低，需要 18 或更高 (Node.js 18+ is required, found $$(node --version))"; exit 1; }

$(VENV)/.deps: requirements.txt | check-python
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.dev-deps: requirements-dev.txt $(VENV)/.deps
	$(PY) -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	@touch $@

deps: $(VENV)/.deps
dev-deps: $(VENV)/.dev-deps

# requirements*.txt are compiled from requirements*.in by pip-tools: edit an .in file, then run this. Pins
# already in a .txt are kept unless the .in asks otherwise; PIP_COMPILE_FLAGS="--upgrade-package NAME"
# (or --upgrade) moves them. The dev file holds the runtime set at the runtime file's versions (-c).
PIP_COMPILE := CUSTOM_COMPILE_COMMAND="make requirements" $(VENV)/bin/pip-compile --quiet --strip-extras \
  --no-emit-index-url --no-emit-find-links --no-emit-trusted-host $(PIP_COMPILE_FLAGS)
requirements: dev-deps
	$(PIP_COMPILE) --output-file requirements.txt requirements.in
	$(PIP_COMPILE) --output-file requirements-dev.txt requirements-dev.in

node_modules/.package-lock.json: package-lock.json | check-node
	npm ci --no-audit --no-fund --loglevel=error

build/static/vendor/echarts/echarts.min.js: node_modules/.package-lock.json
	@mkdir -p $(dir $@)
	cp node_modules/echarts/dist/echarts.min.js $@
	cp node_modules/echarts/LICENSE $(dir $@)LICENSE

assets: build/static/vendor/echarts/echarts.min.js

migrate: deps
	$(PY) manage.py migrate --noinput

static: deps assets
	$(PY) manage.py collectstatic --noinput -v 0

# The demo's own notices are delivered while seeding (not by the consumer after the banner, burying the
# logins) and not logged line by line: they are on each demo user's notifications page.
demo: migrate
	HUEY_IMMEDIATE=1 LOG_LEVEL=WARNING $(PY) manage.py seed_demo

test: dev-deps assets ## The whole suite (SQLite; .ci/run repeats it on PostgreSQL and adds the browser test)
	$(PY) -m pytest -n auto -q

lint: dev-deps ## What .pre-commit-config.yaml runs too, and CI: style, types, layer contracts, migrations
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run

fmt: dev-deps
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: dev-deps static ## Benchmarks (SQLite, and PostgreSQL when a cluster is at hand): table + bench/results.json
	$(PY) bench/run.py

clean:
	rm -rf build node_modules $(VENV)
