"""Settings: defaults < QA_ env vars < CLI flags; the collection name follows model and chunking."""

import pytest

from qa.config import load_settings
from qa.errors import InputError


def test_env_then_flags(monkeypatch, tmp_path):
    monkeypatch.setenv("QA_CHUNK_SIZE", "200")
    monkeypatch.setenv("QA_TOP_K", "9")
    s = load_settings()
    assert s.chunking.size == 200 and s.retrieval.top_k == 9
    s2 = load_settings(chunk_size=120, index_dir=tmp_path)
    assert s2.chunking.size == 120 and s2.retrieval.top_k == 9 and s2.index.index_dir == tmp_path


def test_collection_name_changes_with_model_or_chunking():
    a = load_settings()
    assert a.collection_name == load_settings().collection_name
    assert a.collection_name != load_settings(chunk_size=a.chunking.size + 1).collection_name
    assert a.collection_name != load_settings(chunk_overlap=a.chunking.overlap + 1).collection_name
    assert a.collection_name != load_settings(embedding_model="another/model").collection_name


def test_llm_fallbacks_and_extractive_switch(monkeypatch):
    assert not load_settings().use_llm
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    s = load_settings()
    assert s.llm.base_url == "http://127.0.0.1:9/v1" and s.use_llm
    assert not load_settings(extractive=True).use_llm
    monkeypatch.setenv("QA_LLM_BASE_URL", "http://127.0.0.1:10/v1")
    assert load_settings().llm.base_url == "http://127.0.0.1:10/v1"


@pytest.mark.parametrize("env, value", [
    ("QA_CHUNK_SIZE", "ten"), ("QA_CHUNK_OVERLAP", "5000"), ("QA_EMBEDDING_BACKEND", "magic"),
    # a timeout of infinity would fail later, on every call, as an overflow; an empty model name
    # would be sent to the server as ""
    ("QA_LLM_TIMEOUT", "inf"), ("QA_LLM_TIMEOUT", "1e400"), ("QA_CHROMA_TIMEOUT", "nan"),
    ("QA_LLM_MAX_RETRY_AFTER", "inf"), ("QA_LLM_MODEL", ""),
])
def test_bad_values_are_input_errors(monkeypatch, env, value):
    monkeypatch.setenv(env, value)
    with pytest.raises(InputError):
        load_settings()


def test_every_field_is_documented():
    from qa.config import Settings

    groups = Settings.model_fields
    assert set(groups) == {"index", "chunking", "embedding", "retrieval", "llm", "ingest"}
    for group in groups.values():
        assert group.description
        assert all(f.description for f in group.annotation.model_fields.values())


def test_flags_beat_environment_and_unknown_names_are_refused(monkeypatch):
    monkeypatch.setenv("QA_LLM_MODEL", "from-env")
    monkeypatch.setenv("QA_EXTRACTIVE", "1")
    s = load_settings(llm_model="from-flag")
    assert s.llm.model == "from-flag" and s.llm.extractive
    with pytest.raises(TypeError):
        load_settings(chunk_sise=10)


def test_a_flag_replaces_an_unusable_variable_before_it_is_read(monkeypatch):
    monkeypatch.setenv("QA_TOP_K", "abc")
    monkeypatch.setenv("QA_LLM_TIMEOUT", "-1")
    s = load_settings(top_k=7, llm_timeout=5)
    assert s.retrieval.top_k == 7 and s.llm.timeout == 5
    with pytest.raises(InputError, match="QA_TOP_K"):  # without the flag the variable still counts
        load_settings(llm_timeout=5)


def test_bad_value_names_its_variable(monkeypatch):
    monkeypatch.setenv("QA_CHUNK_SIZE", "ten")
    with pytest.raises(InputError, match="QA_CHUNK_SIZE"):
        load_settings()


def test_switching_backend_by_flag_takes_that_backends_default_model():
    s = load_settings(embedding_backend="openai")
    assert s.embedding.model == "text-embedding-3-small"
    assert load_settings(embedding_backend="openai", embedding_model="m").embedding.model == "m"
