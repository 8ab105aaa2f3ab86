# The two commands an operator needs: `make run` and `make test`. Everything else is a step
# they call. Works as root or as a normal user on Debian; system packages (Apertium pairs,
# Chromium for browser tests) are installed with apt-get when that is possible.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 5000
HOST ?= 127.0.0.1
WEB_WORKERS ?= 2
# A CPU build of torch first: argostranslate would otherwise pull a CUDA build of several GB.
TORCH_SPEC ?= torch==2.13.0
TORCH_PIP_ARGS ?=
APT_PACKAGES ?= apertium apertium-eng-spa apertium-spa-cat apertium-fr-es apertium-eng-cat apertium-fra-cat
TEST_APT_PACKAGES ?= $(APT_PACKAGES) chromium wrk
PYTEST_ARGS ?= -n auto
# axe-core (accessibility rules) from the npm registry, injected into Chromium by the tests.
AXE_VERSION ?= 4.14.1
AXE := $(VENV)/axe/node_modules/axe-core/axe.min.js
export FLASK_APP := wsgi
export ORT_DISABLE_TELEMETRY := 1

.PHONY: run test install system-packages test-system-packages catalogs messages migrate demo worker serve bench clean

run: install catalogs system-packages migrate demo
	@echo "Serving on http://$(HOST):$(PORT) with one translation worker (Ctrl-C stops both)."
	@trap 'kill 0' INT TERM EXIT; \
	$(BIN)/flask forum worker & \
	$(BIN)/gunicorn -c config/gunicorn.conf.py --workers $(WEB_WORKERS) --threads 4 \
	  --bind $(HOST):$(PORT) --no-control-socket wsgi:app

test: install catalogs test-system-packages $(AXE)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Re-installs when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet $(TORCH_PIP_ARGS) "$(TORCH_SPEC)"
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

install: $(VENV)/.installed

$(AXE): | $(BIN)/python
	@command -v npm >/dev/null || $(MAKE) --no-print-directory APT_PACKAGES="nodejs npm" system-packages
	npm install --silent --no-audit --no-fund --prefix $(VENV)/axe axe-core@$(AXE_VERSION)

catalogs: install
	$(BIN)/pybabel compile --use-fuzzy -d translations --statistics 2>&1 | tail -n 1

# Developers: refresh the template and every catalog after changing strings.
messages: install
	$(BIN)/python -m forum.catalogs extract

define apt_install
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO=sudo; \
	else echo "Note: install these Debian packages for full functionality:$$missing"; exit 0; fi; \
	echo "Installing$$missing"; \
	$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null \
	  || echo "Note: apt-get could not install:$$missing"
endef

system-packages:
	$(call apt_install,$(APT_PACKAGES))

test-system-packages:
	$(call apt_install,$(TEST_APT_PACKAGES))

migrate: install
	$(BIN)/flask db upgrade

# The demo is loaded once; delete instance/.demo-loaded to load it again (it is idempotent).
demo: migrate
	@if [ ! -f instance/.demo-loaded ]; then $(BIN)/flask forum demo && touch instance/.demo-loaded; fi

worker: install
	$(BIN)/flask forum worker

bench: install
	$(BIN)/python bench/thread_page.py

clean:
	rm -rf $(VENV) build *.egg-info
