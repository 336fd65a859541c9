# Wirelog's front door: every target says what it does.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
CORPUS ?= ../shared/corpus
STAMP := $(VENV)/.installed
COMPILED := $(VENV)/.compiled
NORMALIZER_SOURCES := $(wildcard services/normalize/temporal/*.py services/normalize/places/*.py services/normalize/actors/*.py)

.PHONY: help install compile pure run test test-unit test-integration test-e2e eval bench schemas replay status lint clean

help:
	@echo "make run      install into $(VENV) and start ingest, normalize and store (embedded Redis unless REDIS_URL)"
	@echo "make test     install and run every test (starts its own Redis server)"
	@echo "make eval     score the normaliser on the gold corpora in CORPUS=$(CORPUS)"
	@echo "make bench    measure throughput and latency"
	@echo "make schemas  regenerate schemas/json from the models"
	@echo "make replay   re-normalise the whole raw log (ARGS=... for more options)"
	@echo "make status   streams, groups, lag and dead letters"
	@echo "make compile  compile the normaliser with mypyc (run, test, eval, bench, replay do it first); make pure undoes it"

$(STAMP): pyproject.toml
	@echo "==> creating $(VENV) and installing wirelog with its test tools"
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) not found: set PYTHON=/path/to/python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,compile]'
	@touch $(STAMP)

install: $(STAMP)

# Stale compiled modules that the times below cannot see (a source deleted, or edited during the last build): the
# stamp goes, so the targets below build again.
ifneq ($(wildcard $(COMPILED)),)
ifneq ($(shell $(BIN)/python -m services.normalize.compiled check >/dev/null 2>&1 || echo stale),)
$(shell rm -f $(COMPILED))
endif
endif

# Where the C compiler is missing or fails, the normaliser runs as plain Python (an error in CI).
$(COMPILED): $(STAMP) $(NORMALIZER_SOURCES) schemas/__init__.py schemas/normalized.py services/normalize/compiled.py
	@echo "==> compiling the normaliser with mypyc (about a minute)"
	@$(BIN)/python -m services.normalize.compiled build > $(VENV)/compile.log 2>&1 \
	  || { tail -5 $(VENV)/compile.log; case "$$(echo "$$CI" | tr A-Z a-z)" in 1|true|yes) exit 1;; esac; \
	       echo "compiling failed ($(VENV)/compile.log): the normaliser runs as plain Python, about 1.5x slower"; }
	@touch $(COMPILED)

# Builds even when nothing changed since the last build or `make pure` (a compiler installed since, say).
compile: $(STAMP)
	@rm -f $(COMPILED)
	@$(MAKE) --no-print-directory $(COMPILED)

# Plain Python until a source of the normaliser changes (make compile then builds again).
pure: $(STAMP)
	$(BIN)/python -m services.normalize.compiled remove
	@touch $(COMPILED)

run: $(COMPILED)
	@echo "==> starting the pipeline (Ctrl-C stops it)"
	$(BIN)/wirelog run

test: $(COMPILED)
	@echo "==> running unit, integration and end-to-end tests"
	$(BIN)/pytest -q

test-unit: $(COMPILED)
	$(BIN)/pytest -q tests/unit

test-integration: $(COMPILED)
	$(BIN)/pytest -q tests/integration

test-e2e: $(COMPILED)
	$(BIN)/pytest -q tests/e2e

eval: $(COMPILED)
	@echo "==> scoring the normaliser against $(CORPUS)"
	$(BIN)/wirelog eval --corpus $(CORPUS)

bench: $(COMPILED)
	@echo "==> benchmarks on $(CORPUS)"
	$(BIN)/python -m benchmarks --corpus $(CORPUS)

schemas: $(STAMP)
	@echo "==> writing schemas/json from the pydantic models"
	$(BIN)/python -m schemas.export
	$(BIN)/python -m services.openapi

replay: $(COMPILED)
	@echo "==> re-normalising the raw log"
	$(BIN)/wirelog replay normalize $(ARGS)

status: $(STAMP)
	$(BIN)/wirelog status

lint: $(STAMP)
	@echo "==> compiling every module"
	$(BIN)/python -m compileall -q schemas services tests

clean:
	rm -rf $(VENV) .wirelog .pytest_cache build/mypyc
	-$(PYTHON) -m services.normalize.compiled remove
