# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install demo test test-min lint typecheck unit unit-fast bench accuracy browser screenshots clean

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

# the declared lower bounds hold: Python 3.11 and the lowest version pyproject allows of every
# dependency and extra (scripts/min_requirements.py; test tools current), the quick tier.
# Not part of `make test`: it downloads a second environment into .venv-min.
MIN_PYTHON ?= python3.11
MIN        := .venv-min
# httpx < 0.28: the TestClient of starlette < 0.37.2 (fastapi 0.110 brings 0.36) passes
# httpx.Client an app= argument that httpx 0.28 removed
TEST_TOOLS := pytest hypothesis playwright schemathesis 'httpx<0.28' fpdf2

$(MIN)/.installed: pyproject.toml scripts/min_requirements.py
	rm -rf $(MIN)
	$(MIN_PYTHON) -m venv $(MIN)
	$(MIN)/bin/python -m pip install --quiet --upgrade pip
	$(MIN)/bin/python scripts/min_requirements.py > $(MIN)/requirements.txt
	$(MIN)/bin/python -m pip install --quiet -r $(MIN)/requirements.txt $(TEST_TOOLS)
	$(MIN)/bin/python -m pip install --quiet --no-deps -e .
	@touch $@

test-min: $(MIN)/.installed browser
	$(MIN)/bin/python -m pip list --format=freeze | grep -i -E "^($$(sed -e 's/=.*//' -e 's/\[.*//' $(MIN)/requirements.txt | paste -sd'|'))=="
	$(MIN)/bin/python -m pytest -m "not slow"

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
	rm -rf $(VENV) $(MIN) build dist src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
