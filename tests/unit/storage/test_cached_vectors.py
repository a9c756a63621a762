"""The one per-process vector cache: each (model, text) is embedded once, rows come back in order."""

import numpy as np

from qa.storage.embedders import cached_vectors


class CountingEmbedder:
    """A tiny deterministic embedder that records what it was asked to embed."""

    dim = 3

    def __init__(self, model_name: str) -> None:
        self.model_name = model_name
        self.calls: list[list[str]] = []

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        self.calls.append(list(texts))
        return np.array([[len(t), t.count("a"), 1.0] for t in texts], dtype=np.float32)


def test_each_text_is_embedded_once_and_rows_keep_order():
    emb = CountingEmbedder("model-a")
    first = cached_vectors(emb, ["alpha", "beta", "alpha"])
    second = cached_vectors(emb, ["beta", "gamma"])
    assert emb.calls == [["alpha", "beta"], ["gamma"]]
    assert first.shape == (3, 3) and np.array_equal(first[0], first[2])
    assert np.array_equal(second[0], first[1])


def test_another_model_does_not_reuse_vectors():
    a, b = CountingEmbedder("model-x"), CountingEmbedder("model-y")
    cached_vectors(a, ["same text"])
    cached_vectors(b, ["same text"])
    assert b.calls == [["same text"]]


def test_no_texts_gives_an_empty_matrix():
    assert cached_vectors(CountingEmbedder("model-z"), []).shape[0] == 0
