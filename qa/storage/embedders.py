"""Embedders: one small interface, the bundled local model by default, OpenAI optional.

Vectors are L2-normalised float32 rows; the store uses cosine distance. The local model lives in
``qa.storage.local_model``; the OpenAI endpoint's client in ``qa.llm.embeddings`` (the only
package that may import ``openai``). Both are imported on first use, so reading the model name
of an index costs no model import.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import numpy as np

from qa.config import LOCAL_MODEL, OPENAI_EMBEDDING_MODEL
from qa.errors import InputError

if TYPE_CHECKING:
    from qa.config import Settings
    from qa.storage.local_model import LocalEmbedder


@runtime_checkable
class Embedder(Protocol):
    """What the pipeline needs of an embedding model."""

    model_name: str  # recorded in the collection; a different name is a different vector space
    dim: int
    max_tokens: int  # the model's own input limit, in its own tokens

    def embed_documents(self, texts: list[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...

    def fits(self, text: str) -> bool:
        """True when ``text`` is embedded whole, without truncation."""
        ...


def normalise(rows: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length, as float32 (an all-zero row stays zero)."""
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return (rows / np.clip(norms, 1e-12, None)).astype(np.float32)


_CACHE_LIMIT = 100_000  # vectors kept per process (~150 MB for MiniLM) before the cache starts over
_VECTOR_CACHE: dict[tuple[str, str], np.ndarray] = {}  # (model name, text) -> vector
_CACHE_LOCK = threading.Lock()  # guards _VECTOR_CACHE: qa.api may be called from several threads


def cached_vectors(embedder: Embedder, texts: list[str]) -> np.ndarray:
    """Vectors of ``texts`` (one row each, in order), each text embedded once per process and
    model: a question set or a briefing meets the same sentences and words again and again.

    Thread-safe: the cache is read and written under a lock (never while embedding), and the
    result is built from this call's own references, so another thread clearing the cache at
    its limit cannot take a vector away between lookup and use."""
    model = getattr(embedder, "model_name", "")
    if not texts:
        return np.zeros((0, max(int(getattr(embedder, "dim", 0) or 0), 1)), dtype=np.float32)
    unique = list(dict.fromkeys(texts))
    found: dict[str, np.ndarray] = {}
    with _CACHE_LOCK:
        for t in unique:
            vec = _VECTOR_CACHE.get((model, t))
            if vec is not None:
                found[t] = vec
    todo = [t for t in unique if t not in found]
    if todo:
        fresh = dict(zip(todo, embedder.embed_documents(todo), strict=True))
        found.update(fresh)
        with _CACHE_LOCK:
            if len(_VECTOR_CACHE) + len(fresh) > _CACHE_LIMIT:
                _VECTOR_CACHE.clear()
                fresh = found  # start over with everything this call needs
            _VECTOR_CACHE.update(((model, t), v) for t, v in fresh.items())
    return np.stack([found[t] for t in texts])


class OpenAIEmbedder:
    """Embeddings from an OpenAI-compatible ``/v1/embeddings`` endpoint, normalised like the local
    model's. ``dim`` is known only after the first answer."""

    max_tokens = 8191

    def __init__(self, settings: Settings) -> None:
        from qa.llm.embeddings import OpenAIEmbeddingClient

        self.client = OpenAIEmbeddingClient(settings)
        self.model_name = self.client.model_name
        self.dim = 0

    def fits(self, text: str) -> bool:
        from qa.text.tokens import count_tokens

        return count_tokens(text) <= self.max_tokens

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        arr = normalise(np.asarray(self.client.embed(texts), dtype=np.float32))
        self.dim = arr.shape[1] if arr.size else self.dim
        return arr

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_documents([text])[0]


def model_name_for(settings: Settings) -> str:
    """The model identity the settings select, without loading the model. The local backend
    has one model, the bundled one: naming another is an ``InputError``, not silently ignored."""
    if settings.embedding.backend == "local":
        if settings.embedding.model not in (None, LOCAL_MODEL):
            raise InputError(
                f"the local embedding backend has only the bundled model {LOCAL_MODEL}, not "
                f"{settings.embedding.model!r}: unset QA_EMBEDDING_MODEL, or set QA_EMBEDDING_BACKEND=openai"
            )
        return LOCAL_MODEL
    return settings.embedding.model or OPENAI_EMBEDDING_MODEL


_LOCAL_LOCK = threading.Lock()


@lru_cache(maxsize=4)
def _cached_local(batch_size: int, cache_dir: str, runtime: str) -> LocalEmbedder:
    from qa.storage.local_model import LocalEmbedder

    return LocalEmbedder(batch_size=batch_size, cache_dir=Path(cache_dir), runtime=runtime)


def get_embedder(settings: Settings) -> Embedder:
    """The embedder the settings ask for; the local one is shared within a process."""
    if settings.embedding.backend == "openai":
        return OpenAIEmbedder(settings)
    model_name_for(settings)  # refuses a model the local backend does not have
    cache_dir = str(Path(settings.index.cache_dir).resolve())
    with _LOCAL_LOCK:  # lru_cache may run the factory twice for threads arriving together
        return _cached_local(settings.embedding.batch_size, cache_dir, settings.embedding.runtime)
