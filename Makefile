# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install demo test lint typecheck unit unit-fast bench accuracy browser screenshots clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/llmecon compare zhipu minimax

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks scripts

typecheck: $(STAMP)
	$(BIN)/mypy

# every test, slow ones included (what CI runs)
unit: $(STAMP)
	$(BIN)/pytest

# the quick tier while developing: everything but tests marked slow (about two minutes)
unit-fast: $(STAMP)
	$(BIN)/pytest -m "not slow"

# browser tests drive Debian's chromium (Playwright with executable_path=/usr/bin/chromium)
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; }

test: lint typecheck browser unit

# the screenshots of the report and the dashboard in docs/reports.md
screenshots: $(STAMP) browser
	$(BIN)/python scripts/screenshots.py docs

bench: $(STAMP)
	-$(BIN)/python benchmarks/run.py  # exits 1 when a goal is missed; the others still run
	$(BIN)/python benchmarks/inference_sweep.py
	$(BIN)/python benchmarks/inference_predict.py
	$(BIN)/python benchmarks/simulate.py
	@test ! -f benchmarks/validate_periods.py || $(BIN)/python benchmarks/validate_periods.py

# the inference model against every published deployment and against the measured serving
# runs (fitted factors, in sample and leave-one-model-out: the tables kept in docs/inference.md)
accuracy: $(STAMP)
	$(BIN)/llmecon inference accuracy --format md
	$(BIN)/python scripts/accuracy_table.py

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
