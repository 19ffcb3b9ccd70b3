# The two commands a user needs:  `make lab`  and  `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NOTEBOOKS := $(sort $(wildcard notebooks/*.ipynb))
# JupyterLab refuses to start as root unless told it is intended.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
# Hermetic Jupyter folders for the checks, so a user's own settings never change a result.
TEST_JUPYTER := $(CURDIR)/.jupyter-test
TEST_ENV := JUPYTER_CONFIG_DIR=$(TEST_JUPYTER)/config JUPYTER_DATA_DIR=$(TEST_JUPYTER)/data \
	JUPYTER_RUNTIME_DIR=$(TEST_JUPYTER)/runtime IPYTHONDIR=$(TEST_JUPYTER)/ipython \
	JUPYTERLAB_SETTINGS_DIR=$(TEST_JUPYTER)/lab-settings JUPYTERLAB_WORKSPACES_DIR=$(TEST_JUPYTER)/workspaces \
	JUPYTER_PLATFORM_DIRS=1 PYTHONHASHSEED=0
RUN := mkdir -p $(TEST_JUPYTER) && $(TEST_ENV)

.PHONY: help setup lab test unit nbval browser browser-deps calc-deps notebooks bench html app screenshots data clean-venv

help:
	@echo "make lab        set up (first time: about a minute) and open JupyterLab on notebooks/"
	@echo "make test       set up if needed, then run every check (unit, property, notebooks, browser)"
	@echo "make notebooks  re-execute notebooks and keep outputs only on checked cells"
	@echo "make bench      speed figures (Python and the browser), as ratios against peers; writes docs/speed.json"
	@echo "make html       the offline static site in site/ (open site/index.html; no kernel, no network)"
	@echo "make app        the Voila dashboard: every app on one page with a shared scenario panel"
	@echo "make screenshots  README images, taken from the real pages in headless Chromium"
	@echo "make data       download the official rate files (needs internet), check them, rebuild data/rates_monthly.csv"

setup: $(STAMP)

$(STAMP): pyproject.toml jupyter/overrides.json
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	PYTHONWARNINGS=ignore $(BIN)/python -m pip install --quiet -e ".[test]"
	@# Lab-wide settings for this environment: no news pop-up, no update checks (no network needed).
	mkdir -p $(VENV)/share/jupyter/lab/settings
	cp jupyter/overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	touch $(STAMP)

lab: setup
	$(BIN)/jupyter lab --notebook-dir=notebooks $(ROOT_FLAG)

test: setup browser-deps calc-deps
	$(RUN) $(BIN)/python scripts/nbtools.py check $(NOTEBOOKS)
	$(RUN) $(BIN)/python -m pytest -p no:cacheprovider tests
	$(RUN) $(BIN)/python -m pytest -p no:cacheprovider --nbval-lax --nbval-current-env \
		--nbval-sanitize-with tests/nbval_sanitize.cfg notebooks/

unit: setup
	$(RUN) $(BIN)/python -m pytest -p no:cacheprovider tests -m "not browser"

nbval: setup
	$(RUN) $(BIN)/python -m pytest -p no:cacheprovider --nbval-lax --nbval-current-env \
		--nbval-sanitize-with tests/nbval_sanitize.cfg notebooks/

browser: setup browser-deps
	$(RUN) $(BIN)/python -m pytest -p no:cacheprovider tests -m browser -v

# Debian's Chromium for the browser checks: installed with apt-get when running as root and missing.
browser-deps:
	@if ! command -v chromium >/dev/null 2>&1; then \
		if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
			echo "installing Debian chromium for the browser checks"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; \
		else \
			echo "chromium not found: browser checks will be skipped (install Debian's chromium to run them)"; \
		fi; \
	fi

# LibreOffice Calc (headless) recalculates the Excel export in its tests: installed with apt-get when running as root and missing.
calc-deps:
	@if ! command -v soffice >/dev/null 2>&1; then \
		if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
			echo "installing Debian libreoffice-calc-nogui for the Excel export checks"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libreoffice-calc-nogui >/dev/null; \
		else \
			echo "soffice not found: Excel export checks will be skipped (install Debian's libreoffice-calc-nogui to run them)"; \
		fi; \
	fi

notebooks: setup
	$(RUN) $(BIN)/python scripts/nbtools.py run $(NOTEBOOKS)

bench: setup browser-deps
	$(RUN) $(BIN)/python benchmarks/run.py

html: setup
	$(RUN) $(BIN)/python scripts/build_site.py site
	@echo "open site/index.html in a browser (works offline)"

app: setup
	JUPYTER_PATH=app/jupyter $(BIN)/voila app/dashboard.ipynb --template=fundlib --Voila.ip=127.0.0.1 --port=8866

screenshots: setup browser-deps
	$(RUN) $(BIN)/python scripts/screenshots.py

# The only target that touches the network: refresh the rates table from the publishers.
data: setup
	$(BIN)/python -m fundlib.refresh

clean-venv:
	rm -rf $(VENV) $(TEST_JUPYTER)
