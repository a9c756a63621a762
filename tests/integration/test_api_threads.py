"""qa.api called from several threads of one process, as a notebook or a server would call it.

The first open of an embedded index in a process is the racy moment (chromadb builds its shared
per-folder system unlocked), so that test runs in a fresh subprocess and opens several copies of
one real index, each for the first time, from threads released together by a barrier."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from tests.conftest import copy_seeds

QUESTION = "How long will the joint China-Belarus exercise last?"

_SCRIPT = r"""
import json, sys, threading
from qa import api
from qa.config import load_settings

dirs, question, n = json.loads(sys.argv[1]), sys.argv[2], 6

def together(fn):
    barrier, out = threading.Barrier(n), [None] * n
    def job(i):
        barrier.wait()
        try:
            out[i] = fn()
        except Exception as exc:
            out[i] = f"EXC {type(exc).__name__}: {str(exc)[:200]}"
    threads = [threading.Thread(target=job, args=(i,)) for i in range(n)]
    for t in threads: t.start()
    for t in threads: t.join()
    return out

def sources(s):
    return sorted(json.dumps(x.to_dict(), sort_keys=True) for x in api.list_sources(s))

def ask(s):
    a = api.ask(question, s)
    return [a.answer, a.abstained, [c.source for c in a.citations]]

opens = [together(lambda s=load_settings(index_dir=d): sources(s)) for d in dirs]
asks = together(lambda s=load_settings(index_dir=dirs[0], extractive=True): ask(s))
print(json.dumps({"opens": opens, "asks": asks}))
"""


def test_threads_opening_and_reading_one_index_together_all_succeed(tmp_path):
    from qa import api
    from qa.config import load_settings

    first = tmp_path / "index-0"
    settings = load_settings(index_dir=first, extractive=True)
    assert len(api.ingest([copy_seeds(tmp_path / "docs")], settings).added) == 2
    expected_sources = sorted(json.dumps(x.to_dict(), sort_keys=True) for x in api.list_sources(settings))
    answer = api.ask(QUESTION, settings)
    expected_answer = [answer.answer, answer.abstained, [c.source for c in answer.citations]]
    dirs = [first]  # copies of the same index: each is a first open for the subprocess
    for i in range(1, 4):
        dirs.append(tmp_path / f"index-{i}")
        shutil.copytree(first, dirs[-1], ignore=shutil.ignore_patterns(".qa-write.lock"))

    proc = subprocess.run(
        [sys.executable, "-c", _SCRIPT, json.dumps([str(d) for d in dirs]), QUESTION],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    failed = [r for rows in got["opens"] for r in rows if isinstance(r, str)]
    assert failed == [], failed
    assert all(r == expected_sources for rows in got["opens"] for r in rows)
    assert got["asks"] == [expected_answer] * len(got["asks"])


class _Lookup:
    """Vectors of the real local model, computed once up front: the threads then spend their time
    in the cache (where the race is), not in the model."""

    def __init__(self, model_name: str, table: dict[str, np.ndarray]) -> None:
        self.model_name, self.dim, self.table = model_name, 384, table

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        return np.stack([self.table[t] for t in texts])


def test_vector_cache_cleared_at_its_limit_by_one_thread_never_fails_another(settings, monkeypatch):
    import qa.storage.embedders as emb

    real = emb.get_embedder(settings)
    words = [f"word {i} of the thread test" for i in range(240)]
    reference = real.embed_documents(words)
    embedder = _Lookup(real.model_name, dict(zip(words, reference, strict=True)))
    monkeypatch.setattr(emb, "_CACHE_LIMIT", 40)  # nearly every call starts the cache over
    monkeypatch.setattr(emb, "_VECTOR_CACHE", {})
    errors: list[str] = []
    lock = threading.Lock()

    def job(worker: int) -> None:
        for step in range(2000):
            start = (worker * 37 + step * 11) % (len(words) - 30)
            try:
                rows = emb.cached_vectors(embedder, words[start : start + 30])
                assert np.array_equal(rows, reference[start : start + 30])
            except Exception as exc:  # noqa: BLE001 - collected and asserted below
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}")

    old_interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible: the race shows in a second
    try:
        with ThreadPoolExecutor(6) as pool:
            list(pool.map(job, range(6)))
    finally:
        sys.setswitchinterval(old_interval)
    assert errors == [], (len(errors), errors[:3])
