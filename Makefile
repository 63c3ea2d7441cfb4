# Polku: `make run` starts everything, `make test` checks everything.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
LAUNCH := $(PY) -m config.launcher exec --
# uv from PATH, or the one pip installs below (its script directory may not be on PATH).
UV = $(or $(shell command -v uv 2>/dev/null),python3 -m uv)

.PHONY: run test setup lint check pytest bench messages clean

run: setup
	$(PY) -m config.launcher run

test: setup lint check pytest

setup: $(VENV)/.synced node_modules/.installed static/vendor/.built locale/.compiled

$(VENV)/.synced: requirements-dev.lock .python-version
	@# A Python that its distribution manages (PEP 668: Debian 12, Ubuntu 24.04) refuses even a
	@# --user install unless told; uv then lives in ~/.local, apart from the system's packages.
	@$(UV) --version >/dev/null 2>&1 || python3 -m pip install --quiet --user uv \
	  || python3 -m pip install --quiet --user --break-system-packages uv
	$(UV) venv --quiet --allow-existing --python 3.12 $(VENV)
	$(UV) pip sync --quiet --python $(PY) requirements-dev.lock
	@touch $@

node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

static/vendor/.built: node_modules/.installed scripts/build-static.mjs
	npm run --silent build
	@touch $@

locale/.compiled: $(VENV)/.synced $(wildcard locale/*/LC_MESSAGES/django.po) $(wildcard */locale/*/LC_MESSAGES/django.po)
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v0
	@touch $@

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djlint templates */templates --lint --quiet
	$(VENV)/bin/lint-imports --no-cache

check: setup
	$(LAUNCH) $(PY) manage.py makemigrations --check --dry-run
	POLKU_ENV=production SECRET_KEY=check-deploy-$$(openssl rand -hex 32) \
	  POLKU_IDENTITY_CODE_KEYS=$$($(PY) -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())") \
	  POLKU_IDENTITY_CODE_HASH_KEY=check-deploy ALLOWED_HOSTS=polku.example.fi \
	  POLKU_BASE_URL=https://polku.example.fi DATABASE_URL=postgres://polku@127.0.0.1:5432/polku \
	  $(PY) manage.py check --deploy --fail-level WARNING
	@if docker compose version >/dev/null 2>&1; then docker compose config --quiet && echo "docker-compose.yml valid"; \
	  else echo "docker compose not installed: skipping docker-compose.yml validation"; fi

pytest: setup
	$(LAUNCH) $(VENV)/bin/pytest $(PYTEST_ARGS)

bench: setup
	$(LAUNCH) $(PY) -m tests.bench.run

messages: setup
	$(PY) manage.py makemessages -l sv -l en --ignore=.venv --ignore=node_modules --ignore=tests --no-obsolete
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules

clean:
	rm -rf $(VENV) node_modules static/vendor staticfiles
