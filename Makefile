# Two commands for everyone: `make demo` and `make test`; `make check` is everything CI checks (.ci/run calls it).
# Only python3 (>= 3.11) and make are needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEMO_DIR ?= demo
# The demo's reports are sealed to fictitious keys (demo/demo-sleutels/*.key) with this printed passphrase;
# the nightly itself needs no secret at all. Real keys: `integrity keys new EMAIL --out FILE`.
DEMO_PASSPHRASE := demo-sleutel-fictief

# Coverage floor: today's figure minus a hair; it only goes up (raise it when coverage rises, never lower it).
COV_FLOOR := 94

.PHONY: print-coverage-args install demo test check lint typecheck coverage smoke registers code-pdf bench clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	rm -rf $(DEMO_DIR)
	$(BIN)/integrity init $(DEMO_DIR) --demo
	@echo
	$(BIN)/integrity --config $(DEMO_DIR)/config.toml nightly; status=$$?; \
	echo; echo "Demo-werkmap: $(DEMO_DIR)/  (verzonden mail: $(DEMO_DIR)/mail/outbox/, registers: $(DEMO_DIR)/registers/)"; \
	echo "Probeer: $(BIN)/integrity --config $(DEMO_DIR)/config.toml check"; \
	echo "Meldingen openen (fictieve sleutel, wachtzin $(DEMO_PASSPHRASE)):"; \
	echo "  INTEGRITY_KEY_PASSPHRASE=$(DEMO_PASSPHRASE) $(BIN)/integrity --config $(DEMO_DIR)/config.toml reports show M-$$(date +%Y)-0001 --key $(DEMO_DIR)/demo-sleutels/integriteit.key --reveal"; \
	exit $$status

# The tests run in parallel, one worker per core (at most 4: most tests start servers and processes of their own);
# `make test PYTEST_WORKERS=0` runs them in this one process.
PYTEST_WORKERS ?= auto --maxprocesses=4

test: $(STAMP)
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# Everything CI checks, in order of speed: lint, types, the tests with coverage, the installed wheel.
check: lint typecheck coverage smoke

typecheck: $(STAMP)
	$(BIN)/mypy

COVERAGE_ARGS := --durations=10 --cov=toolkit --cov-report=term:skip-covered --cov-fail-under=$(COV_FLOOR)

print-coverage-args:
	@echo '$(COVERAGE_ARGS)'

coverage: $(STAMP)
	$(MAKE) test PYTEST_ARGS="$(COVERAGE_ARGS)"

# Build wheel and sdist, install the wheel in a fresh venv and run `init --demo` + `nightly` outside the checkout.
smoke: $(STAMP)
	bash .ci/wheel-smoke $(BIN)/python

# Rewrite the tracked empty registers at the top of the repository (after a change to the register layout).
registers: $(STAMP)
	rm -rf registers
	$(BIN)/python -c "from pathlib import Path; from toolkit.init import create_registers; create_registers(Path('registers'))"

# The integrity code as PDF, typeset from its text (deterministic: commit both; tests/test_code_pdf.py checks it).
code-pdf: $(STAMP)
	$(BIN)/python -m toolkit.codepdf templates/bijlagen/integriteitscode.txt templates/bijlagen/integriteitscode.pdf

bench: $(STAMP)
	$(BIN)/python -m bench

lint: $(STAMP)
	$(BIN)/ruff check toolkit tests bench
	$(BIN)/ruff format --check toolkit tests bench

clean:
	rm -rf $(VENV) $(DEMO_DIR) bench/out .pytest_cache .mypy_cache .coverage build dist
