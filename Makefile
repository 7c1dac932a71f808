# The README's two commands: `make run` and `make test`. Both set up .venv on their own.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: run test install lint eval bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# torch first and pinned: the CPU wheel; an unpinned torch would pull a multi-GB CUDA build.
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	@test -f quarry-data/CURRENT || $(VENV)/bin/quarry ingest corpus
	@echo "Quarry: demo page with the chat widget at http://127.0.0.1:8000 (API docs: /docs)"
	QUARRY_CORPUS_DIR=corpus $(VENV)/bin/quarry serve --host 127.0.0.1 --port 8000

test: $(STAMP)
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy quarry ingest index qa api eval

eval: $(STAMP)
	@test -f quarry-data/CURRENT || $(VENV)/bin/quarry ingest corpus
	$(VENV)/bin/quarry eval

clean:
	rm -rf quarry-data eval/reports test-artifacts
