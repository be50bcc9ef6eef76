# Everything runs inside .venv, created with the machine's python3: a fresh machine needs only
# python3 and make.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install bytecode run test lint bench screenshots demo-server clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,dev]'
	touch $(STAMP)

install: $(STAMP)

# Bytecode for the package, as a wheel install has it: with PYTHONDONTWRITEBYTECODE set, an
# editable install would compile every module of the app again at each start.
bytecode: $(STAMP)
	$(PY) -m compileall -q tui bench

run: bytecode
	$(VENV)/bin/inbox-tui --demo

lint: $(STAMP)
	$(VENV)/bin/ruff check tui tests bench scripts
	$(VENV)/bin/ruff format --check tui tests bench scripts
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports --no-cache

test: lint
	$(VENV)/bin/pytest

bench: bytecode
	$(PY) -m bench

screenshots: $(STAMP)
	$(PY) scripts/screenshots.py

demo-server: $(STAMP)
	$(VENV)/bin/inbox-tui demo-server --port 8765

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
