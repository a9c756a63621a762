"""The OpenAI embedding backend over real HTTP: `qa ingest` and `qa ask` with
QA_EMBEDDING_BACKEND=openai against the scripted server's /v1/embeddings, through the real
openai client (which asks for base64 vectors by default)."""

from __future__ import annotations

import json

from tests.conftest import SEEDS, run_main
from tests.fake_openai import EMBEDDING_DIM, FakeOpenAI
from tests.integration.llm.scripts import model


def test_ingest_and_ask_with_openai_embeddings(tmp_path, monkeypatch, capsys):
    with FakeOpenAI() as srv:
        monkeypatch.setenv("QA_INDEX_DIR", str(tmp_path / "index"))
        monkeypatch.setenv("QA_EMBEDDING_BACKEND", "openai")
        monkeypatch.setenv("QA_EMBEDDING_MODEL", "fake-embed")
        monkeypatch.setenv("QA_LLM_BASE_URL", srv.base_url)
        code, out, err = run_main(capsys, "ingest", str(SEEDS), "--json")
        assert code == 0, err
        assert json.loads(out)["added"]
        calls = srv.embedding_requests
        assert calls and all(r.body["model"] == "fake-embed" for r in calls) and srv.rejected == []

        srv.push(model)
        code, out, err = run_main(capsys, "ask", "How long will the China-Belarus exercise last?", "--json")
        assert code == 0, err
        data = json.loads(out)
        assert not data["abstained"] and data["citations"][0]["source"] == "000_52ce17c5f8e0b379.txt"
        assert len(srv.embedding_requests) > len(calls)  # the question was embedded by the server too
        assert srv.rejected == []

        # the offline answerer scores sentences with the same remote embedder (its learned weights
        # are fitted on MiniLM similarities, so with this fake model it may well abstain; either way
        # it answers with a calibrated confidence and never crashes)
        before = len(srv.embedding_requests)
        code, out, err = run_main(capsys, "ask", "How long will the China-Belarus exercise last?", "--json", "--extractive")
        assert code == 0, err
        data = json.loads(out)
        assert data["mode"] == "extractive" and 0.0 <= data["confidence"] <= 1.0
        assert data["citations"] or (data["abstained"] and data["reason"])
        assert len(srv.embedding_requests) > before and srv.rejected == []


def test_an_embedding_failure_is_one_line(tmp_path, monkeypatch, capsys):
    with FakeOpenAI() as srv:
        monkeypatch.setenv("QA_INDEX_DIR", str(tmp_path / "index"))
        monkeypatch.setenv("QA_EMBEDDING_BACKEND", "openai")
        monkeypatch.setenv("QA_LLM_BASE_URL", srv.base_url.replace("/v1", "/nowhere"))
        monkeypatch.setenv("QA_LLM_MAX_RETRIES", "0")
        code, _, err = run_main(capsys, "ingest", str(SEEDS))
        assert code != 0 and "embedding with 'text-embedding-3-small' failed" in err and "404" in err
        assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_fake_vectors_are_deterministic_and_shaped():
    from tests.fake_openai import fake_vector

    assert fake_vector("Brest drills") == fake_vector("Brest drills") and len(fake_vector("x")) == EMBEDDING_DIM


def test_a_trickling_embeddings_server_stops_at_the_timeout(tmp_path, monkeypatch, capsys):
    import time

    with FakeOpenAI() as srv:
        srv.embedding_drip = 0.01  # each vector reply (kBs) one byte every 10 ms: minutes, each read in time
        monkeypatch.setenv("QA_INDEX_DIR", str(tmp_path / "index"))
        monkeypatch.setenv("QA_EMBEDDING_BACKEND", "openai")
        monkeypatch.setenv("QA_LLM_BASE_URL", srv.base_url)
        monkeypatch.setenv("QA_LLM_TIMEOUT", "1")
        monkeypatch.setenv("QA_LLM_MAX_RETRIES", "0")
        started = time.perf_counter()
        code, out, err = run_main(capsys, "ingest", str(SEEDS))
        assert time.perf_counter() - started < 15
        assert code != 0 and "took longer than 1 s" in err and len(err.strip().splitlines()) == 1
