# Every target bootstraps its own virtual environment from nothing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: test test-slow bench run lint format clean console

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

## test: the whole suite on SQLite, and on PostgreSQL too when TEST_DATABASE_URL is set
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/python -m pytest -m "not slow" $(PYTEST_ARGS)

## test-slow: the reliability suite (tests/reliability): real servers, processes, a load test
test-slow: $(STAMP)
	$(BIN)/python -m pytest -m slow tests/reliability $(PYTEST_ARGS)

## bench: latency over HTTP against bare-Bolt floors (BENCHMARKS.md); FULL=1 for S and L
bench: $(STAMP)
	$(BIN)/python -m bench $(if $(FULL),--full)

## run: the bot, with Slack tokens from the environment or .env (README: Connecting Slack)
run: $(STAMP)
	$(BIN)/python app.py run

## lint: ruff, import contracts and mypy
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

## console: a local chat shell against a fake Slack (ARGS=--demo for demo data)
console: $(STAMP)
	$(BIN)/python app.py console $(ARGS)

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .hypothesis
