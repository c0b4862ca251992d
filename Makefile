# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 5000
export FLASK_APP := wsgi

.PHONY: run test lint typecheck pytest install lock bench clean translations

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Install exactly what requirements.lock pins, every file checked against its hash (pip and
# setuptools included), then the project itself: no dependencies and no build isolation, so
# nothing unpinned is fetched. The dry run (no index: only what is installed) fails if the
# lock no longer satisfies pyproject.toml (a dependency added or a bound raised without
# `make lock`).
# Re-install whenever requirements.lock or pyproject.toml changes.
$(VENV)/.installed: requirements.lock pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation --check-build-dependencies -e .
	@$(BIN)/python -m pip install --quiet --dry-run --no-index --no-build-isolation -e '.[dev]' \
		|| { echo 'requirements.lock does not satisfy pyproject.toml: run `make lock`' >&2; exit 1; }
	touch $@

install: $(VENV)/.installed

# `make lock` is the only way requirements.lock changes: never edit it by hand. It resolves
# pyproject.toml's dependencies, the dev extra and the build requirements (setuptools) for
# this Python on this platform, and records every version with the hashes of its files.
# Versions already in the lock stay unless pyproject.toml needs otherwise; to move packages
# to their newest allowed release: `make lock UPGRADE="flask sqlalchemy"`, or UPGRADE_ALL=1.
# Extras stay in the lock (pydantic[email]): pip's hash-checking mode refuses a dependency
# that asks for an extra the lock does not name.
PIP_TOOLS_VERSION := 7.6.2
lock: | $(BIN)/python
	$(BIN)/python -m pip install --quiet pip-tools==$(PIP_TOOLS_VERSION)
	CUSTOM_COMPILE_COMMAND='make lock' $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe \
		--extra dev --no-strip-extras --build-deps-for editable --no-emit-index-url --no-emit-find-links \
		$(if $(UPGRADE_ALL),--upgrade) $(foreach p,$(UPGRADE),--upgrade-package $(p)) \
		-o requirements.lock pyproject.toml

run: export APP_ENV ?= development
run: export MAP_TILE_URL ?= https://tile.openstreetmap.org/{z}/{x}/{y}.png
run: export SITE_URL ?= http://127.0.0.1:$(PORT)
run: install
	$(BIN)/flask db upgrade
	$(BIN)/flask seed
	$(BIN)/flask run --host 127.0.0.1 --port $(PORT)

# bandit: medium and high severity findings fail (skips are justified in pyproject.toml).
# pip-audit: known vulnerabilities in the installed packages, from PyPI's advisory data; a
# package PyPI cannot be asked about is listed as skipped rather than failing the build.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit -c pyproject.toml -r community_hub -ll -q
	$(BIN)/pip-audit --skip-editable --progress-spinner off

typecheck: install
	$(BIN)/mypy

# Every core runs tests (pytest-xdist): a whole file stays on one worker, so a file's fixtures
# are built once; each worker has its own throwaway databases. PYTEST_WORKERS=0 runs in one.
PYTEST_WORKERS ?= auto
pytest: install
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile

test: lint typecheck pytest

# After changing any text in templates or Python: re-extract, merge into every language's .po,
# then compile the .mo files the app loads (both are committed; tests/test_i18n.py checks them).
TRANSLATIONS := community_hub/translations
translations: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 --no-location --sort-output \
		--project community_hub -o $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel compile --statistics -d $(TRANSLATIONS)

# Benchmarks print their figures and end with one line of JSON. BENCH_DATABASE_URL (a
# PostgreSQL server) runs the database ones there too; bench/http_load.py needs wrk.
bench: install
	$(BIN)/python bench/search.py --meetings 1000000
	$(BIN)/python bench/http_load.py --meetings 100000
	$(BIN)/python bench/feed.py --meetings 100000
	$(BIN)/python bench/page_weight.py
	$(BIN)/python bench/reports.py
	$(BIN)/python bench/oruk.py --resources 100000
ifdef BENCH_DATABASE_URL
	$(BIN)/python bench/search.py --meetings 1000000 --database-url $(BENCH_DATABASE_URL)
	$(BIN)/python bench/http_load.py --meetings 100000 --database-url $(BENCH_DATABASE_URL)
	$(BIN)/python bench/feed.py --meetings 100000 --database-url $(BENCH_DATABASE_URL)
	$(BIN)/python bench/reports.py --referrals 1000000 --database-url $(BENCH_DATABASE_URL)
	$(BIN)/python bench/oruk.py --resources 100000 --database-url $(BENCH_DATABASE_URL)
endif

clean:
	rm -rf $(VENV) instance/*.sqlite3 .pytest_cache .mypy_cache .ruff_cache
