# Everything runs inside .venv, created with the machine's python3: a fresh machine needs only
# python3 and make.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install bytecode run test lint bench bench-compare screenshots demo-server relay clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,dev,relay]'
	touch $(STAMP)

install: $(STAMP)

# Bytecode for the package, as a wheel install has it: with PYTHONDONTWRITEBYTECODE set, an
# editable install would compile every module of the app again at each start.
bytecode: $(STAMP)
	$(PY) -m compileall -q tui bench

# `make run RELAY=http://127.0.0.1:8790`: the app through a team relay, with the token `make
# relay` wrote (or $$INBOX_TUI_RELAY_TOKEN).
RELAY ?=
RELAY_DIR ?= .relay
run: bytecode
ifeq ($(RELAY),)
	$(VENV)/bin/inbox-tui --demo
else
	INBOX_TUI_RELAY_URL=$(RELAY) \
	INBOX_TUI_RELAY_TOKEN="$${INBOX_TUI_RELAY_TOKEN:-$$(cat $(RELAY_DIR)/token 2>/dev/null)}" \
	$(VENV)/bin/inbox-tui
endif

# The team relay, to try: a PostgreSQL of its own in $(RELAY_DIR)/pg, in front of the demo
# service (whose webhooks it checks), on :8790, with a token for you in $(RELAY_DIR)/token.
# Then, in another terminal: make run RELAY=http://127.0.0.1:8790
relay: bytecode
	mkdir -p $(RELAY_DIR)
	$(VENV)/bin/inbox-tui relay --demo --local-db $(RELAY_DIR)/pg --port 8790 \
		$(if $(wildcard $(RELAY_DIR)/token),,--add-person you --token-file $(RELAY_DIR)/token)

lint: $(STAMP)
	$(VENV)/bin/ruff check tui tests bench scripts
	$(VENV)/bin/ruff format --check tui tests bench scripts
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports --no-cache

# Bytecode is written for the run even where PYTHONDONTWRITEBYTECODE is set (__pycache__ is
# ignored by git): otherwise each of the workers compiles the app, and pytest rewrites the test
# modules and its plugins' (hypothesis, anyio, syrupy: about 140 modules), again at every
# run, about 3 s of CPU a worker and as much for each `python -m tui` a test starts.
# The relay's tests start a PostgreSQL of their own from the installed server programs; without
# them those tests are skipped (and .ci/run, which sets INBOX_TUI_REQUIRE_POSTGRES, fails).
test: lint bytecode
	@$(PY) -c 'from tui.relay.local_pg import server_programs as s; s() or print("make test: PostgreSQL (initdb, pg_ctl) is not installed: the relay tests will be skipped")'
	PYTHONDONTWRITEBYTECODE= $(VENV)/bin/pytest

bench: bytecode
	$(PY) -m bench

# The benches that matter most, on the code at BASE and on the working tree, side by side; fails
# when the working tree is worse (see README). ROUNDS: samples per measure (default in
# bench/compare.py).
BASE ?= HEAD~1
bench-compare: bytecode
	$(PY) -m bench.compare $(BASE) $(if $(ROUNDS),--rounds $(ROUNDS))

screenshots: $(STAMP)
	$(PY) scripts/screenshots.py

demo-server: $(STAMP)
	$(VENV)/bin/inbox-tui demo-server --port 8765

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
