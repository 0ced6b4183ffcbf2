# Two commands for everyone: `make demo` and `make test`. Only python3 (>= 3.11) and make are needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEMO_DIR ?= demo
# Fictitious passwords for the demo's encrypted reports registers; real ones come from the environment or keyring.
DEMO_SECRETS := INTEGRITY_REPORTS_PASSWORD=demo-meldingen INTEGRITY_IDENTITY_PASSWORD=demo-identiteit

.PHONY: install demo test bench lint clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	rm -rf $(DEMO_DIR)
	$(BIN)/integrity init $(DEMO_DIR) --demo
	@echo
	$(DEMO_SECRETS) $(BIN)/integrity --config $(DEMO_DIR)/config.toml nightly; status=$$?; \
	echo; echo "Demo-werkmap: $(DEMO_DIR)/  (verzonden mail: $(DEMO_DIR)/mail/outbox/, registers: $(DEMO_DIR)/registers/)"; \
	echo "Probeer: $(BIN)/integrity --config $(DEMO_DIR)/config.toml check"; exit $$status

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m bench

lint: $(STAMP)
	$(BIN)/ruff check toolkit tests bench
	$(BIN)/ruff format --check toolkit tests bench

clean:
	rm -rf $(VENV) $(DEMO_DIR) bench/out .pytest_cache
