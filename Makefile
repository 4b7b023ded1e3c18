# Kefu: `make run` sets up and runs the demo; `make test` runs the whole test suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
SMTP_PORT ?= 1025
export PORT

.PHONY: run test install migrate demo lint bench-data clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install -q --upgrade pip uv
	$(VENV)/bin/uv pip install --python $(PY) -q -e ".[dev]"
	touch $@

install: $(VENV)/.installed

migrate: install
	DEBUG=true $(PY) manage.py migrate --noinput

demo: migrate
	DEBUG=true $(PY) manage.py seed_demo

run: demo
	@echo ""
	@echo "Kefu is starting on http://127.0.0.1:$(PORT)/"
	@echo "Demo logins: admin, manager, agent (also bo, lina); password: demo"
	@echo "Outgoing email is caught by a local SMTP sink on 127.0.0.1:$(SMTP_PORT) and printed here."
	@echo ""
	DEBUG=true EMAIL_PORT=$(SMTP_PORT) SMTP_PORT=$(SMTP_PORT) $(VENV)/bin/honcho -f Procfile.dev start

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .

# The large benchmark data set (bench/README.md); e.g. BENCH_ARGS="--tickets 20000 --reset".
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/kefu_bench
bench-data: install
	DEBUG=true DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/generate.py $(BENCH_ARGS)

clean:
	rm -rf var test-artifacts
