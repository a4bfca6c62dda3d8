# The two commands a new user needs: `make demo` (the product, on the embedded store) and
# `make test` (everything, against a real Neo4j that the project fetches and starts itself).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: install demo test lint bench clean

# pip's own progress is shown (a first install takes a minute or two): `make install QUIET=1` hides it.
PIP_FLAGS := $(if $(QUIET),--quiet,--progress-bar on)

$(VENV)/.installed: pyproject.toml
	@echo "Creating $(VENV) and installing buyergraph with its dependencies (a minute or two the first time)..."
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install $(PIP_FLAGS) --upgrade pip
	$(BIN)/pip install $(PIP_FLAGS) -e ".[dev,fast]"
	touch $@
	@$(BIN)/buyergraph --version

install: $(VENV)/.installed

# `make demo PORT=8080 ACCOUNTS=100`: the port is checked before the sample world is generated.
PORT     ?= 8000
ACCOUNTS ?= 30

demo: install
	$(BIN)/buyergraph demo --port $(PORT) --accounts $(ACCOUNTS)

test: install
	bash scripts/test.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
