# Due Regard. `make demo` and `make test` work on a fresh machine; both start with `make setup`.
PY       := .venv/bin/python
PIP      := .venv/bin/pip
PORT     ?= 8000
SSO_PORT ?= 8090
# Debian packages: BASE_PKGS are what `make setup` and the running service need (a virtual
# environment, Node for the front-end build, WeasyPrint's Pango and a font for PDFs); TEST_PKGS
# are what the suite adds (a browser, PDF and DOCX tools).
BASE_PKGS := python3-venv nodejs libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
TEST_PKGS := chromium poppler-utils libreoffice-writer-nogui
# Prints the packages of $(1) that dpkg does not list as installed, then installs them.
apt_install = missing=$$(for p in $(1); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
  if [ -n "$$missing" ]; then echo "installing:" $$missing; apt-get update -qq && \
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; fi
CSS      := build/static/dueregard/dueregard.css
# Test processes (pytest-xdist): one per CPU; TEST_WORKERS=0 runs the suite in one process.
TEST_WORKERS ?= auto

.PHONY: setup sysdeps sysdeps-base demo demo-sso test test-pg lint format clean

.venv/.stamp: requirements.txt requirements-dev.txt constraints.txt | sysdeps-base
	python3 -m venv .venv
	$(PIP) install -q --disable-pip-version-check -r requirements-dev.txt -c constraints.txt
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

$(CSS): node_modules/.package-lock.json dueregard/static_src/dueregard.scss
	mkdir -p $(dir $(CSS))
	npm run --silent build:css

setup: .venv/.stamp node_modules/.package-lock.json $(CSS)  ## virtual environment, front-end packages, compiled CSS

sysdeps-base:  ## Debian packages setup and the service need; installed only when missing
	@$(call apt_install,$(BASE_PKGS))
	@command -v npm >/dev/null || { $(call apt_install,npm); }

sysdeps: sysdeps-base  ## Debian packages the tests add (a browser, PDF and DOCX tools); installed only when missing
	@$(call apt_install,$(TEST_PKGS))

demo: setup  ## build the demo borough on SQLite and serve it on http://127.0.0.1:$(PORT)
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py seed_demo
	$(PY) manage.py demo_sign_ins --address http://127.0.0.1:$(PORT)
	DEBUG=0 $(PY) manage.py runserver 127.0.0.1:$(PORT)  # the service's own error pages, as in production

demo-sso: setup  ## the demo with single sign-on: a test OIDC provider on 127.0.0.1:$(SSO_PORT) beside it (README)
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py seed_demo
	$(PY) manage.py demo_sign_ins --address http://127.0.0.1:$(PORT)
	$(PY) -m tests.oidc_provider.demo $(PORT) $(SSO_PORT)

test: setup sysdeps  ## the whole suite, browser tests included (SQLite unless DATABASE_URL is set)
	.venv/bin/pytest -n $(TEST_WORKERS)

test-pg: setup sysdeps  ## the whole suite against a throwaway PostgreSQL server
	@set -e; eval "$$(scripts/pg-throwaway.sh start | grep '^DATABASE_URL=' | sed 's/^/export /')"; \
	  trap 'scripts/pg-throwaway.sh stop' EXIT; .venv/bin/pytest -n $(TEST_WORKERS)

production-start: setup  ## start as production does (docs/deployment.md) on a throwaway PostgreSQL: gunicorn, collected static files, a runtime role; sign in, open pages, stop
	@set -e; eval "$$(PGPORT=55439 scripts/pg-throwaway.sh start | grep '^DATABASE_URL=' | sed 's/^/export /')"; \
	  trap 'PGPORT=55439 scripts/pg-throwaway.sh stop' EXIT; $(PY) scripts/production_start.py

.PHONY: bench bench-pg production-start
BENCH_ARGS ?=

bench: setup  ## benchmarks of every report and busy page, one JSON line each (docs/benchmarks.md); SQLite in build/bench.sqlite3 unless DATABASE_URL is set; BENCH_ARGS="--factor 10"
	$(PY) benchmarks/run.py $(BENCH_ARGS)

bench-pg: setup  ## the benchmarks against a throwaway PostgreSQL server
	@set -e; eval "$$(scripts/pg-throwaway.sh start | grep '^DATABASE_URL=' | sed 's/^/export /')"; \
	  trap 'scripts/pg-throwaway.sh stop' EXIT; $(PY) benchmarks/run.py $(BENCH_ARGS)

.PHONY: bench-audit bench-audit-pg
AUDIT_ARGS ?=

bench-audit: setup  ## how fast verify_audit checks the audit chain: 1,000,000 sealed events on SQLite (build/audit-chain.sqlite3); AUDIT_ARGS="--events 10000000"
	$(PY) benchmarks/audit_chain.py $(AUDIT_ARGS)

bench-audit-pg: setup  ## the same on a throwaway PostgreSQL server
	@set -e; eval "$$(scripts/pg-throwaway.sh start | grep '^DATABASE_URL=' | sed 's/^/export /')"; \
	  trap 'scripts/pg-throwaway.sh stop' EXIT; $(PY) benchmarks/audit_chain.py $(AUDIT_ARGS)

.PHONY: load load-pg
LOAD_ARGS ?=

load: setup  ## the load benchmark: gunicorn on 127.0.0.1, 50 signed-in users for 60 s, on SQLite (build/load.sqlite3); LOAD_ARGS="--users 30"
	$(PY) benchmarks/load.py $(LOAD_ARGS)

load-pg: setup  ## the load benchmark on a throwaway PostgreSQL server, with production settings
	@set -e; eval "$$(scripts/pg-throwaway.sh start | grep '^DATABASE_URL=' | sed 's/^/export /')"; \
	  trap 'scripts/pg-throwaway.sh stop' EXIT; $(PY) benchmarks/load.py $(LOAD_ARGS)

lint: setup  ## ruff and mypy
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy

format: setup
	.venv/bin/ruff format .
	.venv/bin/ruff check --fix .

clean:
	rm -rf .venv node_modules build staticfiles db.sqlite3 .hypothesis .mypy_cache .ruff_cache
