# Wirelog's front door: every target says what it does.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
CORPUS ?= ../shared/corpus
STAMP := $(VENV)/.installed

.PHONY: help install run test test-unit test-integration test-e2e eval bench schemas replay status lint clean

help:
	@echo "make run      install into $(VENV) and start ingest, normalize and store (embedded Redis unless REDIS_URL)"
	@echo "make test     install and run every test (starts its own Redis server)"
	@echo "make eval     score the normaliser on the gold corpora in CORPUS=$(CORPUS)"
	@echo "make bench    measure throughput and latency"
	@echo "make schemas  regenerate schemas/json from the models"
	@echo "make replay   re-normalise the whole raw log (ARGS=... for more options)"
	@echo "make status   streams, groups, lag and dead letters"

$(STAMP): pyproject.toml
	@echo "==> creating $(VENV) and installing wirelog with its test tools"
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) not found: set PYTHON=/path/to/python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	@echo "==> starting the pipeline (Ctrl-C stops it)"
	$(BIN)/wirelog run

test: $(STAMP)
	@echo "==> running unit, integration and end-to-end tests"
	$(BIN)/pytest -q

test-unit: $(STAMP)
	$(BIN)/pytest -q tests/unit

test-integration: $(STAMP)
	$(BIN)/pytest -q tests/integration

test-e2e: $(STAMP)
	$(BIN)/pytest -q tests/e2e

eval: $(STAMP)
	@echo "==> scoring the normaliser against $(CORPUS)"
	$(BIN)/wirelog eval --corpus $(CORPUS)

bench: $(STAMP)
	@echo "==> benchmarks on $(CORPUS)"
	$(BIN)/python -m benchmarks --corpus $(CORPUS)

schemas: $(STAMP)
	@echo "==> writing schemas/json from the pydantic models"
	$(BIN)/python -m schemas.export
	$(BIN)/python -m services.openapi

replay: $(STAMP)
	@echo "==> re-normalising the raw log"
	$(BIN)/wirelog replay normalize $(ARGS)

status: $(STAMP)
	$(BIN)/wirelog status

lint: $(STAMP)
	@echo "==> compiling every module"
	$(BIN)/python -m compileall -q schemas services tests

clean:
	rm -rf $(VENV) .wirelog .pytest_cache
