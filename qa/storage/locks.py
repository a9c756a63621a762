"""The writers' lock of an index: ingest and remove run one at a time; readers never wait."""

from __future__ import annotations

import hashlib
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from qa.storage.chroma import parse_chroma_url

if TYPE_CHECKING:
    from qa.config import Settings


def lock_path(settings: Settings) -> Path:
    """Where the writers' lock lives: beside the embedded index, or per server in the cache."""
    if settings.index.chroma_url:
        host, port, ssl = parse_chroma_url(settings.index.chroma_url)
        key = f"{'https' if ssl else 'http'}://{host.lower()}:{port}|{settings.collection_name}"
        digest = hashlib.sha256(key.encode()).hexdigest()[:12]
        return Path(settings.index.cache_dir) / "locks" / f"chroma-{digest}.lock"
    return Path(settings.index.index_dir) / ".qa-write.lock"


@contextmanager
def write_lock(settings: Settings, on_wait=None):
    """Serialise writers (ingest, remove) on one index; readers are not blocked.

    Server mode takes a local file lock keyed by the server and collection, which serialises the
    writers of one machine. There is deliberately no lock record inside the server: Chroma has
    no atomic create-if-absent or compare-and-swap, so such a record could not exclude a second
    writer and would only add stale locks after a crash. Writers on different machines stay
    safe because every write is idempotent and content-addressed (chunk ids derive from the
    article's content hash, one upsert per group of whole documents, old versions deleted only
    after the new ones are in); the worst a race leaves is an extra old version of an article
    that two machines re-ingested at once, which the next ingest of that source removes.
    """
    from filelock import FileLock, Timeout

    path = lock_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(path))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        if on_wait is not None:
            on_wait(path)
        lock.acquire()
    try:
        yield
    finally:
        lock.release()
