# Wegwijzer Jeugdhulp. `make run` and `make test` do all set-up themselves.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PY := .venv/bin/python
RASA := .venv/bin/rasa
STAMP := .venv/.requirements.sha256
PIPELINE := build/spacy_nl/meta.json
WEB_STAMP := node_modules/.package-lock.json
MODEL := models/wegwijzer.tar.gz
# The semantic reader learns from the labelled safety sets and the answer examples too.
TRAIN_INPUTS := config.yml domain.yml $(shell find data -name '*.yml') $(wildcard bot/nlu/*.py) \
	bot/encoder.py bot/encoder_worker.py bot/safety.py $(wildcard tests/data/safety_messages*.yml) bot/knowledge/answer_examples.yml

# Stable results: fixed hash seed (must be set before Python starts), quiet TensorFlow, 2 cores.
export PYTHONHASHSEED := 0
export PYTHONPATH := $(CURDIR)
export TF_CPP_MIN_LOG_LEVEL := 3
export TF_INTRA_OP_PARALLELISM_THREADS := 2
export TF_INTER_OP_PARALLELISM_THREADS := 1
export RASA_TELEMETRY_ENABLED := false
export SQLALCHEMY_SILENCE_UBER_WARNING := 1

.PHONY: help setup browser train run shell test lint format unit validate pytest story-test safety-report nlu-report eval bench purge clean

help:
	@echo "make run     set up, train if needed, start the bot (REST + socket.io on 5005, actions on 5055, inbox on 8080)"
	@echo "make test    set up, validate the data, train if needed, run every test"
	@echo "make shell   chat with the bot in this terminal"
	@echo "make eval    quality report: NLU cross-validation, safety screen, routing vignettes (reports/eval/)"
	@echo "make bench   load benchmark of the full stack against a rasa-init reference bot (reports/bench/)"
	@echo "make unit    the fast tests alone (no trained model, browser or PostgreSQL needed)"
	@echo "make lint    ruff: lint and format check (make format rewrites)"
	@echo "make safety-report | nlu-report | purge | clean"

setup: $(STAMP) $(PIPELINE) $(WEB_STAMP)

$(STAMP): requirements.txt requirements-dev.txt scripts/setup.sh
	scripts/setup.sh

# The widget's browser packages (socket.io-client; axe-core for the tests), from package-lock.json.
$(WEB_STAMP): package.json package-lock.json scripts/setup-web.sh
	scripts/setup-web.sh

# Debian's chromium for the widget's end-to-end tests (only `make test` needs it).
browser:
	scripts/setup-browser.sh

$(PIPELINE): $(STAMP) bot/nlp.py bot/knowledge/regions.yml bot/knowledge/roles.yml
	$(PY) -m bot build-nlp

train: $(MODEL)

# --force: Rasa fingerprints the spaCy pipeline by its path only, so make decides when to retrain.
$(MODEL): $(STAMP) $(PIPELINE) $(TRAIN_INPUTS)
	$(RASA) train --out models --fixed-model-name wegwijzer --force

run: setup train
	scripts/run.sh

shell: setup train
	@mkdir -p var
	@SANIC_HOST=127.0.0.1 $(RASA) run actions --actions actions --port 5055 > var/actions-shell.log 2>&1 & pid=$$!; \
	trap "kill $$pid" EXIT; $(RASA) shell --model $(MODEL) --endpoints endpoints.yml

validate: setup
	$(RASA) data validate --max-history 5 --fail-on-warnings

pytest: setup train browser
	$(PY) -m pytest

story-test: setup train
	$(RASA) test core --model $(MODEL) --stories tests/test_stories --fail-on-prediction-errors --out reports/stories

# The safety screen through the running bot over REST (tools/safety_live.py): labelled sets gated.
safety-report: setup train
	$(PY) -m tools.safety_live

# ruff (settings in pyproject.toml): the lint rules and the format, checked; `make format` applies both.
lint: setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format: setup
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

# The fast tests alone (pytest markers in pyproject.toml, set in tests/conftest.py).
unit: setup
	$(PY) -m pytest -m unit

test: lint validate pytest story-test safety-report

nlu-report: setup
	$(RASA) test nlu --nlu data/nlu --cross-validation --folds 3 --out reports/nlu
	$(PY) -m tools.nlu_report reports/nlu

# Measurements, not tests: they write reports and assert no timing. Options: EVAL_ARGS="--skip-nlu",
# BENCH_ARGS="--conversations 5 --skip-reference" (see `python -m tools.evaluation --help`, `tools.bench --help`).
eval: setup train
	$(PY) -m tools.evaluation $(EVAL_ARGS)

bench: setup train
	$(PY) -m tools.bench $(BENCH_ARGS)

purge: setup
	$(PY) -m bot purge

clean:
	rm -rf build models/*.tar.gz reports results var .pytest_cache
