# The README's two commands: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := run
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# The suite runs on this many processes (pytest-xdist); CI has two cores.
TEST_WORKERS ?= 2

# Django 6.1 needs Python 3.12+. Each candidate is run, not trusted by name:
# pyenv shims named python3.12 exist but fail unless a version is selected.
PYTHON_CANDIDATES := python3.13 python3.12 \
	$(shell ls -d "$$(pyenv root 2>/dev/null)"/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV) python3
FIND_PYTHON := for c in $(PYTHON_CANDIDATES); do \
	if "$$c" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
	command -v "$$c" || echo "$$c"; break; fi; done

# Debian packages: CJK fonts and HarfBuzz's subsetter for the printed forms
# (without libharfbuzz-subset0 WeasyPrint subsets CJK fonts ~70x slower);
# Chromium and poppler for the tests.
RUN_DEBS := fonts-noto-cjk libharfbuzz-subset0
TEST_DEBS := $(RUN_DEBS) chromium poppler-utils gettext

.PHONY: run test lint format messages bench debs-run debs-test debs-node install install-test

$(VENV)/bin/activate:
	@py="$$($(FIND_PYTHON))"; \
	if [ -z "$$py" ]; then \
		echo "No Python 3.12 or newer found (tried: $(PYTHON_CANDIDATES))."; \
		echo "Install one, e.g. 'apt-get install python3.12 python3.12-venv' or 'pyenv install 3.13', then run make again."; \
		exit 1; \
	fi; \
	echo "Using $$py ($$($$py --version))"; \
	"$$py" -m venv $(VENV)
	$(PY) -m pip install -qq --upgrade pip

$(VENV)/.installed: $(VENV)/bin/activate pyproject.toml
	$(PY) -m pip install -qq -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PY) -m pip install -qq -e '.[test]'
	touch $@

# axe-core, which the browser tests inject into every page they visit (package-lock.json pins it).
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || $(MAKE) --no-print-directory debs-node
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test node_modules/.installed

# Installs the missing Debian packages where apt is available and we are root.
define apt_install
	@missing=""; for p in $(1); do dpkg -s "$$p" >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		echo "Installing Debian packages:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	else \
		echo "Missing Debian packages:$$missing (install them as root; continuing)"; \
	fi
endef

debs-run:
	$(call apt_install,$(RUN_DEBS))

debs-test:
	$(call apt_install,$(TEST_DEBS))

debs-node:
	$(call apt_install,npm)

run: install debs-run
	mkdir -p var
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py seed_demo
	@echo "Serving on http://$(HOST):$(PORT)/, with the task worker (batch PDFs) beside it"
	DEBUG=1 $(PY) manage.py db_worker --interval 1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

test: install-test debs-test
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

# Each benchmark prints its ratio against a floor measured in the same run (last line).
bench: install-test debs-test
	@for script in bench/*.py; do echo "== $$script"; $(PY) "$$script" || exit 1; done

# bandit fails on medium and high findings; low ones (subprocess, random, asserts) are ruff's
# S rules' job, each already justified inline. What bandit scans: [tool.bandit] in pyproject.toml.
lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/bandit -c pyproject.toml -r . -q --severity-level medium

format: install-test
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Refresh the Chinese catalogue after changing user-facing strings.
messages: install
	$(PY) manage.py makemessages -l zh_Hans --ignore=.venv --ignore=var --ignore=node_modules --ignore=tests --ignore=bench --no-obsolete
	$(PY) manage.py compilemessages -l zh_Hans --ignore=.venv --ignore=node_modules
