# Two commands on a fresh machine (see README):
#   make run   - install, create the SQLite database with demo data if empty, start the app
#   make test  - install everything the tests need (incl. Chromium + CJK font) and run all tests
PY      ?= python3
VENV    ?= .venv
BIN     := $(VENV)/bin
PORT    ?= 8501

.PHONY: run test install install-dev system-deps bootstrap demo-data lint clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt

install-dev: $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt

system-deps:
	bash scripts/system-deps.sh

bootstrap: install
	$(BIN)/python -m store.bootstrap

run: bootstrap
	$(BIN)/streamlit run server.py --server.address 127.0.0.1 --server.port $(PORT)

test: install-dev system-deps
	bash scripts/run-tests.sh $(BIN)/python

demo-data: install
	$(BIN)/python -m data.generate_demo

lint: install-dev
	$(BIN)/ruff check .

clean:
	rm -rf var/*.sqlite3 .pytest_cache
