"""Both packaged embedders load offline and behave as the Embedder interface promises."""

import numpy as np
import pytest

from index.embedders import load_embedder
from quarry.errors import ConfigError

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("name", ["all-MiniLM-L6-v2", "e5-small"])
def test_embedder_contract(name, real_embedder):
    emb = real_embedder if name == "all-MiniLM-L6-v2" else load_embedder(name)
    passages = emb.embed(["Pakistan shipped rare earths to the US.", "Granite is a rock."])
    query = emb.embed_queries(["Which country shipped rare earths?"])
    assert passages.shape == (2, emb.dim) and query.shape == (1, emb.dim) and emb.dim == 384
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-3)
    scores = passages @ query[0]
    assert scores[0] > scores[1]  # the relevant passage ranks first
    assert emb.count_tokens("hello world") >= 4  # two words plus special tokens
    assert emb.embed([]).shape == (0, emb.dim)


def test_unknown_embedder_is_a_clear_error():
    with pytest.raises(ConfigError, match="never downloaded"):
        load_embedder("sentence-transformers/some-hub-model")
