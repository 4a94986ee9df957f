# gridmgr: the two commands of the README are `make run` and `make test`.
PY := .venv/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup run test test-fast lint db-stop bench demo

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

# The developer's loop: everything but the `slow` tests (demo, browsers, gunicorn, big fixtures),
# on every core (pytest-xdist; pytest-django gives each worker its own test database).
test-fast:
	$(PY) -m pytest -q -p no:cacheprovider -m "not slow" -n auto --dist loadfile

bench: setup
	$(PY) -m bench.run

db-stop:
	@bash .ci/db.sh stop
