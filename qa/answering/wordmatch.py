"""Question words matched to sentence words by embedding similarity: a small synonym net for
the extractive answerer ("troops" ~ "soldiers", "aircraft" ~ "airlifter")."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np

from qa.storage.embedders import cached_vectors
from qa.text.terms import STOPWORDS

if TYPE_CHECKING:
    from qa.storage.embedders import Embedder

WORD_MATCH = 0.70  # word-embedding similarity that counts as the same concept (troops ~ soldiers)

_WORD_RE = re.compile(r"[A-Za-z][A-Za-z\-]+")


class WordMatcher:
    """The question's ``words`` against the vocabulary of the candidate ``sentences``. Word
    vectors are cached per process (:func:`qa.storage.embedders.cached_vectors`), so a question set pays for each word once."""

    def __init__(self, embedder: Embedder, words: list[str], sentences: list[str]) -> None:
        self.ok = bool(words)
        if not self.ok:
            return
        vocab = sorted({w.lower() for s in sentences for w in _WORD_RE.findall(s) if len(w) > 2} - STOPWORDS)
        self.vocab = {w: i for i, w in enumerate(vocab)}
        self.words = {w: i for i, w in enumerate(words)}
        self.q = cached_vectors(embedder, list(words))
        self.v = cached_vectors(embedder, vocab)

    def matches(self, word: str, sentence: str, threshold: float = WORD_MATCH) -> bool:
        """Whether a word of ``sentence`` is at least ``threshold`` similar to ``word``."""
        if not self.ok or word not in self.words or not len(self.vocab):
            return False
        idx = [self.vocab[w.lower()] for w in _WORD_RE.findall(sentence) if w.lower() in self.vocab]
        if not idx:
            return False
        return float(np.max(self.v[idx] @ self.q[self.words[word]])) >= threshold
