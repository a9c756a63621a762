"""The stemmer under threads: qa.api may be called from several threads at once (a server, a
notebook), and a Snowball stemmer keeps the word being stemmed in its own state."""

from __future__ import annotations

import sys
import threading

from qa.text.terms import stem


def test_threads_stemming_together_get_the_stems_one_thread_gets():
    words = [f"{w}{suffix}" for w in ("exercis", "deploy", "allianc", "particip", "manoeuvr", "station")
             for suffix in ("es", "ing", "ed", "ations", "ers", "ment", "ities", "ively")]
    words = [f"{w}{'x' * n}ings" for w in words for n in range(40)]  # distinct words: no cache hits
    stem.cache_clear()
    expected = {w: stem(w) for w in words}
    stem.cache_clear()
    errors: list[str] = []
    got: dict[str, str] = {}
    barrier = threading.Barrier(8)

    def work(offset: int) -> None:
        barrier.wait()
        for w in words[offset:] + words[:offset]:
            try:
                got[w] = stem(w)
            except Exception as exc:  # the shared stemmer failed with IndexError
                errors.append(repr(exc))
            if got.get(w) != expected[w]:
                errors.append(f"{w}: {got.get(w)} != {expected[w]}")

    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible
    try:
        threads = [threading.Thread(target=work, args=(i * 211,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(old)
        stem.cache_clear()
    assert errors == [], errors[:5]
