# shopops — `make run` serves the demo shop; `make test` runs every check.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
PYTHON  := $(BIN)/python
SHOPOPS := $(BIN)/shopops
VENDOR  := src/shopops/web/static/vendor
HOST    ?= 127.0.0.1
PORT    ?= 8000
PYTEST_ARGS ?= -n 2
# What the browser tests drive (tests/e2e/conftest.py checks the same two paths).
CHROMIUM ?= /usr/bin/chromium
CJK_FONT ?= /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
INSTALL_BROWSER := sudo sh -c 'apt-get update && apt-get install -y chromium fonts-noto-cjk'
USER_ID ?= $(shell id -u)

.PHONY: setup run test lint typecheck e2e browser bench demo lock messages clean

# A stamp per input: a second `make run` skips what is already installed.
$(BIN)/activate:
	$(PY) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/activate pyproject.toml requirements.lock
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements.lock -e ".[dev]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(VENDOR)/.installed: node_modules/.installed
	mkdir -p $(VENDOR)/tabler $(VENDOR)/echarts $(VENDOR)/htmx
	cp node_modules/@tabler/core/dist/css/tabler.min.css $(VENDOR)/tabler/
	cp node_modules/@tabler/core/dist/js/tabler.min.js $(VENDOR)/tabler/
	cp node_modules/echarts/dist/echarts.min.js $(VENDOR)/echarts/
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx/
	touch $@

setup: $(VENV)/.installed $(VENDOR)/.installed
	$(SHOPOPS) collectstatic --noinput -v 0
	$(SHOPOPS) migrate --noinput -v 0

run: setup
	$(SHOPOPS) demo --if-empty --print-logins --url http://$(HOST):$(PORT)/
	$(SHOPOPS) serve --host $(HOST) --port $(PORT)

demo: setup
	$(SHOPOPS) demo

lint: $(VENV)/.installed
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports --no-logo

typecheck: $(VENV)/.installed
	$(BIN)/mypy src

test: browser setup lint typecheck
	$(SHOPOPS) makemigrations --check --dry-run -v 0
	$(BIN)/pytest $(PYTEST_ARGS)

e2e: browser setup
	$(BIN)/pytest -m e2e -n 0

# The browser tests never skip: Chromium and the CJK fonts are installed here when make
# runs as root, else make stops with the one command that installs them.
browser:
	@if [ ! -x "$(CHROMIUM)" ] || [ ! -f "$(CJK_FONT)" ]; then \
	  if [ "$(USER_ID)" = 0 ]; then \
	    echo "Installing Chromium and the CJK fonts for the browser tests (apt-get)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk || exit 1; \
	  else \
	    echo "The browser tests need Chromium ($(CHROMIUM)) and the CJK fonts ($(CJK_FONT))."; \
	    echo "Install them with: $(INSTALL_BROWSER)"; \
	    exit 1; \
	  fi; \
	  if [ ! -x "$(CHROMIUM)" ] || [ ! -f "$(CJK_FONT)" ]; then \
	    echo "Still missing after the install: $(CHROMIUM) or $(CJK_FONT)"; exit 1; \
	  fi; \
	fi

bench: setup
	@for b in bench/*.py; do echo "== $$b"; $(PYTHON) $$b || exit 1; done

# Record the exact versions that passed; `make` installs with them as constraints.
lock: $(BIN)/activate
	$(BIN)/pip install --quiet -e ".[dev]"
	$(BIN)/pip freeze --exclude-editable | grep -v '^-e' > requirements.lock

# The English catalogue: extract, then compile (the .mo files are committed, so that a
# fresh machine needs no gettext).
messages: $(VENV)/.installed
	cd src/shopops && ../../$(SHOPOPS) makemessages -l en --no-obsolete -v 0
	cd src/shopops && ../../$(SHOPOPS) makemessages -d djangojs -l en --no-obsolete -v 0 --ignore='web/static/vendor/*'
	cd src/shopops && ../../$(SHOPOPS) compilemessages -v 0

clean:
	rm -rf $(VENV) node_modules staticfiles $(VENDOR)
