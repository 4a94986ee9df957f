# gridmgr: the two commands of the README are `make run` and `make test`.
PY := .venv/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup run test lint db-stop bench demo

setup:
	@bash .ci/setup.sh
	@$(PY) manage.py migrate --noinput -v 0

demo: setup
	@$(PY) manage.py load_demo --commit --once

run: demo
	@$(PY) manage.py demo_admin --host $(HOST) --port $(PORT)
	@echo "== serving the demo district at http://$(HOST):$(PORT)/"
	@$(PY) manage.py runserver $(HOST):$(PORT)

lint: setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy geodata gridmgr bench
	$(PY) manage.py makemigrations --check --dry-run

test: lint
	$(PY) -m pytest -q -p no:cacheprovider

bench: setup
	$(PY) -m bench.run

db-stop:
	@bash .ci/db.sh stop
