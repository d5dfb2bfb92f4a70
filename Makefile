# The README's two commands: `make run` and `make test`. Everything else supports them.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

# Django 6 needs Python 3.12+: take the first suitable interpreter on PATH or in pyenv.
PYTHON ?= $(shell for c in python3.14 python3.13 python3.12 python3 \
	$$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do \
	  p=$$(command -v $$c 2>/dev/null) || continue; \
	  $$p -c 'import sys, venv; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$p; break; }; \
	done)

.PHONY: run test venv install migrate demo serve lint format messages compilemessages worker beat bench clean check-deploy system-run system-test

# Debian packages: installed when run as root, otherwise the exact apt-get line is printed.
system-run:
	@scripts/system-packages.sh run

system-test:
	@scripts/system-packages.sh test

$(VENV)/.installed: requirements.txt
	@if [ -z "$(PYTHON)" ]; then \
	  echo "Python 3.12 ou plus récent est introuvable (Django 6 l'exige)."; \
	  echo "Installez-le, par exemple : sudo apt-get install python3.12 python3.12-venv"; \
	  echo "ou : pyenv install 3.13, puis relancez la commande."; exit 1; fi
	@[ -x $(PY) ] || { echo "Création de l'environnement avec $(PYTHON)"; $(PYTHON) -m venv $(VENV); }
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

venv install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable

demo: system-run migrate
	$(PY) manage.py load_demo

run: demo
	@echo "Portail FORIM sur http://$(HOST):$(PORT)/ (Ctrl+C pour arrêter)"
	$(PY) manage.py runserver $(HOST):$(PORT)

test: system-test install
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages: install
	$(PY) manage.py makemessages -l fr -l en --ignore=.venv --ignore=staticfiles --ignore=media --ignore=artifacts --no-obsolete
	$(PY) manage.py compilemessages --ignore=.venv

compilemessages: install
	$(PY) manage.py compilemessages --ignore=.venv

worker: install
	$(VENV)/bin/celery -A forim_portal worker --loglevel=info --concurrency=2

beat: install
	$(VENV)/bin/celery -A forim_portal beat --loglevel=info

check-deploy: install
	DJANGO_SETTINGS_MODULE=forim_portal.settings.production SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))') \
	  ALLOWED_HOSTS=portail.forim.net $(PY) manage.py check --deploy --fail-level WARNING

bench: install
	$(PY) bench/load.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
