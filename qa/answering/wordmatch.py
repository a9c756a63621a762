"""Question words matched to sentence words by embedding similarity: a small synonym net for
the extractive answerer ("troops" ~ "soldiers", "aircraft" ~ "airlifter")."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np

from qa.text.terms import STOPWORDS

if TYPE_CHECKING:
    from qa.storage.embedders import Embedder

WORD_MATCH = 0.70  # word-embedding similarity that counts as the same concept (troops ~ soldiers)

_WORD_VECTORS: dict[tuple[str, str], np.ndarray] = {}  # (model, word) -> vector, per process
_WORD_RE = re.compile(r"[A-Za-z][A-Za-z\-]+")


def _word_vectors(embedder: Embedder, words: list[str]) -> np.ndarray:
    model = getattr(embedder, "model_name", "")
    todo = [w for w in dict.fromkeys(words) if (model, w) not in _WORD_VECTORS]
    if todo:
        if len(_WORD_VECTORS) > 100_000:
            _WORD_VECTORS.clear()
        for w, v in zip(todo, embedder.embed_documents(todo), strict=True):
            _WORD_VECTORS[(model, w)] = v
    return np.stack([_WORD_VECTORS[(model, w)] for w in words]) if words else np.zeros((0, 1), np.float32)


class WordMatcher:
    """The question's ``words`` against the vocabulary of the candidate ``sentences``. Word
    vectors are cached per process, so a question set pays for each word once."""

    def __init__(self, embedder: Embedder, words: list[str], sentences: list[str]) -> None:
        self.ok = bool(words)
        if not self.ok:
            return
        vocab = sorted({w.lower() for s in sentences for w in _WORD_RE.findall(s) if len(w) > 2} - STOPWORDS)
        self.vocab = {w: i for i, w in enumerate(vocab)}
        self.words = {w: i for i, w in enumerate(words)}
        self.q = _word_vectors(embedder, list(words))
        self.v = _word_vectors(embedder, vocab)

    def matches(self, word: str, sentence: str, threshold: float = WORD_MATCH) -> bool:
        """Whether a word of ``sentence`` is at least ``threshold`` similar to ``word``."""
        if not self.ok or word not in self.words or not len(self.vocab):
            return False
        idx = [self.vocab[w.lower()] for w in _WORD_RE.findall(sentence) if w.lower() in self.vocab]
        if not idx:
            return False
        return float(np.max(self.v[idx] @ self.q[self.words[word]])) >= threshold
