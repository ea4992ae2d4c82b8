# The two commands everyone uses: `make run` and `make test`. See README.md.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | md5sum | cut -c1-12)

.PHONY: run test sandbox install lint format bench clean messages

$(STAMP): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (set PYTHON=/path/to/python3.11).")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@rm -f $(VENV)/.installed-*
	@touch $@

install: $(STAMP)

# Development: DEBUG on, and with it the development secrets (wallboard/development.py).
run: export DEBUG = true
run: install
	@$(BIN)/python -m wallboard.preflight
	$(BIN)/python manage.py migrate --noinput -v 0
	$(BIN)/python manage.py seed_demo
	@mkdir -p var
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/honcho start -f Procfile

sandbox: install
	$(BIN)/python -m sandbox

test: install
	@REDIS_URL=$${TEST_REDIS_URL:-redis://127.0.0.1:6379/15} $(BIN)/python -m wallboard.preflight
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The translation catalogues (README "Languages and time"): the templates' and Python's words
# (django.po), then the board scripts' (djangojs.po); translate what is new, then compile.
NOT_SOURCE := -i '.venv/*' -i 'staticfiles/*' -i 'tests/*' -i 'bench/*' -i 'sandbox/*' \
	-i 'test-artifacts/*' -i 'node_modules/*'
messages: export DEBUG = true
messages: install
	$(BIN)/python manage.py makemessages -l de -l fr -l es -l nl -e html,txt,py,svg \
		--no-obsolete --add-location file $(NOT_SOURCE)
	$(BIN)/python manage.py makemessages -d djangojs -l de -l fr -l es -l nl -e js \
		--no-obsolete --add-location file $(NOT_SOURCE) -i 'static/vendor/*' -i 'static/boards/admin/*'
	$(BIN)/python manage.py compilemessages --ignore '.venv/*'

# Every bench/*_bench.py, then one table (printed and written to bench/results.md); ~15 min.
# FULL=1: the full fan-out sweep instead of its --quick mode (~25 min in all).
bench: install
	$(BIN)/python bench/run_all.py $(if $(FULL),--full,)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
