# ZI — two commands matter: `make run` (try it) and `make test` (prove it).
# Everything is set up from nothing but Python >= 3.12 and make.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV       := .venv
PY         := $(VENV)/bin/python
PIP        := $(VENV)/bin/pip
MANAGE     := $(PY) manage.py
# The interpreter used to build the virtualenv: the first Python >= 3.12 found.
BASE_PY    := $(shell scripts/find_python.sh)
# What `make test` runs a second time under zi.settings.test_embedded (override like PYTEST_ARGS).
EMBEDDED_ARGS ?= tests/api tests/portalrb tests/browser tests/embedded

.PHONY: help run test lint lock fmt messages worker beat check-services browser clean backup restore bench-pakta bench-seed bench-run bench-scale

help:
	@echo "make run    — embedded demo on http://127.0.0.1:8000 (SQLite, tasks in-process; ZI_ADDR=host:port)"
	@echo "make test   — the whole suite on PostgreSQL + Redis (DATABASE_URL, REDIS_URL)"
	@echo "make lint   — ruff (lint + format), djLint, import layers, mypy, migrations and translations checks"
	@echo "make lock   — re-resolve requirements*.txt into the hashed requirements*.lock (uv)"
	@echo "make worker / make beat — Celery processes (needs REDIS_URL)"
	@echo "make backup / make restore — pg_dump + media + checksummed manifest (docs/security.md)"

# The venv installs the lock files (every transitive dependency pinned, each file checked against its
# sha256) and is refreshed when a lock changes. requirements*.txt are the human-edited source: after
# editing one, `make lock` resolves it into requirements*.lock (README "Design": dependencies).
$(VENV)/.stamp-run: requirements.lock
	@test -n "$(BASE_PY)" || { echo "ZI needs Python >= 3.12; none was found (tried python3, python3.13, python3.12, pyenv)."; exit 1; }
	@test -x $(PY) || $(BASE_PY) -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	@touch $@

$(VENV)/.stamp-dev: $(VENV)/.stamp-run requirements-dev.lock
	$(PIP) install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.lock
	@touch $@

# Re-resolve the locks from requirements*.txt (keeps every pin it can; LOCK_ARGS=--upgrade moves all
# to the newest, LOCK_ARGS="--upgrade-package django" one). The dev lock is constrained by the runtime
# lock, so both install the same runtime versions.
UV_COMPILE := $(VENV)/bin/uv pip compile --quiet --generate-hashes --universal --python-version 3.12 \
	--custom-compile-command "make lock"
lock: $(VENV)/.stamp-dev
	$(UV_COMPILE) $(LOCK_ARGS) requirements.txt -o requirements.lock
	$(UV_COMPILE) $(LOCK_ARGS) -c requirements.lock requirements-dev.txt -o requirements-dev.lock

# The embedded demo: SQLite, tasks in-process, DEBUG on (local only), the demo world seeded.
# The address served (ZI_ADDR=0.0.0.0:8080 for another port or the LAN); links in mails, PDFs and QR
# codes follow it. Mails go to files in var/mail/.
ZI_ADDR ?= 127.0.0.1:8000
run: export DEBUG ?= true
run: export ZI_DEMO_ADDR = $(ZI_ADDR)
run: $(VENV)/.stamp-run
	@scripts/ensure_system_packages.sh || echo "PDF reports need the packages above; everything else works without them."
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo
	$(MANAGE) runserver $(ZI_ADDR)

# Test mode: `make lint` first, then PostgreSQL and Redis are required; a missing service fails loudly with the fix.
test: $(VENV)/.stamp-dev lint
	@DJANGO_SETTINGS_MODULE=zi.settings.test PYTHONPATH=. $(PY) scripts/check_services.py
	@scripts/ensure_chromium.sh
	@scripts/ensure_clamav.sh
	@scripts/ensure_system_packages.sh
	@scripts/ensure_docker_compose.sh
	@scripts/ensure_libreoffice.sh
	@scripts/ensure_redis_server.sh
	@scripts/ensure_pgbouncer.sh
	@scripts/ensure_haproxy.sh
	@scripts/ensure_postgresql_server.sh
	DJANGO_SETTINGS_MODULE=zi.settings.test $(PY) -m pytest $(PYTEST_ARGS)
	# The same API, PortalRB contract, browser journeys and demo walk in the embedded mode of
	# `make run` (SQLite, local-memory cache, tasks in-process), so that mode cannot regress.
	DJANGO_SETTINGS_MODULE=zi.settings.test_embedded $(PY) -m pytest $(EMBEDDED_ARGS)

# Fast (well under a minute), and the first thing `make test` does. The same tools run before each
# commit with pre-commit (.pre-commit-config.yaml). Configuration: pyproject.toml. The last step is
# the Indonesian catalogue check (every msgid translated, placeholders kept, the .mo compiled from it).
lint: $(VENV)/.stamp-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djlint templates apps --lint
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy
	DJANGO_SETTINGS_MODULE=zi.settings.test $(MANAGE) makemigrations --check --dry-run
	PYTEST_DISABLE_PLUGIN_AUTOLOAD=1 $(PY) -m pytest -q -p no:cacheprovider --noconftest \
	  -W ignore::pytest.PytestConfigWarning tests/ops/test_translations.py

fmt: $(VENV)/.stamp-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Regenerate the Indonesian catalogue and compile it (the .mo is committed so `make run` needs no gettext).
messages: $(VENV)/.stamp-run
	$(MANAGE) makemessages -l id --ignore=.venv --ignore=tests --no-obsolete
	$(MANAGE) compilemessages -l id --ignore=.venv

worker: $(VENV)/.stamp-run
	$(VENV)/bin/celery -A zi worker -l info

beat: $(VENV)/.stamp-run
	$(VENV)/bin/celery -A zi beat -l info

# Backup of the PostgreSQL deployment (DATABASE_URL, MEDIA_ROOT or ZI_VAR_DIR): database dump, media tar
# and a manifest with checksums, row counts and audit-chain heads, into $(BACKUP_DIR) (default var/backups).
backup: $(VENV)/.stamp-run
	PYTHONPATH=. $(PY) scripts/backup.py $(if $(BACKUP_DIR),--out $(BACKUP_DIR))

# make restore BACKUP=var/backups/zi-backup-… RESTORE_DB=zi_restored RESTORE_VAR_DIR=/srv/zi-restored
# Restores into a NEW database and var directory and verifies checksums, row counts and the audit chain.
restore: $(VENV)/.stamp-run
	@test -n "$(BACKUP)" && test -n "$(RESTORE_DB)" && test -n "$(RESTORE_VAR_DIR)" || \
	  { echo "usage: make restore BACKUP=<backup dir> RESTORE_DB=<new database> RESTORE_VAR_DIR=<new var dir>"; exit 2; }
	PYTHONPATH=. $(PY) scripts/restore.py "$(BACKUP)" --database "$(RESTORE_DB)" --var-dir "$(RESTORE_VAR_DIR)"

clean:
	rm -rf $(VENV) var/ .pytest_cache

# A unit of 5,000 pegawai signing the Pakta Integritas in a burst (measured, not asserted: bench/README.md).
bench-pakta: $(VENV)/.stamp-dev
	@DJANGO_SETTINGS_MODULE=zi.settings.test PYTHONPATH=. $(PY) scripts/check_services.py
	DJANGO_SETTINGS_MODULE=zi.settings.test $(PY) bench/pakta_burst.py

# National scale (bench/README.md): seed ≈700 instansi / 50,000 units / 1,000,000 signatures with COPY into
# BENCH_DATABASE (default zi_national, re-created; BENCH_SCALE=0.01 for a quick run), then measure every
# page against the floor with gunicorn and write bench/RESULTS.md.
bench-seed: $(VENV)/.stamp-dev
	@DJANGO_SETTINGS_MODULE=zi.settings.test PYTHONPATH=. $(PY) scripts/check_services.py
	$(PY) bench/seed_national.py

bench-run: $(VENV)/.stamp-dev
	@DJANGO_SETTINGS_MODULE=zi.settings.test PYTHONPATH=. $(PY) scripts/check_services.py
	@scripts/ensure_wrk.sh
	$(PY) bench/run.py

# Single node vs pgbouncer vs read replica on a throw-away primary + streaming replica of its own
# (BENCH_SCALE, default 0.01), side by side: bench/RESULTS-scale.md (docs/scale.md).
bench-scale: $(VENV)/.stamp-dev
	@scripts/ensure_pgbouncer.sh
	@scripts/ensure_postgresql_server.sh
	@scripts/ensure_wrk.sh
	$(PY) bench/scale.py
