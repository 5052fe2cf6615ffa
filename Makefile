# The two commands a newcomer needs are `make run` and `make test` (README). Everything installs
# from the hashed lock files in requirements/; nothing else is needed but Python ≥ 3.11, git, make.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
PIP_INSTALL := $(PY) -m pip install --quiet --disable-pip-version-check --require-hashes

.PHONY: run test check lint format lock messages compile-messages bench-data bench clean help

help:
	@echo "make run     - demo site with demo data at http://$(HOST):$(PORT)"
	@echo "make test    - the whole test suite (SQLite; PostgreSQL when DATABASE_URL points at it)"
	@echo "make check   - format, lint, types, import contracts, migrations, translations, then tests"
	@echo "make lock    - re-resolve requirements/*.in into the hashed lock files"
	@echo "make messages - collect interface strings into locale/*/django.po"

$(VENV)/.main-installed: requirements/main.txt scripts/bootstrap_venv.py
	@$(PYTHON) scripts/bootstrap_venv.py $(VENV)
	$(PIP_INSTALL) -r requirements/main.txt
	@touch $@

$(VENV)/.dev-installed: $(VENV)/.main-installed requirements/dev.txt
	$(PIP_INSTALL) -r requirements/main.txt -r requirements/dev.txt
	@touch $@

# The demo: DEBUG on, e-mail printed to this terminal, background tasks run at once (no worker
# needed), and (said when the logins are printed) no second factor required for staff.
DEMO_ENV := DEBUG=1 DEMO_MODE=1 MFA_REQUIRED_FOR_STAFF=0 TASKS_BACKEND=django_tasks.backends.immediate.ImmediateBackend

run: $(VENV)/.main-installed
	@mkdir -p var/static
	@$(DEMO_ENV) $(PY) manage.py migrate --noinput --verbosity 0
	@$(DEMO_ENV) $(PY) manage.py seed_demo --if-empty --print-logins
	@echo "Serving at http://$(HOST):$(PORT)/  (Ctrl+C to stop; e-mails such as sign-up links are printed here)"
	@$(DEMO_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

# The suite runs in one process per core (pytest-xdist), tests handed out in pytest-django's order (no
# test of the database after one that empties it); an xdist_group's tests go to one process together.
# PYTEST_ARGS comes after and wins: PYTEST_ARGS="-n 0" runs it all in this process.
PYTEST_PARALLEL ?= -n auto --dist loadgroup

test: $(VENV)/.dev-installed
	@mkdir -p var/static
	$(PY) -m pytest $(PYTEST_PARALLEL) $(PYTEST_ARGS)

lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	$(PY) scripts/compile_messages.py --check

check: lint test

format: $(VENV)/.dev-installed
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

lock:
	$(PYTHON) -m piptools compile --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
		--no-emit-find-links -o requirements/main.txt requirements/main.in
	$(PYTHON) -m piptools compile --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
		--no-emit-find-links -o requirements/dev.txt requirements/dev.in

# Needs GNU gettext (xgettext) on the developer's machine; users never run it.
messages: $(VENV)/.dev-installed
	DEBUG=1 $(PY) manage.py makemessages --locale ru --locale be --no-obsolete --ignore ".venv/*" --ignore "var/*" --ignore "bench/*"
	$(PY) scripts/compile_messages.py

bench-data: $(VENV)/.dev-installed
	$(PY) manage.py generate_scale_data --scale $(or $(SCALE),small)

bench: $(VENV)/.dev-installed
	$(PY) bench/load.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var/static .pytest_cache .mypy_cache .ruff_cache
