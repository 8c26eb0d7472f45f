# mlhw: two commands for a fresh machine (Python 3.11+, make):
#   make book   - set up .venv, build the site into _build/html
#   make test   - set up .venv, run every test layer
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.mlhw-installed
JOBS   ?= 2
PORT   ?= 8000
ASSETS := _offline/.lock-sha256
# the browser for the site tests, the first that is there: a chromium on PATH, Playwright's own
# download (CHROMIUM=playwright, the GitHub workflow's route), else Debian's chromium, which the
# browser target installs with apt-get when it is missing
PW_CHROME := $(firstword $(wildcard $(HOME)/.cache/ms-playwright/chromium-*/chrome-linux*/chrome))
CHROMIUM ?= $(or $(firstword $(shell command -v chromium chromium-browser 2>/dev/null)),$(if $(PW_CHROME),playwright),/usr/bin/chromium)

.PHONY: help venv assets fresh book student student-check bench test unit lint nbval agree site browser serve clean

help:
	@echo "make book   build the website into _build/html"
	@echo "make test   run every test layer (lint, unit, notebooks, book build, agree, site, student)"
	@echo "make serve  preview the built site on http://127.0.0.1:$(PORT)"
	@echo "make student  build the student edition (no solutions) into _build/student"
	@echo "make bench  time mlhw against scikit-learn/SciPy (benchmarks/results.md)"

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "mlhw needs Python 3.11 or newer (NumPy 2.4 does); set PYTHON=python3.11 or newer"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[book,test]"
	@touch $(STAMP)

venv: $(STAMP)

# MathJax, require.js and the widget manager, served by the site itself (pinned, verified)
$(ASSETS): tools/assets.lock.json tools/fetch_assets.py | $(STAMP)
	@command -v npm >/dev/null || { echo "npm is missing: installing Debian's npm"; \
	  apt-get update -qq && apt-get install -y -qq npm; }
	$(BIN)/python tools/fetch_assets.py

assets: $(ASSETS)

# every check-cell verdict of a run is logged too (mlhw.checks), so that two runs can be compared;
# both runs use one BLAS thread, since a threaded matrix product may sum in another order and
# change the last digits of a printed round-off
CHECKS := _build/checks
ONE_THREAD := OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1

# Notebooks are executed through Jupyter Book's cache (jupyter-cache): a rebuild re-executes only
# the notebooks whose code cells changed. The cache cannot see the package the notebooks import,
# so it is emptied whenever a file of mlhw/ changes (the key is a hash of mlhw's sources), and
# `make test` empties it first (`fresh`): the test run executes every notebook.
CACHE     := _build/.jupyter_cache
CACHE_KEY := _build/.mlhw-sources.sha256

fresh:
	rm -rf $(CACHE) $(CACHE_KEY)

book: $(STAMP) $(ASSETS)
	@mkdir -p _build; key=$$(find mlhw -type f -name '*.py' | LC_ALL=C sort | xargs cat | sha256sum | cut -c1-32); \
	  if [ "$$(cat $(CACHE_KEY) 2>/dev/null)" != "$$key" ]; then \
	    echo "mlhw changed since the last build: every notebook is executed again"; rm -rf $(CACHE); fi; \
	  echo "$$key" > $(CACHE_KEY)
	rm -rf $(CHECKS)/book
	MLHW_CHECK_LOG=$(CURDIR)/$(CHECKS)/book $(ONE_THREAD) $(BIN)/jupyter-book build . --all --path-output . -W --keep-going
	@echo "The book is built: open file://$(CURDIR)/_build/html/index.html (or run 'make serve')."

bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py

student: $(STAMP) $(ASSETS)
	$(BIN)/python tools/student_edition.py $(if $(filter off,$(SELF_CHECKS)),--no-self-checks)

lint: $(STAMP)
	$(BIN)/ruff check mlhw tests tools _ext $(wildcard benchmarks) $(wildcard book/*.py)

unit: $(STAMP)
	$(ONE_THREAD) $(BIN)/python -m pytest tests mlhw --doctest-modules --ignore=tests/browser --ignore=tests/student -n $(JOBS) -q

nbval: $(STAMP)
	rm -rf $(CHECKS)/nbval
	MLHW_CHECK_LOG=$(CURDIR)/$(CHECKS)/nbval $(ONE_THREAD) $(BIN)/python -m pytest --nbval-lax book -n $(JOBS) --dist loadfile -q

browser:
	@if [ "$(CHROMIUM)" = playwright ]; then \
	  echo "Browser: Playwright's own Chromium (python -m playwright install chromium)"; \
	elif [ -x "$(CHROMIUM)" ]; then \
	  echo "Browser: $(CHROMIUM)"; \
	elif command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	  echo "Browser: installing Debian's chromium with apt-get"; \
	  apt-get update -qq && apt-get install -y -qq chromium; \
	else \
	  echo "No Chromium at $(CHROMIUM): install Debian's chromium, or run"; \
	  echo "'python -m playwright install chromium' and 'make test CHROMIUM=playwright'"; exit 1; \
	fi

site: $(STAMP) $(ASSETS) browser
	rm -rf _build/browser-failures
	$(BIN)/python -m pytest tests/browser --site _build/html --chromium $(CHROMIUM) -q -p no:cacheprovider

# the notebooks ran twice (nbval, then the book build): the same numbers both times
agree: $(STAMP)
	$(BIN)/python tools/compare_checks.py $(CHECKS)/nbval $(CHECKS)/book

# the student edition from the build's executed notebooks, and what it contains
student-check: student
	$(ONE_THREAD) $(BIN)/python -m pytest tests/student -q -p no:cacheprovider -n $(JOBS)

test: lint unit nbval browser fresh book agree site student-check
	@echo "All test layers passed."

serve: $(STAMP)
	@test -f _build/html/index.html || $(MAKE) book
	@echo "Serving _build/html on http://127.0.0.1:$(PORT) (Ctrl-C stops)"
	$(BIN)/python -m http.server $(PORT) --bind 127.0.0.1 --directory _build/html

clean:
	rm -rf _build
