"""The OpenAI embedding backend without a network: batching, answer order, normalisation, and
the clear error when no endpoint is configured."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from qa.config import load_settings
from qa.errors import QAError
from qa.storage.embedders import OpenAIEmbedder, get_embedder


class ScriptedEmbeddings:
    """``client.embeddings``: a vector per input whose first value is the input's length,
    answered in reverse order as the API is allowed to."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def create(self, model: str, input: list[str]):  # noqa: A002 - the API's own keyword
        self.calls.append(list(input))
        data = [SimpleNamespace(index=i, embedding=[float(len(t)), 1.0]) for i, t in enumerate(input)]
        return SimpleNamespace(data=data[::-1])


def test_openai_vectors_come_back_in_input_order_and_normalised(monkeypatch):
    monkeypatch.setenv("QA_EMBEDDING_BACKEND", "openai")
    settings = load_settings(llm_base_url="http://127.0.0.1:9/v1", embedding_batch_size=2)
    embedder = get_embedder(settings)
    assert isinstance(embedder, OpenAIEmbedder) and embedder.model_name == "text-embedding-3-small"
    scripted = ScriptedEmbeddings()
    embedder.client.client = SimpleNamespace(embeddings=scripted)
    rows = embedder.embed_documents(["a", "bbb", "cc"])
    assert scripted.calls == [["a", "bbb"], ["cc"]]
    expected = np.array([[1.0, 1.0], [3.0, 1.0], [2.0, 1.0]])
    expected /= np.linalg.norm(expected, axis=1, keepdims=True)
    assert rows.dtype == np.float32 and np.allclose(rows, expected)
    assert embedder.dim == 2
    assert embedder.fits("short text") and not embedder.fits("word " * 9000)


def test_openai_backend_without_key_or_url_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("QA_EMBEDDING_BACKEND", "openai")
    with pytest.raises(QAError, match="needs OPENAI_API_KEY or QA_LLM_BASE_URL"):
        get_embedder(load_settings())
