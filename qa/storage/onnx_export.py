"""The one-time ONNX export of the bundled model, checked against PyTorch and cached.

The first process that needs it exports the bundled PyTorch weights to ONNX (mean pooling
included, BERT ops fused), checks the export against the PyTorch model (cosine > 0.999 on every
probe), and caches it under ``cache_dir/onnx`` keyed by a hash of the model files. Later
processes load only onnxruntime and ``tokenizers``, never torch or transformers, so a cold
``qa ask`` starts in well under a second.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from qa.errors import QAError
from qa.storage.embedders import normalise
from qa.storage.runtimes import OnnxRuntime, TorchRuntime, thread_count

if TYPE_CHECKING:
    from qa.storage.local_model import WordPieceCounter


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

    torch.set_num_threads(thread_count())
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
