# Two commands set everything up on a fresh machine:
#   make run   — virtualenv + pinned requirements, trains a model if none exists, starts gunicorn
#   (make train / make run train on Base_de_datos.xlsx at the project root or in data/ when present, else on
#    the built-in synthetic data; TRAIN_ARGS="--data FILE" names another file)
#   make test  — virtualenv + pinned requirements (dev), runs the whole test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
MODELS_DIR ?= models
PORT ?= 8000
WORKERS ?= 2
THREADS ?= 32
WORKER_CONCURRENCY ?= 1
PYTEST_ARGS ?=
MONITORING_BENCH_ARGS ?= --sizes 100000,1000000 --backends sqlite

.PHONY: venv venv-dev test train run worker lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime $@

venv: $(VENV)/.runtime
venv-dev: $(VENV)/.dev

test: venv-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: venv-dev
	$(BIN)/ruff check .

train: venv
	$(BIN)/python -m modeling.train --models-dir "$(MODELS_DIR)" $(TRAIN_ARGS)

run: venv
	@if [ ! -f "$(MODELS_DIR)/LATEST" ]; then \
		echo "No model in $(MODELS_DIR)/ — training one first"; \
		$(BIN)/python -m modeling.train --models-dir "$(MODELS_DIR)" $(TRAIN_ARGS) || exit 1; \
	elif [ -f Base_de_datos.xlsx ] || [ -f data/Base_de_datos.xlsx ]; then \
		echo "Serving the model already in $(MODELS_DIR)/ ($$(cat "$(MODELS_DIR)/LATEST")); 'make train' retrains on Base_de_datos.xlsx"; \
	fi
	@echo "Dashboard:  http://127.0.0.1:$(PORT)/"
	@echo "API docs:   http://127.0.0.1:$(PORT)/docs"
	@echo "Health:     http://127.0.0.1:$(PORT)/health"
	MODELS_DIR="$(MODELS_DIR)" PORT=$(PORT) WORKERS=$(WORKERS) THREADS=$(THREADS) \
		$(BIN)/gunicorn -c gunicorn.conf.py wsgi:server

worker: venv  ## a Celery worker for batch jobs (needs CELERY_BROKER_URL, e.g. redis://127.0.0.1:6379/0)
	@if [ -z "$$CELERY_BROKER_URL" ]; then echo "set CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/0)"; exit 2; fi
	@if [ ! -f "$(MODELS_DIR)/LATEST" ]; then $(MAKE) train; fi
	MODELS_DIR="$(MODELS_DIR)" $(BIN)/celery -A app.celery_app worker --loglevel=INFO --concurrency=$(WORKER_CONCURRENCY)

bench: venv-dev
	@if [ ! -f "$(MODELS_DIR)/LATEST" ]; then $(MAKE) train; fi
	$(BIN)/python benchmarks/bench_drift.py
	$(BIN)/python benchmarks/bench_train.py
	$(BIN)/python benchmarks/bench_api.py --models-dir "$(MODELS_DIR)"
	$(BIN)/python benchmarks/bench_monitoring.py --models-dir "$(MODELS_DIR)" $(MONITORING_BENCH_ARGS)
	$(BIN)/python benchmarks/bench_logs.py --models-dir "$(MODELS_DIR)"
	$(BIN)/python benchmarks/bench_jobs.py --models-dir "$(MODELS_DIR)" $(JOBS_BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
