# Samverkanskollen. `make run` for a working demo, `make test` for the whole suite.
# The distribution's Python 3.11 when it can make virtual environments (Debian builds it with
# profile-guided optimisation: the suite runs ~10 % faster on it than on a default pyenv build,
# and production runs on it too); else whatever python3 is first on the PATH.
PYTHON ?= $(shell /usr/bin/python3.11 -c "import ensurepip, venv" >/dev/null 2>&1 && echo /usr/bin/python3.11 || echo python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app coop_tracker
PORT ?= 5000
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: run test test-fast screenshots lint fmt translations install clean extract bench bench-report load system-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

install: $(STAMP) translations

# Compiled catalogues (.mo) are not in git: built here, before the app runs or the tests start.
# Without them the pages are simply Swedish (the source language).
translations: $(STAMP)
	@if [ -d translations/en ]; then $(BIN)/pybabel -q compile -d translations; fi

# WeasyPrint (the PDF meeting report) needs Debian's Pango and a font; the tests read PDFs back
# with poppler-utils. Installed when missing and we are root; otherwise the command is printed.
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-core poppler-utils
system-deps:
	@missing=""; \
	ldconfig -p 2>/dev/null | grep -q libpango-1.0 || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0"; \
	fc-list 2>/dev/null | grep -qi noto || missing="$$missing fonts-noto-core"; \
	command -v pdftotext >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing system packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "PDF reports need system packages. Run: sudo apt-get install$$missing"; \
	  fi; \
	fi

run: install system-deps
	$(FLASK) db upgrade
	$(FLASK) seed
	$(FLASK) demo --scale small --if-empty
	@echo ""
	@echo "Demo logins (password for all: demo-losenord-2026):"
	@echo "  admin@demo.samverkanskollen.se     administratör"
	@echo "  redaktor@vansbro.demo.se           redaktör, Vansbro"
	@echo "  lasare@vansbro.demo.se             läsare (politiker), Vansbro"
	@echo "  redaktor@mora.demo.se              redaktör, Mora"
	@echo ""
	@echo "Serving on http://127.0.0.1:$(PORT)"
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

# One pytest process per core (pytest-xdist); each has its own app, SQLite files or PostgreSQL
# database (test_gw0, test_gw1, … made from the configured URL). JOBS=0 runs in one process.
# Work stealing: an idle worker takes tests queued on the other, so both end together (the slow
# browser journeys are queued first; see tests/conftest.py).
# Bytecode written even where PYTHONDONTWRITEBYTECODE is set: otherwise every worker compiles
# the package and rewrites the asserts of every test module again on each run (~8 s of CPU each).
JOBS ?= auto
PYTEST := PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -q -n $(JOBS) --dist worksteal

test: install system-deps
	$(PYTEST)

# The suite without the slow browser journeys, for a quick check while working (CI runs all).
test-fast: install system-deps
	$(PYTEST) -m "not slow"

# The browser journeys with a full-page screenshot of every page they check with axe, for a
# person to look at (the suite itself takes none: they cost as much as the checks).
SCREENSHOTS ?= /tmp/coop_tracker_screenshots
screenshots: install system-deps
	COOP_TRACKER_SCREENSHOTS=$(SCREENSHOTS) $(PYTEST) tests/e2e
	@echo "Screenshots in $(SCREENSHOTS)"

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

fmt: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache

# Translations: Swedish is the source language; English lives in translations/en.
# Locations name the file only, so that moving a line does not change the catalogue. Only dot
# directories are skipped (Babel also skips _underscore ones by default, such as templates/_macros).
# No fuzzy matching: a changed Swedish text comes back untranslated, and the i18n test says so.
extract: install
	@mkdir -p translations
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext --ignore-dirs='.* __pycache__' \
	  --add-location=file --sort-output \
	  --width=100 --project=Samverkanskollen -o translations/messages.pot .
	@if [ -d translations/en ]; then \
	  $(BIN)/pybabel -q update --no-fuzzy-matching --ignore-obsolete --width=100 \
	    -i translations/messages.pot -d translations -l en; \
	else $(BIN)/pybabel -q init --width=100 -i translations/messages.pot -d translations -l en; fi

bench: install
	$(BIN)/python bench/run.py

# The meeting report made anew in one process: CPU and wall time per render, pages, peak memory.
# DATABASE=sqlite:////path/to/national.sqlite3 reuses a prepared national data set.
bench-report: install
	$(BIN)/python bench/report.py $(if $(DATABASE),--database $(DATABASE))

load: install
	$(BIN)/python bench/load.py
