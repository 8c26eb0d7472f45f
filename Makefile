# mlhw: two commands for a fresh machine (Python 3.10+, make):
#   make book   - set up .venv, build the site into _build/html
#   make test   - set up .venv, run every test layer
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.mlhw-installed
JOBS   ?= 2
PORT   ?= 8000

.PHONY: help venv book test unit lint nbval build-check serve clean

help:
	@echo "make book   build the website into _build/html"
	@echo "make test   run every test layer (lint, unit, notebooks, book build)"
	@echo "make serve  preview the built site on http://127.0.0.1:$(PORT)"

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[book,test]"
	@touch $(STAMP)

venv: $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build . --path-output . -W --keep-going
	@echo "The book is built: open file://$(CURDIR)/_build/html/index.html (or run 'make serve')."

lint: $(STAMP)
	$(BIN)/ruff check mlhw tests $(wildcard benchmarks)

unit: $(STAMP)
	$(BIN)/python -m pytest tests -n $(JOBS) -q

nbval: $(STAMP)
	$(BIN)/python -m pytest --nbval-lax book -n $(JOBS) --dist loadfile -q -p no:randomly

test: lint unit nbval book
	@echo "All test layers passed."

serve: $(STAMP)
	@test -f _build/html/index.html || $(MAKE) book
	@echo "Serving _build/html on http://127.0.0.1:$(PORT) (Ctrl-C stops)"
	$(BIN)/python -m http.server $(PORT) --bind 127.0.0.1 --directory _build/html

clean:
	rm -rf _build
