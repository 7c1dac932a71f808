"""Every embedder through the same contract: offline, normalized, batch-independent, counted."""

import socket

import numpy as np
import pytest

from base.errors import ConfigError
from index.embedders import load_embedder

pytestmark = pytest.mark.slow
NAMES = ["all-MiniLM-L6-v2", "minilm-onnx", "bge-small", "e5-small"]


@pytest.fixture(scope="module")
def model_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("model-cache")


@pytest.fixture(params=NAMES)
def embedder(request, real_embedder, model_cache, monkeypatch):
    if request.param == "all-MiniLM-L6-v2":
        return real_embedder
    monkeypatch.setenv("QUARRY_MODEL_CACHE", str(model_cache))

    def no_network(*args, **kwargs):
        raise OSError("network disabled in this test")

    # Loading (and, for minilm-onnx, exporting and quantizing) must not touch the network.
    with monkeypatch.context() as m:
        m.setattr(socket, "socket", no_network)
        m.setattr(socket, "create_connection", no_network)
        return load_embedder(request.param)


def test_embedder_contract(embedder):
    passages = embedder.embed(["Pakistan shipped rare earths to the US.", "Granite is a rock."])
    query = embedder.embed_queries(["Which country shipped rare earths?"])
    assert passages.shape == (2, embedder.dim) and query.shape == (1, embedder.dim)
    assert embedder.dim == 384 and passages.dtype == np.float32
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-3)
    scores = passages @ query[0]
    assert scores[0] > scores[1]  # the relevant passage ranks first
    assert embedder.embed([]).shape == (0, embedder.dim)


def test_a_vector_does_not_depend_on_its_batch(embedder):
    text = "The committee approved the budget after a long debate about bridge maintenance."
    alone = embedder.embed([text])[0]
    among = embedder.embed(["Short.", text, "Another, much longer sentence " * 12])[1]
    assert np.allclose(alone, among, atol=1e-5)


def test_token_counts_match_the_model_limit(embedder):
    long_text = "word " * (embedder.max_tokens + 50)
    short, long, again = embedder.token_counts(["hello world", long_text, "hello world"])
    assert short >= 4  # two words plus special tokens
    assert long > embedder.max_tokens  # counted, not truncated
    assert again == short and embedder.token_counts([]) == []


def test_onnx_minilm_stays_close_to_the_torch_model(real_embedder, model_cache, monkeypatch):
    monkeypatch.setenv("QUARRY_MODEL_CACHE", str(model_cache))
    onnx = load_embedder("minilm-onnx")
    texts = [
        "Pakistan's army-run Frontier Works Organization signed a $500 million agreement.",
        "China has invested over $62 billion in the China-Pakistan Economic Corridor.",
        "Granite is an igneous rock.",
    ]
    cosines = (onnx.embed(texts) * real_embedder.embed(texts)).sum(axis=1)
    assert cosines.min() >= 0.98


def test_unknown_embedder_is_a_clear_error():
    with pytest.raises(ConfigError, match="never downloaded"):
        load_embedder("sentence-transformers/some-hub-model")


def test_device_is_checked_before_a_model_loads():
    import torch

    with pytest.raises(ConfigError, match="CPU only"):
        load_embedder("bge-small", device="cuda")
    with pytest.raises(ConfigError, match="unknown device"):
        load_embedder("all-MiniLM-L6-v2", device="tpu")
    if not torch.cuda.is_available():  # this machine's CPU wheel: a clear error, not a crash
        with pytest.raises(ConfigError, match="no CUDA GPU"):
            load_embedder("all-MiniLM-L6-v2", device="cuda")
    else:  # a GPU gives the CPU's vectors
        cpu = load_embedder("all-MiniLM-L6-v2").embed(["Granite is an igneous rock."])
        gpu = load_embedder("all-MiniLM-L6-v2", device="cuda").embed(
            ["Granite is an igneous rock."]
        )
        assert float((cpu * gpu).sum()) >= 0.9999
