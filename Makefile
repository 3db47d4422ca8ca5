# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DATA   ?= data/tvb.yaml

.PHONY: run test lint bench clean

$(BIN)/tvb: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.test-extras: $(BIN)/tvb
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

HOST   ?= 127.0.0.1
PORT   ?= 5000

run: $(BIN)/tvb
	$(BIN)/tvb validate $(DATA)
	$(BIN)/tvb summary --data $(DATA)
	$(BIN)/tvb serve --data $(DATA) --host $(HOST) --port $(PORT)

test: $(VENV)/.test-extras
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

bench: $(VENV)/.test-extras
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache tests/artifacts
