# The README's two commands: `make run` and `make test`. Both set up .venv on their own.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
CHROMIUM := /usr/bin/chromium
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: run test install chromium tesseract lint eval bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# torch first and pinned: the CPU wheel; an unpinned torch would pull a multi-GB CUDA build.
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# The browser tests drive Debian's chromium (never a downloaded browser build).
chromium:
	@if [ -x $(CHROMIUM) ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing Debian's chromium for the browser tests"; \
	  DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
	  echo "error: the browser tests need Debian's chromium: run 'sudo apt-get install chromium', then 'make test' again" >&2; \
	  exit 1; \
	fi

# Scanned PDF pages are read with Debian's Tesseract; the OCR test needs it.
tesseract:
	@if command -v tesseract >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing Debian's tesseract-ocr for scanned PDF pages"; \
	  DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tesseract-ocr >/dev/null; \
	else \
	  echo "error: the OCR tests need Tesseract: run 'sudo apt-get install tesseract-ocr', then 'make test' again" >&2; \
	  exit 1; \
	fi

# Host, port, data directory and corpus come from QUARRY_HOST, QUARRY_PORT, QUARRY_DATA_DIR and
# QUARRY_CORPUS_DIR; `quarry serve --ingest-if-empty` ingests the corpus when that index is empty.
run: $(STAMP)
	QUARRY_CORPUS_DIR=$${QUARRY_CORPUS_DIR:-corpus} $(VENV)/bin/quarry serve --ingest-if-empty

test: $(STAMP) chromium tesseract
	$(PY) -m pytest

lint: $(STAMP)
	$(PY) -m tests.test_layers
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy base ingest index qa eval quarry api cli

eval: $(STAMP)
	$(VENV)/bin/quarry ingest $${QUARRY_CORPUS_DIR:-corpus}
	$(VENV)/bin/quarry eval

clean:
	rm -rf quarry-data eval/reports test-artifacts
