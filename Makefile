# Spiral — the newcomer's interface. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

export UV_PYTHON_DOWNLOADS := never
UV_VERSION := 0.13.8
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
PY := $(UV) run --frozen
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help install assets run demo test lint typecheck architecture migrations-check pytest format bench clean

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-18s %s\n", $$1, $$2}'

.tools/bin/uv:
	python3 -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

install: $(UV) assets ## Install Python packages from uv.lock and the GOV.UK Frontend assets
	$(UV) sync --frozen

assets: node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.css ## Install the GOV.UK Frontend assets (npm)

node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.css: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed for the GOV.UK Frontend assets: apt-get install npm"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

demo: install ## Create the SQLite database and load the fictional demo council
	$(PY) python manage.py migrate --no-input
	$(PY) python manage.py load_demo

run: demo ## Run Spiral on http://127.0.0.1:8000 with the demo council loaded
	$(PY) python manage.py demo_personas --url http://$(HOST):$(PORT)/
	$(PY) python manage.py runserver $(HOST):$(PORT)

test: install lint typecheck architecture migrations-check pytest ## Run the whole test suite (lint, types, layering, migrations, pytest)

lint: ## ruff: lint and formatting
	$(PY) ruff check .
	$(PY) ruff format --check .

format: ## ruff: format the code and fix what can be fixed
	$(PY) ruff format .
	$(PY) ruff check --fix .

typecheck: ## mypy (strict on the engine)
	$(PY) mypy

architecture: ## import-linter: the engine never imports Django or the workspace
	$(PY) lint-imports

migrations-check: ## Every model change has its migration
	$(PY) python manage.py makemigrations --check --dry-run

pytest: ## pytest only
	$(PY) pytest $(PYTEST_ARGS)

bench: install ## Run the benchmarks under bench/ (prints figures)
	@for f in bench/*.py; do echo "== $$f"; $(PY) python $$f || exit 1; done

clean: ## Remove the local database, virtual environment, installed assets and compiled merge
	rm -rf .venv .tools node_modules db.sqlite3 test-output build spiral.egg-info
	find spiral -name '*.so' -delete
