# innolab_analysis — run `make help` for the list of targets.
# Every target creates .venv when it is missing and installs the pinned dependencies.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt 2>/dev/null | cksum | cut -d' ' -f1)
# The installer: uv (from PyPI, put into .venv with plain pip the first time; same pins) or pip.
# `make INSTALLER=pip report` uses pip alone.
INSTALLER ?= uv
UV_VERSION := 0.13.9
PARAMS ?= params/mojokerto.yaml
OUT    ?= reports
# pytest workers for the fast suite (pytest-xdist; one file per worker at a time, "0" runs in-process)
TEST_WORKERS ?= auto
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export PYDEVD_DISABLE_FILE_VALIDATION := 1
# Python caches the bytecode of what it imports, on first import (uv installs without compiling
# everything ahead: 5 s instead of 50 s). An environment that turns the cache off would make every
# run compile pandas, SciPy and matplotlib again; the venv is ours, so the targets keep it on.
unexport PYTHONDONTWRITEBYTECODE

.DEFAULT_GOAL := help
.PHONY: help report test test-slow test-all lint format bench lab demo validate list clean
COMMA := ,

help: ## Show this list of targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[1m%-10s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "innolab_analysis needs Python 3.11 or newer (found %s)" % sys.version.split()[0])'
	@$(PYTHON) -m venv $(VENV) || { echo "Could not create $(VENV). On Debian/Ubuntu install the venv module: sudo apt install python3-venv"; exit 1; }

# install EXTRAS with the pins of constraints.txt: uv if it can be had, else pip
define install
	if [ "$(INSTALLER)" = uv ] && { [ -x $(BIN)/uv ] || $(BIN)/python -m pip install --quiet --no-warn-script-location "uv==$(UV_VERSION)" >/dev/null 2>&1; }; then \
	  VIRTUAL_ENV=$(CURDIR)/$(VENV) $(BIN)/uv pip install --quiet --python $(BIN)/python -c constraints.txt -e ".[$(1)]"; \
	else \
	  $(BIN)/python -m pip install --quiet --no-warn-script-location -c constraints.txt -e ".[$(1)]" 2>&1 | grep -v "is ignored: it is neither a file nor a directory" || true; \
	fi
endef

$(STAMP): $(BIN)/python pyproject.toml constraints.txt
	@echo "Installing innolab_analysis and its pinned dependencies into $(VENV) (first time: under a minute)..."
	@$(call install,test)
	@$(BIN)/python -c "import innolab_analysis, papermill, nbconvert" || { echo "Installation failed; see the installer's output above."; exit 1; }
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

report: $(STAMP) ## Run the default study (demo data) end to end and write HTML reports to reports/
	$(BIN)/innolab run $(PARAMS) --out $(OUT)

test: $(STAMP) ## Run the test suite (fast part: a few minutes, one worker per core; the slow part is test-slow)
	$(BIN)/python -m pytest -m "not slow" -n $(TEST_WORKERS) --dist loadfile

test-slow: $(STAMP) ## Run the slow tests: every notebook on the demo, browser, fault injection
	$(BIN)/python -m pytest -m slow

test-all: $(STAMP) ## Run the whole test suite (test + test-slow, what CI runs)
	$(BIN)/python -m pytest

lint: $(STAMP) ## Check style with ruff
	$(BIN)/ruff check innolab_analysis tests benchmarks
	$(BIN)/ruff format --check innolab_analysis tests benchmarks

format: $(STAMP) ## Format the code with ruff
	$(BIN)/ruff check --fix innolab_analysis tests benchmarks
	$(BIN)/ruff format innolab_analysis tests benchmarks

validate: $(STAMP) ## Validate every parameter file in params/
	$(BIN)/innolab validate params/*.yaml

list: $(STAMP) ## List the notebooks and their typed parameters
	$(BIN)/innolab list

bench: $(STAMP) ## Benchmarks against the peer libraries (slow; installs the peers)
	@$(call install,test$(COMMA)bench)
	$(BIN)/python -m benchmarks

lab: $(STAMP) ## Install JupyterLab into .venv and open the notebooks
	@$(call install,test$(COMMA)lab)
	$(BIN)/jupyter lab notebooks/ $(if $(filter 0,$(shell id -u)),--allow-root,)

demo: $(STAMP) ## Regenerate the demo studies in data/demo and data/demo_pasuruan (byte-identical)
	$(BIN)/python -m innolab_analysis.demo data/demo
	$(BIN)/python -m innolab_analysis.demo data/demo_pasuruan --city pasuruan

clean: ## Remove reports and caches (keeps .venv)
	rm -rf $(OUT) .pytest_cache .ruff_cache .hypothesis
