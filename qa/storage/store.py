"""The one module that talks to chromadb: client from settings, collection checks, chunk records.

``path`` -> embedded ``PersistentClient``; ``QA_CHROMA_URL`` -> ``HttpClient``. Embeddings are
always computed by the project's embedder and passed in: Chroma's default embedding function
(which downloads a model) is never used.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from qa.errors import EmbeddingMismatchError, IndexMissingError, InputError, StoreUnavailableError
from qa.models import Chunk, Document, SourceInfo, StoredChunk

if TYPE_CHECKING:
    import numpy as np

    from qa.config import Settings

SCHEMA_VERSION = 1
_PAGE = 5000


def _client(settings: Settings, create: bool):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.index.chroma_url:
        host, port, ssl = parse_chroma_url(settings.index.chroma_url)
        try:
            _probe(host, port, ssl)  # chromadb's own first requests would wait forever on a hung server
            client = chromadb.HttpClient(host=host, port=port, ssl=ssl, settings=chroma_settings)
            _set_http_timeout(client)
            client.heartbeat()
        except Exception as exc:  # chromadb raises several types for a dead server
            raise StoreUnavailableError(
                f"cannot reach the Chroma server at {settings.index.chroma_url}: {_first_line(exc)}"
            ) from None
        return _Guarded(client, settings.index.chroma_url)
    path = Path(settings.index.index_dir)
    if not create and not (path / "chroma.sqlite3").exists():
        raise IndexMissingError(f"no index at {path}: run 'qa ingest PATH' first")
    if path.exists() and not path.is_dir():
        raise InputError(f"index path {path} is a file, not a folder")
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings)


def parse_chroma_url(value: str) -> tuple[str, int, bool]:
    """(host, port, ssl) of ``http[s]://host[:port]``; raises ``InputError`` on anything else."""
    url = urlparse(value.strip())
    try:
        port = url.port
    except ValueError:
        port = -1
    if url.scheme not in ("http", "https") or not url.hostname or port == -1 or url.path not in ("", "/"):
        raise InputError(f"invalid Chroma URL {value!r}: expected http://host:port")
    return url.hostname, port or (443 if url.scheme == "https" else 8000), url.scheme == "https"


# chromadb's HTTP client waits forever by default; a hung server should fail, not hang qa.
HTTP_CONNECT_TIMEOUT = 10.0
HTTP_READ_TIMEOUT = 300.0


def _probe(host: str, port: int, ssl: bool) -> None:
    """One heartbeat with a timeout; raises on no answer or a non-Chroma answer."""
    import httpx

    url = f"{'https' if ssl else 'http'}://{host}:{port}/api/v2/heartbeat"
    resp = httpx.get(url, timeout=httpx.Timeout(HTTP_CONNECT_TIMEOUT))
    if resp.status_code != 200 or "heartbeat" not in resp.text:
        raise ConnectionError(f"HTTP {resp.status_code} from {url}: not a Chroma 1.x server")


def _set_http_timeout(client) -> None:
    try:
        import httpx

        client._server._session.timeout = httpx.Timeout(HTTP_READ_TIMEOUT, connect=HTTP_CONNECT_TIMEOUT)
    except AttributeError:  # another chromadb layout: keep its default
        pass


def _connection_error(exc: BaseException) -> bool:
    import httpx

    if isinstance(exc, httpx.TransportError | ConnectionError | TimeoutError):
        return True
    return "could not connect to a chroma server" in str(exc).lower()


class _Guarded:
    """A chromadb HTTP client or collection whose connection failures become one-line
    ``StoreUnavailableError``s. Whatever was written before the failure stays consistent: each
    document's chunks go in one upsert, and old versions are deleted only after new ones are in."""

    def __init__(self, target, url: str) -> None:
        self._target = target
        self._url = url

    def __getattr__(self, name: str):
        attr = getattr(self._target, name)
        if not callable(attr):
            return attr

        def call(*args, **kwargs):
            try:
                result = attr(*args, **kwargs)
            except Exception as exc:
                if _connection_error(exc):
                    raise StoreUnavailableError(
                        f"lost the Chroma server at {self._url} ({type(exc).__name__}: {_first_line(exc)}); "
                        "run the command again when it is back (ingest resumes where it stopped)"
                    ) from None
                raise
            if hasattr(result, "upsert") and hasattr(result, "query"):  # a Collection
                return _Guarded(result, self._url)
            return result

        return call


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def where_location(settings: Settings) -> str:
    return settings.index.chroma_url or str(settings.index.index_dir)


class ChunkStore:
    """Chunks of one index (one Chroma collection named after the embedding model and chunking)."""

    def __init__(self, settings: Settings, model_name: str, *, create: bool = False) -> None:
        self.settings = settings
        self.model_name = model_name
        self.client = _client(settings, create)
        self.name = settings.collection_name
        self._batch_limit: int | None = None
        try:
            self.collection = self._open(create)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """Release server mode's HTTP connections (embedded mode holds none)."""
        session = getattr(getattr(getattr(self.client, "_target", None), "_server", None), "_session", None)
        if session is not None:
            session.close()

    # ------------------------------------------------------------------ opening
    def _expected_metadata(self) -> dict[str, Any]:
        return {
            "embedding_model": self.model_name,
            "embedding_backend": self.settings.embedding.backend,
            "chunk_size": self.settings.chunking.size,
            "chunk_overlap": self.settings.chunking.overlap,
            "qa_schema": SCHEMA_VERSION,
            "revision": 0,
        }

    def _open(self, create: bool):
        existing = {c.name if hasattr(c, "name") else str(c) for c in self.client.list_collections()}
        if self.name in existing:
            collection = self.client.get_collection(self.name, embedding_function=None)
            self._check_model(collection.metadata or {})
            return collection
        if not create:
            ours = sorted(n for n in existing if n.startswith(self.settings.index.collection_prefix + "-"))
            if ours:
                other = self.client.get_collection(ours[0], embedding_function=None).metadata or {}
                raise EmbeddingMismatchError(
                    f"the index at {where_location(self.settings)} was built with embedding model "
                    f"{other.get('embedding_model')!r} and chunks {other.get('chunk_size')}/"
                    f"{other.get('chunk_overlap')}, but the settings ask for {self.model_name!r} and "
                    f"{self.settings.chunking.size}/{self.settings.chunking.overlap}: re-ingest with these "
                    "settings or change them back"
                )
            raise IndexMissingError(
                f"the index at {where_location(self.settings)} is empty: run 'qa ingest PATH' first"
            )
        return self.client.create_collection(
            self.name,
            embedding_function=None,
            configuration={"hnsw": {"space": "cosine"}},
            metadata=self._expected_metadata(),
        )

    def _check_model(self, metadata: dict) -> None:
        recorded = metadata.get("embedding_model")
        if recorded != self.model_name:
            raise EmbeddingMismatchError(
                f"collection {self.name} was built with embedding model {recorded!r}, not "
                f"{self.model_name!r}: its vectors are not comparable; re-ingest into a new index"
            )

    # ------------------------------------------------------------------ reading
    def count(self) -> int:
        return self.collection.count()

    @property
    def revision(self) -> int:
        """Bumped by every write, so caches built from the chunks (BM25) know when they are stale."""
        return int((self.collection.metadata or {}).get("revision", 0))

    def bump_revision(self) -> None:
        meta = dict(self.collection.metadata or {})
        meta["revision"] = int(meta.get("revision", 0)) + 1
        self.collection.modify(metadata=meta)

    def iter_records(self, *, documents: bool = False, where: dict | None = None) -> Iterator[tuple[str, dict, str | None]]:
        """(id, metadata, text) of every chunk, page by page."""
        include = ["metadatas", "documents"] if documents else ["metadatas"]
        offset = 0
        while True:
            page = self.collection.get(include=include, limit=_PAGE, offset=offset, where=where)
            ids = page["ids"]
            if not ids:
                return
            docs = page.get("documents") or [None] * len(ids)
            yield from zip(ids, page["metadatas"], docs, strict=True)
            if len(ids) < _PAGE:
                return
            offset += len(ids)

    def all_chunks(self, where: dict | None = None) -> list[StoredChunk]:
        return [to_stored(i, m, d or "") for i, m, d in self.iter_records(documents=True, where=where)]

    def get_chunks(self, ids: list[str]) -> list[StoredChunk]:
        if not ids:
            return []
        page = self.collection.get(ids=ids, include=["metadatas", "documents"])
        by_id = {i: to_stored(i, m, d) for i, m, d in zip(page["ids"], page["metadatas"], page["documents"], strict=True)}
        return [by_id[i] for i in ids if i in by_id]

    def get_embeddings(self, ids: list[str]) -> dict[str, np.ndarray]:
        """The stored vectors of ``ids`` (those that exist), as float32 arrays."""
        if not ids:
            return {}
        import numpy as np

        page = self.collection.get(ids=ids, include=["embeddings"])
        return {i: np.asarray(e, dtype=np.float32) for i, e in zip(page["ids"], page["embeddings"], strict=True)}

    def query(self, embedding: np.ndarray, k: int, where: dict | None = None) -> list[StoredChunk]:
        if k <= 0:
            return []
        # No count() first: Chroma 1.x returns fewer hits (or none) when the collection is
        # smaller than k, and one call less matters on a server.
        res = self.collection.query(
            query_embeddings=[embedding.tolist()],
            n_results=k,
            where=where,
            include=["metadatas", "documents", "distances"],
        )
        out = []
        for i, m, d, dist in zip(res["ids"][0], res["metadatas"][0], res["documents"][0], res["distances"][0], strict=True):
            chunk = to_stored(i, m, d)
            chunk.score = 1.0 - float(dist)
            out.append(chunk)
        return out

    def key_state(self) -> dict[str, dict[str, int]]:
        """source_key -> {doc_id: chunks present}, and the expected chunk count per doc_id."""
        state: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for _id, meta, _ in self.iter_records():
            state[meta["source_key"]][meta["doc_id"]] += 1
        return state

    def doc_index(self) -> dict[str, tuple[str, int, int]]:
        """doc_id -> (source_key, chunks present, chunks expected)."""
        found: dict[str, list] = {}
        for _id, meta, _ in self.iter_records():
            entry = found.setdefault(meta["doc_id"], [meta["source_key"], 0, int(meta.get("n_chunks", 0))])
            entry[1] += 1
        return {k: (v[0], v[1], v[2]) for k, v in found.items()}

    def sources(self) -> list[SourceInfo]:
        docs: dict[str, SourceInfo] = {}
        for _id, meta, _ in self.iter_records():
            info = docs.get(meta["doc_id"])
            if info is None:
                docs[meta["doc_id"]] = SourceInfo(
                    doc_id=meta["doc_id"],
                    title=meta.get("title", ""),
                    source=meta.get("source", ""),
                    path=meta.get("path", ""),
                    date=meta.get("date") or None,
                    chunks=1,
                    source_key=meta.get("source_key", ""),
                )
            else:
                info.chunks += 1
        return sorted(docs.values(), key=lambda s: (s.source, s.doc_id))

    # ------------------------------------------------------------------ writing
    def write_document(self, doc: Document, chunks: list[Chunk], embeddings: np.ndarray) -> None:
        """All chunks of one document in one upsert, so a crash leaves it whole or detectably partial."""
        self.write_documents([(doc, chunks, embeddings)])

    def write_documents(self, items: list[tuple[Document, list[Chunk], np.ndarray]]) -> None:
        """Several documents in as few upserts as Chroma's batch limit allows (each call costs
        tens of milliseconds whatever its size); a document is never split across two calls
        unless it alone exceeds the limit."""
        limit = self._max_batch()
        batch: list[tuple[Document, Chunk, list[float], int]] = []
        for doc, chunks, embeddings in items:
            if batch and len(batch) + len(chunks) > limit:
                self._upsert(batch)
                batch = []
            for chunk, row in zip(chunks, embeddings.tolist(), strict=True):
                batch.append((doc, chunk, row, len(chunks)))
                if len(batch) >= limit:  # only a document larger than the limit gets here
                    self._upsert(batch)
                    batch = []
        if batch:
            self._upsert(batch)

    def _upsert(self, batch: list[tuple[Document, Chunk, list[float], int]]) -> None:
        self.collection.upsert(
            ids=[c.chunk_id for _d, c, _r, _n in batch],
            embeddings=[r for _d, _c, r, _n in batch],
            documents=[c.text for _d, c, _r, _n in batch],
            metadatas=[chunk_metadata(d, c, n) for d, c, _r, n in batch],
        )

    def _max_batch(self) -> int:
        if self._batch_limit is None:
            try:
                self._batch_limit = max(1, int(self.client.get_max_batch_size()))
            except Exception:  # noqa: BLE001 - older servers: a safe default
                self._batch_limit = 1000
        return self._batch_limit

    def delete_ids(self, ids: Iterable[str]) -> int:
        ids = list(ids)
        for start in range(0, len(ids), _PAGE):
            self.collection.delete(ids=ids[start : start + _PAGE])
        return len(ids)

    def ids_where(self, where: dict) -> list[str]:
        return [i for i, _m, _d in self.iter_records(where=where)]


def chunk_metadata(doc: Document, chunk: Chunk, n_chunks: int) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "doc_id": doc.doc_id,
        "source": doc.source,
        "source_key": doc.source_key,
        "path": str(doc.path.resolve()),
        "title": doc.title,
        "chunk_index": chunk.index,
        "n_chunks": n_chunks,
        "char_start": chunk.char_start,
        "char_end": chunk.char_end,
        "n_tokens": chunk.n_tokens,
    }
    if doc.date:
        meta["date"] = doc.date
        meta["date_ord"] = int(doc.date.replace("-", ""))  # numeric, for $gte/$lte filters
    if doc.publisher:
        meta["publisher"] = doc.publisher
    if doc.url:
        meta["url"] = doc.url
    return meta


def to_stored(chunk_id: str, meta: dict, text: str) -> StoredChunk:
    return StoredChunk(
        chunk_id=chunk_id,
        doc_id=meta.get("doc_id", ""),
        text=text,
        source=meta.get("source", ""),
        title=meta.get("title", ""),
        path=meta.get("path", ""),
        index=int(meta.get("chunk_index", 0)),
        char_start=int(meta.get("char_start", 0)),
        char_end=int(meta.get("char_end", 0)),
        date=meta.get("date") or None,
    )


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


def open_store(settings: Settings) -> ChunkStore:
    """Open the existing index for reading; fails clearly when missing or built with another model."""
    from qa.storage.embed import model_name_for

    return ChunkStore(settings, model_name_for(settings), create=False)
