# Two commands for a newcomer: `make run` and `make test`. Both install what they need first,
# and a second run skips every step whose inputs have not changed.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
VENDOR := marketplace/static/vendor
NHSUK := node_modules/nhsuk-frontend/dist/nhsuk
SWAGGER := node_modules/swagger-ui-dist
# Server on which `make test-postgres` creates (and afterwards drops) a throw-away database.
TEST_POSTGRES_SERVER ?= postgresql://postgres@127.0.0.1:5432/postgres

.PHONY: run serve worker test test-postgres lint check-migrations install browser constraints bench bench-scale bench-ann clean

run: install
	$(BIN)/marketplace db upgrade
	$(BIN)/marketplace seed-demo --if-empty
	@echo "Serving on http://127.0.0.1:$(PORT)"
	$(BIN)/marketplace run --host 127.0.0.1 --port $(PORT)

# Production ("Running in production" in README.md): migrations, then gunicorn with
# marketplace/gunicorn_conf.py. MARKETPLACE_ENV defaults to production, where the app refuses
# to start without SECRET_KEY, REDIS_URL and a PostgreSQL DATABASE_URL, naming what is missing.
serve: export MARKETPLACE_ENV ?= production
serve: install
	$(BIN)/marketplace db upgrade
	exec $(BIN)/gunicorn --config python:marketplace.gunicorn_conf

# The RQ worker that encodes submitted texts, beside `make serve`, in the same environment.
worker: export MARKETPLACE_ENV ?= production
worker: install
	exec $(BIN)/marketplace matching worker

test: install browser
	$(BIN)/pytest $(PYTEST_ARGS)

test-postgres: install browser
	TEST_DATABASE_URL=$(TEST_POSTGRES_SERVER) $(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .

# Models and migrations must agree: upgrade a scratch database, then ask Alembic for drift.
check-migrations: install
	mkdir -p instance && rm -f instance/migration-check.sqlite3
	DATABASE_URL=sqlite:///$(CURDIR)/instance/migration-check.sqlite3 $(BIN)/marketplace db upgrade
	DATABASE_URL=sqlite:///$(CURDIR)/instance/migration-check.sqlite3 $(BIN)/marketplace db check
	rm -f instance/migration-check.sqlite3

# Matching benchmarks (SciFact quality, lookup latency, indexing): about ten minutes on two
# cores; figures printed and written to bench/results/latest.json.
bench: install
	$(BIN)/python bench/run_matching.py

# Matching at 1k, 10k and 100k solutions through the app and gunicorn, on scratch PostgreSQL
# databases (BENCH_POSTGRES_SERVER): under 30 minutes here; writes bench/results/scale.json.
bench-scale: install
	$(BIN)/python bench/bench_scale.py $(if $(SIZES),--sizes $(SIZES))

# Exact scan against FAISS IVF and HNSW at 100k and 1M generated passages (about ten minutes);
# writes bench/results/ann.json. FAISS is installed for this benchmark only.
bench-ann: install
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev,bench]'
	$(BIN)/python bench/bench_ann.py

install: $(VENV)/.installed $(VENDOR)/.copied

# torch is installed first and on its own so that pip takes the CPU build on disk, never the
# multi-gigabyte CUDA build; constraints.txt pins it (and every other transitive package).
$(VENV)/.installed: pyproject.toml constraints.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -c constraints.txt torch==2.13.0
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

# The design system's compiled files and the API docs viewer, served by Flask (git-ignored).
$(VENDOR)/.copied: node_modules/.installed
	rm -rf $(VENDOR)
	mkdir -p $(VENDOR)/nhsuk $(VENDOR)/swagger-ui
	cp $(NHSUK)/nhsuk-frontend.min.css $(NHSUK)/nhsuk-frontend.min.js $(VENDOR)/nhsuk/
	cp -r $(NHSUK)/assets $(VENDOR)/nhsuk/assets
	cp $(SWAGGER)/swagger-ui.css $(SWAGGER)/swagger-ui-bundle.js $(VENDOR)/swagger-ui/
	touch $@

# Browser tests drive Debian's Chromium; Playwright cannot download browsers here.
browser:
	@test -x /usr/bin/chromium || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

constraints: $(VENV)/.installed
	{ echo "# Every transitive pin for a reproducible install; torch is the CPU build (see Makefile)."; \
	  echo "# Regenerate with: make constraints"; \
	  $(BIN)/pip freeze --exclude-editable | sed 's/^torch==\(.*\)+cpu/torch==\1/'; } > constraints.txt

clean:
	rm -rf $(VENV) node_modules $(VENDOR) .pytest_cache
