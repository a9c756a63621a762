"""The storage package's pure parts: Chroma URLs, where the writers' lock lives, the embedding
model a setting selects, and the local model's batching arithmetic. No model, no index."""

from __future__ import annotations

import numpy as np
import pytest

from qa.config import LOCAL_MODEL, OPENAI_EMBEDDING_MODEL, load_settings
from qa.errors import InputError
from qa.storage.chroma import parse_chroma_url, where_location
from qa.storage.embedders import model_name_for, normalise
from qa.storage.local_model import length_batches, pad
from qa.storage.locks import lock_path


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://127.0.0.1:8000", ("127.0.0.1", 8000, False)),
        ("http://chroma.example:9000/", ("chroma.example", 9000, False)),
        ("  https://chroma.example  ", ("chroma.example", 443, True)),
        ("http://chroma.example", ("chroma.example", 8000, False)),
    ],
)
def test_a_chroma_url_gives_host_port_and_tls(url, expected):
    assert parse_chroma_url(url) == expected


@pytest.mark.parametrize(
    "url", ["localhost:8000", "ftp://host:21", "http://:8000", "http://host:99999", "http://host:8000/api"]
)
def test_anything_but_http_host_port_is_refused(url):
    with pytest.raises(InputError, match="invalid Chroma URL"):
        parse_chroma_url(url)


def test_the_write_lock_is_per_server_not_per_spelling(settings):
    a = lock_path(settings.with_overrides(chroma_url="http://LOCALHOST:8000"))
    b = lock_path(settings.with_overrides(chroma_url="http://localhost:8000/"))
    c = lock_path(settings.with_overrides(chroma_url="http://localhost:8001"))
    assert a == b != c
    assert a.is_relative_to(settings.index.cache_dir)
    with pytest.raises(InputError, match="invalid Chroma URL"):
        lock_path(settings.with_overrides(chroma_url="localhost:8000"))


def test_the_embedded_index_keeps_its_lock_beside_it(settings):
    assert lock_path(settings).parent == settings.index.index_dir
    assert where_location(settings) == str(settings.index.index_dir)
    assert where_location(settings.with_overrides(chroma_url="http://h:1")) == "http://h:1"


def test_the_model_name_comes_from_the_settings_alone(settings, monkeypatch):
    assert model_name_for(settings) == LOCAL_MODEL
    monkeypatch.setenv("QA_EMBEDDING_BACKEND", "openai")
    assert model_name_for(load_settings()) == OPENAI_EMBEDDING_MODEL
    assert model_name_for(load_settings(embedding_model="text-embedding-3-large")) == "text-embedding-3-large"


def test_length_batches_cover_every_text_once_within_rows_and_budget():
    seqs = [[1] * n for n in (5, 300, 7, 7, 120, 2, 256, 40)]
    batches = length_batches(seqs, max_rows=3, budget=512)
    assert sorted(i for b in batches for i in b) == list(range(len(seqs)))
    flat = [len(seqs[i]) for b in batches for i in b]
    assert flat == sorted(flat)  # similar lengths together: little padding
    for b in batches:
        assert len(b) <= 3
        assert len(b) == 1 or len(b) * max(len(seqs[i]) for i in b) <= 512


def test_pad_right_pads_ids_and_masks_the_padding():
    ids, mask = pad([[101, 7, 102], [101, 102]])
    assert ids.dtype == mask.dtype == np.int64
    assert ids.tolist() == [[101, 7, 102], [101, 102, 0]]
    assert mask.tolist() == [[1, 1, 1], [1, 1, 0]]


def test_normalise_gives_unit_float32_rows_and_keeps_a_zero_row_finite():
    out = normalise(np.array([[3.0, 4.0], [0.0, 0.0]]))
    assert out.dtype == np.float32
    assert np.allclose(out, [[0.6, 0.8], [0.0, 0.0]])


def test_the_local_backend_refuses_a_model_it_does_not_have(settings):
    from qa.storage.embedders import get_embedder

    other = load_settings(embedding_model="BAAI/bge-small-en-v1.5")
    for call in (model_name_for, get_embedder):
        with pytest.raises(InputError, match=r"only the bundled model .*not 'BAAI/bge-small-en-v1.5'"):
            call(other)
    assert model_name_for(load_settings(embedding_model=LOCAL_MODEL)) == LOCAL_MODEL
    switched = load_settings(embedding_backend="openai", embedding_model="BAAI/bge-small-en-v1.5")
    assert model_name_for(switched) == "BAAI/bge-small-en-v1.5"
