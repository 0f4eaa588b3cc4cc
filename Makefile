# One entry point for people and CI. `make ui` and `make test` set everything up on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
# llama.cpp's default native build segfaults on CPUs that advertise AVX-512/AMX; this portable build works.
export CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_AVX512=OFF
export ANONYMIZED_TELEMETRY := False
export GRADIO_ANALYTICS_ENABLED := False
export RAGAS_DO_NOT_TRACK := true
export HF_HUB_OFFLINE := 1

.PHONY: setup system-deps ui serve-team test test-fast lint fix eval eval-smoke bench bench-scale index clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q torch==2.13.0            # the CPU wheel first, so nothing pulls CUDA packages
	$(PIP) install -q llama-cpp-python==0.3.36 # built from source with the portable CMAKE_ARGS above
	$(PIP) install -q -e ".[dev]"
	$(PY) -c "from assistant.models import ensure_local_gguf; from assistant.settings import Settings; \
	print('local model:', ensure_local_gguf(Settings().cache_dir))"
	touch $@

# Debian's Chromium (browser tests and screenshots); installed when missing and we are root.
system-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    chromium fonts-noto-color-emoji >/dev/null; \
	  else echo "note: install Debian's chromium to run the browser tests (they are skipped without it)"; fi; fi

ui: setup
	$(PY) ui.py

# The team's model server (llama.cpp, OpenAI-compatible, :8080) and Chroma server (:8000); see the README.
serve-team: setup
	$(VENV)/bin/okr serve $(SERVE_ARGS)

test: setup system-deps
	$(PY) -m pytest

test-fast: setup
	$(PY) -m pytest tests/unit

lint: setup
	$(VENV)/bin/ruff check assistant evals tests benchmarks ui.py
	$(VENV)/bin/ruff format --check assistant evals tests benchmarks ui.py

fix: setup
	$(VENV)/bin/ruff check --fix assistant evals tests benchmarks ui.py
	$(VENV)/bin/ruff format assistant evals tests benchmarks ui.py

index: setup
	$(VENV)/bin/okr index

eval: setup
	$(VENV)/bin/okr eval --judge local --judge-limit 10 --robustness --publish

eval-smoke: setup
	$(VENV)/bin/okr eval --limit 12 --no-semantic

bench: setup
	$(PY) benchmarks/bench_chain.py

bench-scale: setup
	$(PY) benchmarks/bench_cache.py
	$(PY) benchmarks/bench_server.py

clean:
	rm -rf $(VENV) artifacts .pytest_cache .ruff_cache
