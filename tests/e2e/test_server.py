"""Server mode: a real ``chroma run`` on 127.0.0.1, driven through the CLI and the library."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import copy_seeds, run_qa

CHROMA = Path(sys.executable).with_name("chroma")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ChromaServer:
    """``chroma run --path DIR --port N --host 127.0.0.1``, waited for by heartbeat."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = data_dir.with_suffix(".log")
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> ChromaServer:
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [str(CHROMA), "run", "--path", str(self.data_dir), "--port", str(self.port), "--host", "127.0.0.1"],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"chroma run exited with {self.proc.returncode}: {self.log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/api/v2/heartbeat", timeout=2) as resp:
                    if resp.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"chroma run did not answer within {timeout}s: {self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=15)
        self.proc = None


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    # chromadb is a hard dependency, so its server CLI must be there: a failure, not a skip.
    assert CHROMA.exists(), f"{CHROMA} not found (chromadb's server CLI)"
    server = ChromaServer(tmp_path_factory.mktemp("chroma-server") / "data").start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def served_seeds(chroma_server, tmp_path_factory, session_cache):
    """The seeds ingested into the module's server once, through the CLI."""
    seeds = copy_seeds(tmp_path_factory.mktemp("served-seeds"))
    env = {"QA_CACHE_DIR": str(session_cache), "HF_HUB_OFFLINE": "1"}
    first = run_qa("--chroma-url", chroma_server.url, "ingest", str(seeds), "--json", env=env)
    assert first.returncode == 0, first.stderr
    return seeds, json.loads(first.stdout)


def test_ingest_sources_and_reingest_through_the_server(chroma_server, served_seeds, tmp_path):
    seeds, report = served_seeds
    assert report["added"] == 2 and report["chunks_written"] > 0

    listed = run_qa("--chroma-url", chroma_server.url, "sources", "--json")
    assert listed.returncode == 0, listed.stderr
    assert sorted(s["source"] for s in json.loads(listed.stdout)) == sorted(p.name for p in seeds.iterdir())

    # The same command again writes nothing: ids are content hashes, the server already has them.
    again = run_qa("--chroma-url", chroma_server.url, "ingest", str(seeds), "--json")
    assert again.returncode == 0, again.stderr
    data = json.loads(again.stdout)
    assert data["unchanged"] == 2 and data["chunks_written"] == 0 and data["chunks_deleted"] == 0

    # QA_CHROMA_URL works like the flag, and no embedded index was created on the side.
    by_env = run_qa("sources", "--json", env={"QA_CHROMA_URL": chroma_server.url})
    assert by_env.returncode == 0 and json.loads(by_env.stdout) == json.loads(listed.stdout)
    assert not (tmp_path / "index").exists()


def test_retrieval_through_the_server(chroma_server, served_seeds, settings):
    from qa.storage.embedders import get_embedder
    from qa.storage.store import ChunkStore

    s = settings.with_overrides(chroma_url=chroma_server.url)
    embedder = get_embedder(s)
    store = ChunkStore(s, embedder.model_name)
    hits = store.query(embedder.embed_query("Chinese soldiers in Belarus for anti-terror drills"), k=3)
    store.close()
    assert len(hits) == 3
    assert hits[0].source.startswith("000_") and hits[0].score > 0.4
    assert all(h.text and h.path for h in hits)


def test_qa_ask_through_the_server(chroma_server, served_seeds):
    out = run_qa("--chroma-url", chroma_server.url, "ask", "Where did Chinese soldiers land for drills?")
    assert out.returncode == 0, out.stderr
    assert "000_52ce17c5f8e0b379.txt" in out.stdout


def test_date_bounds_filter_through_the_server(chroma_server, served_seeds, tmp_path):
    """--since/--until become a Chroma where clause with $or/$and that the server evaluates: an
    article dated by a day, or only by a span of years, is kept when it falls within the bounds."""
    feed = tmp_path / "dated.jsonl"
    rows = [{"id": "span", "date": "2004-2005", "text": "Marines landed on the beach near Okinawa for the drills."},
            {"id": "day", "date": "2016-05-02", "text": "Marines landed on the beach near Darwin for the exercise."}]
    feed.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    url = ["--chroma-url", chroma_server.url]
    assert run_qa(*url, "ingest", str(feed)).returncode == 0

    def retrieved(*bounds: str) -> set[str]:
        out = run_qa(*url, "ask", "Where did Marines land on the beach?", "--json", *bounds)
        assert out.returncode == 0, out.stderr
        return {r["source"] for r in json.loads(out.stdout)["retrieved"]}

    assert retrieved("--since", "2005-06", "--until", "2010") == {"dated.jsonl#span"}
    assert retrieved("--since", "2016-05-02") == {"dated.jsonl#day"}
    assert retrieved("--until", "2003") == set()

    # A corrected date relabels the record's chunks on the server (the span's fields removed).
    rows[0]["date"] = "2016-05-03"
    feed.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    again = run_qa(*url, "ingest", str(feed), "--json")
    assert again.returncode == 0 and json.loads(again.stdout)["chunks_written"] == 0, again.stderr
    assert retrieved("--since", "2005-06", "--until", "2010") == set()
    assert retrieved("--since", "2016-05-03") == {"dated.jsonl#span"}


def test_the_embedding_model_check_applies_to_the_server(chroma_server, served_seeds, settings):
    from qa.errors import EmbeddingMismatchError
    from qa.storage.store import ChunkStore

    s = settings.with_overrides(chroma_url=chroma_server.url)
    with pytest.raises(EmbeddingMismatchError, match="not comparable"):
        ChunkStore(s, "some-other-model")
    # Other chunking settings name another collection: reading says how the index was built.
    out = run_qa("--chroma-url", chroma_server.url, "sources", env={"QA_CHUNK_SIZE": "200"})
    assert out.returncode != 0
    assert "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1
    assert "built with embedding model" in out.stderr


def test_server_down_is_one_line_and_writes_nothing(tmp_path, session_cache):
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    seeds = copy_seeds(tmp_path / "seeds")
    for args in (("ingest", str(seeds)), ("sources",), ("remove", "x.txt")):
        out = run_qa("--chroma-url", url, *args, timeout=120)
        assert out.returncode != 0, args
        lines = out.stderr.strip().splitlines()
        assert len(lines) == 1, out.stderr
        assert lines[0].startswith(f"qa: error: cannot reach the Chroma server at {url}")
        assert "Traceback" not in out.stderr and out.stdout == ""
    assert not (tmp_path / "index").exists()


def test_losing_the_server_midway_is_a_one_line_error(tmp_path, settings):
    from qa.errors import StoreUnavailableError
    from qa.ingest.pipeline import ingest

    server = ChromaServer(tmp_path / "data").start()
    try:
        s = settings.with_overrides(chroma_url=server.url)
        ingest([copy_seeds(tmp_path / "seeds")], s)
        from qa.storage.store import open_store

        store = open_store(s)
        assert len(store.sources()) == 2
    finally:
        server.stop()
    with pytest.raises(StoreUnavailableError, match="lost the Chroma server") as info:
        store.sources()
    assert "\n" not in str(info.value)
    store.close()




def test_a_server_that_hangs_mid_command_fails_within_chroma_timeout(tmp_path, settings):
    """Issue 13 #7: a server that stopped answering after the connection was made took 300 s to
    fail, and the wait was not a setting. Now QA_CHROMA_TIMEOUT bounds every request."""
    import os
    import signal

    from qa.config import load_settings
    from qa.errors import StoreUnavailableError
    from qa.ingest.pipeline import ingest
    from qa.storage.store import open_store

    assert load_settings().index.chroma_timeout == 30.0  # the default
    server = ChromaServer(tmp_path / "data").start()
    try:
        s = settings.with_overrides(chroma_url=server.url, chroma_timeout=1.5)
        ingest([copy_seeds(tmp_path / "seeds")], s)
        store = open_store(s)
        os.kill(server.proc.pid, signal.SIGSTOP)  # alive and listening, never answering
        try:
            started = time.monotonic()
            with pytest.raises(StoreUnavailableError, match="lost the Chroma server") as info:
                store.sources()
            assert time.monotonic() - started < 10
            assert "\n" not in str(info.value)
            # A new command against the hung server: one line, as soon as the probe times out.
            started = time.monotonic()
            out = run_qa("--chroma-url", server.url, "sources", env={"QA_CHROMA_TIMEOUT": "1.5"})
            assert time.monotonic() - started < 30
            assert out.returncode != 0 and len(out.stderr.strip().splitlines()) == 1, out.stderr
            assert "cannot reach the Chroma server" in out.stderr and "Traceback" not in out.stderr
        finally:
            os.kill(server.proc.pid, signal.SIGCONT)
        store.close()
    finally:
        server.stop()


def test_a_bad_chroma_timeout_is_one_line(tmp_path):
    out = run_qa("sources", env={"QA_CHROMA_TIMEOUT": "0"})
    assert out.returncode == 2 and "chroma_timeout (QA_CHROMA_TIMEOUT)" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
