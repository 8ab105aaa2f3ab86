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
# The instance folder the app uses: FORUM_INSTANCE_PATH (an absolute path) if set.
INSTANCE := $(or $(FORUM_INSTANCE_PATH),instance)
export FLASK_APP := wsgi
export ORT_DISABLE_TELEMETRY := 1

.PHONY: run test install system-packages test-system-packages catalogs messages migrate demo worker serve bench clean

# Both processes run in the background so that this shell can wait for a signal (Ctrl-C, or a
# service manager's TERM to the group) or for either process to end, then send each one TERM
# and wait for both; it fails only if one ended on its own with an error. Never `kill 0`: it
# signals this shell too, whose trap then runs again and again until dash overflows its stack
# (a segfault) while the children get a storm of signals. `wait 2>/dev/null`: dash would print
# "Terminated" for a process the group's TERM killed (the sleep); the exit status says it all.
run: install catalogs system-packages migrate demo
	@echo "Serving on http://$(HOST):$(PORT) with one worker (Ctrl-C stops both)."
	@stopping=; trap 'stopping=1' HUP INT TERM; \
	$(BIN)/flask forum worker & worker=$$!; \
	$(BIN)/gunicorn -c config/gunicorn.conf.py --workers $(WEB_WORKERS) --threads 4 \
	  --bind $(HOST):$(PORT) --no-control-socket wsgi:app & web=$$!; \
	while [ -z "$$stopping" ] && kill -0 $$worker 2>/dev/null && kill -0 $$web 2>/dev/null; do \
	  sleep 1 </dev/null >/dev/null 2>&1 & wait $$! 2>/dev/null; \
	done; \
	trap '' HUP INT TERM; kill -s TERM $$worker $$web 2>/dev/null; \
	wait $$worker 2>/dev/null; worker_status=$$?; wait $$web 2>/dev/null; web_status=$$?; \
	if [ -z "$$stopping" ] && [ $$worker_status$$web_status != 00 ]; then \
	  echo "make run: stopped (worker exit $$worker_status, web server exit $$web_status)" >&2; \
	  exit 1; fi

# Lint and type checks first (the import contracts run among the tests): seconds, not minutes.
test: install catalogs test-system-packages $(AXE)
	$(BIN)/ruff check forum tests bench migrations wsgi.py
	$(BIN)/mypy
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

# The demo is loaded once; delete $(INSTANCE)/.demo-loaded to load it again (it is idempotent).
demo: migrate
	@if [ ! -f "$(INSTANCE)/.demo-loaded" ]; then \
	  $(BIN)/flask forum demo && touch "$(INSTANCE)/.demo-loaded"; fi

worker: install
	$(BIN)/flask forum worker

bench: install
	$(BIN)/python bench/thread_page.py

clean:
	rm -rf $(VENV) build *.egg-info
