"""The local embedder: the ONNX export gives the original model's vectors, is made once and
cached, serves queries without torch, and falls back clearly when it cannot be used."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings

import numpy as np
import pytest

from qa.errors import QAError
from qa.storage.local_model import LocalEmbedder, local_model_dir
from qa.storage.onnx_export import onnx_path

TEXTS = [
    "NATO allies began a two-week naval exercise in the Baltic Sea.",
    "Drills",
    "Russian and Belarusian troops held joint manoeuvres near the Polish border, the defence "
    "ministry in Minsk said on Tuesday, adding that 2,000 soldiers took part.",
    "Quarterly profits at US media giant TimeWarner jumped 76% to $1.13bn. " * 30,  # > 256 tokens
    "Zürich, São Paulo, Kraków — 北约",
]


@pytest.fixture(scope="module")
def onnx_embedder(session_cache) -> LocalEmbedder:
    return LocalEmbedder(cache_dir=session_cache, runtime="onnx")


@pytest.fixture(scope="module")
def torch_embedder(session_cache) -> LocalEmbedder:
    return LocalEmbedder(cache_dir=session_cache, runtime="torch")


def test_onnx_vectors_match_the_torch_model(onnx_embedder, torch_embedder):
    fast = onnx_embedder.embed_documents(TEXTS)
    slow = torch_embedder.embed_documents(TEXTS)
    assert onnx_embedder.runtime_name == "onnx" and torch_embedder.runtime_name == "torch"
    assert fast.shape == slow.shape == (len(TEXTS), 384)
    assert fast.dtype == np.float32
    assert np.allclose(np.linalg.norm(fast, axis=1), 1.0, atol=1e-5)
    cos = (fast * slow).sum(axis=1)
    assert cos.min() > 0.999, cos
    # The query path (one text, no padding) and the batch path (padded) agree too.
    for i, text in enumerate(TEXTS):
        assert float(onnx_embedder.embed_query(text) @ slow[i]) > 0.999
    assert onnx_embedder.model_name == torch_embedder.model_name  # one index serves both


@pytest.mark.slow  # a fresh process shows what a query imports
def test_export_is_cached_and_queries_load_no_torch(onnx_embedder, session_cache):
    path = onnx_path(local_model_dir(), session_cache)
    onnx_embedder.embed_query("warm")  # made by the module fixture's first use at the latest
    assert path.is_file()
    mtime = path.stat().st_mtime_ns
    script = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from qa.storage.local_model import LocalEmbedder\n"
        f"e = LocalEmbedder(cache_dir=Path({str(session_cache)!r}))\n"
        f"v = e.embed_query({TEXTS[0]!r})\n"
        "print(json.dumps({'v': v.tolist(), 'rt': e.runtime_name,"
        " 'heavy': sorted(m for m in ('torch', 'transformers', 'sentence_transformers') if m in sys.modules)}))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True)
    got = json.loads(out.stdout)
    assert got["rt"] == "onnx"
    assert got["heavy"] == []
    assert float(np.asarray(got["v"]) @ onnx_embedder.embed_query(TEXTS[0])) > 0.9999
    assert path.stat().st_mtime_ns == mtime  # reused, not exported again
    assert not list(path.parent.glob(".export-*"))  # no temp leftovers


def test_fits_counts_the_models_own_tokens(onnx_embedder):
    assert onnx_embedder.counter.count("") == 2  # [CLS] [SEP]
    assert onnx_embedder.fits(TEXTS[0])
    assert not onnx_embedder.fits(TEXTS[3])
    assert onnx_embedder.fits("word " * 254) and not onnx_embedder.fits("word " * 255)


def test_empty_input_gives_an_empty_matrix(onnx_embedder):
    assert onnx_embedder.embed_documents([]).shape == (0, 384)


def test_a_failed_export_is_remembered_and_auto_falls_back_to_torch(tmp_path):
    cache = tmp_path / "cache"
    path = onnx_path(local_model_dir(), cache)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.with_suffix(".failed").write_text("ONNX export of the embedding model differs from PyTorch")
    with pytest.raises(QAError, match="failed before"):
        LocalEmbedder(cache_dir=cache, runtime="onnx").embed_query("x")
    auto = LocalEmbedder(cache_dir=cache, runtime="auto")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        vec = auto.embed_query(TEXTS[0])
    assert auto.runtime_name == "torch"
    assert any("PyTorch embedder" in str(w.message) for w in caught)
    assert vec.shape == (384,)
    assert not path.exists()


def test_unknown_runtime_is_a_clear_error(session_cache):
    with pytest.raises(QAError, match="unknown embedding runtime"):
        LocalEmbedder(cache_dir=session_cache, runtime="tpu")
