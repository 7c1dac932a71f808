"""The reader: the packaged cross-encoder, loaded offline, scored one pair at a time."""

import socket

import numpy as np
import pytest

from qa.reader import CrossEncoderReader, packaged_reranker_dir

pytestmark = pytest.mark.slow
QUESTION = "How many people live in Berlin?"
BERLIN = (
    "Berlin has a population of 3,520,031 registered inhabitants in an area of 891.82 square "
    "kilometers."
)
NEW_YORK = "New York City is famous for the Metropolitan Museum of Art."


@pytest.fixture(scope="module")
def reader():
    return CrossEncoderReader()


def test_model_card_pair(reader):
    berlin, new_york = reader.score(QUESTION, [BERLIN, NEW_YORK])
    assert berlin == pytest.approx(9.4, abs=0.1)
    assert new_york == pytest.approx(-11.2, abs=0.1)


def test_scores_do_not_depend_on_the_batch(reader):
    """INT8 dynamic quantization shifts a batched pair's score; the reader never batches."""
    a = reader.tokenizer.encode(QUESTION, BERLIN)
    b = reader.tokenizer.encode(QUESTION, NEW_YORK + " It has millions of visitors every year.")
    assert len(a.ids) < 64  # padding is off: not the tokenizer file's 512
    width = max(len(a.ids), len(b.ids))

    def pad(ids):
        return list(ids) + [0] * (width - len(ids))

    batched = reader.session.run(
        None,
        {
            "input_ids": np.array([pad(a.ids), pad(b.ids)]),
            "attention_mask": np.array([pad(a.attention_mask), pad(b.attention_mask)]),
            "token_type_ids": np.array([pad(a.type_ids), pad(b.type_ids)]),
        },
    )[0].ravel()
    alone = reader.score(QUESTION, [BERLIN])[0]
    assert abs(batched[0] - alone) > 1e-3  # the trap is real
    with_others = reader.score(QUESTION, [NEW_YORK, BERLIN, "Paris is in France."])
    assert with_others[1] == alone  # and the reader avoids it


def test_loads_from_the_installed_wheel_without_network(monkeypatch):
    def no_network(*args, **kwargs):
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    folder = packaged_reranker_dir()
    assert "site-packages" in str(folder) and (folder / "model.onnx").is_file()
    assert CrossEncoderReader(folder).score(QUESTION, [BERLIN])[0] > 9
