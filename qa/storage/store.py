"""Chunk records of one index: ChunkStore over a Chroma collection, and ``open_store``.

One collection per embedding model and chunking (``Settings.collection_name``); it records the
model and chunking it was built with, so an index is never read with incomparable vectors.
chromadb itself is reached only through ``qa.storage.chroma``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from qa.errors import EmbeddingMismatchError, IndexMissingError
from qa.models import Chunk, Document, SourceInfo, StoredChunk
from qa.storage.chroma import (
    close_client,
    collection_names,
    connect,
    create_collection,
    get_collection,
    max_batch_size,
    where_location,
)
from qa.storage.records import DOC_FIELDS, DocEntry, chunk_metadata, stored_labels, to_stored

if TYPE_CHECKING:
    import numpy as np

    from qa.config import Settings

SCHEMA_VERSION = 1
_PAGE = 5000


class ChunkStore:
    """Chunks of one index (one Chroma collection named after the embedding model and chunking)."""

    def __init__(self, settings: Settings, model_name: str, *, create: bool = False) -> None:
        self.settings = settings
        self.model_name = model_name
        self.client = connect(settings, create)
        self.name = settings.collection_name
        self._batch_limit: int | None = None
        try:
            self.collection = self._open(create)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """Release server mode's HTTP connections (embedded mode holds none)."""
        close_client(self.client)

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
        existing = collection_names(self.client)
        if self.name in existing:
            collection = get_collection(self.client, self.name)
            self._check_model(collection.metadata or {})
            return collection
        if not create:
            ours = sorted(n for n in existing if n.startswith(self.settings.index.collection_prefix + "-"))
            if ours:
                other = get_collection(self.client, ours[0]).metadata or {}
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
        return create_collection(self.client, self.name, self._expected_metadata())

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
        """Bumped before every write, so caches built from the chunks (BM25) know when they are
        stale. This is the collection object's snapshot, taken when the store was opened."""
        return int((self.collection.metadata or {}).get("revision", 0))

    def current_state(self) -> tuple[int, int, bool]:
        """(revision, count, settled) read from the index now, not from the collection object's
        snapshot, so a long-lived store sees another process's writes. The revision is read
        first: see ``bump_revision`` for why the pair then names one content of the index, unless
        ``settled`` is False (a relabel is under way, or was killed: ``relabel_document``)."""
        try:
            meta = self._metadata_now()
        except Exception:  # noqa: BLE001 - fall back to the snapshot
            meta = dict(self.collection.metadata or {})
        return int(meta.get("revision", 0)), self.count(), not meta.get("relabel_open")

    def bump_revision(self, *, relabel_open: bool = False) -> None:
        """Move the index to a new revision. Every write call (one upsert, one delete) does this
        first, so each revision sees at most one write, and that write changes the count (new ids
        in, existing ids out; rewriting an id rewrites the same content, ids being content hashes;
        a relabel, which keeps the count, is marked open until its second bump: ``relabel_document``).
        So (revision, count) names one content of the index, and a process killed anywhere leaves
        a state no cache was built for: nothing has to be repaired by the next run."""
        meta = self._metadata_now()
        meta["revision"] = int(meta.get("revision", 0)) + 1
        meta["relabel_open"] = relabel_open
        self.collection.modify(metadata=meta)

    def _metadata_now(self) -> dict[str, Any]:
        """The collection's metadata as stored now (another machine may have written since)."""
        return dict(get_collection(self.client, self.name).metadata or {})

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

    def doc_index(self) -> dict[str, DocEntry]:
        """doc_id -> what ingest needs of each indexed document."""
        found: dict[str, DocEntry] = {}
        for _id, meta, _ in self.iter_records():
            entry = found.get(meta["doc_id"])
            if entry is None:
                entry = found[meta["doc_id"]] = DocEntry(meta["source_key"], 0, int(meta.get("n_chunks", 0)), stored_labels(meta))
            elif entry.labels and stored_labels(meta) != entry.labels:
                entry.labels = {}  # chunks labelled apart (a relabel killed between pages): relabel again
            entry.present += 1
        return found

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
                    date_period=meta.get("date_period") or None,
                )
            else:
                info.chunks += 1
        return sorted(docs.values(), key=lambda s: (s.source, s.doc_id))

    # ------------------------------------------------------------------ writing
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
        self.bump_revision()
        self.collection.upsert(
            ids=[c.chunk_id for _d, c, _r, _n in batch],
            embeddings=[r for _d, _c, r, _n in batch],
            documents=[c.text for _d, c, _r, _n in batch],
            metadatas=[chunk_metadata(d, c, n) for d, c, _r, n in batch],
        )

    def _max_batch(self) -> int:
        if self._batch_limit is None:
            self._batch_limit = max_batch_size(self.client)
        return self._batch_limit

    def delete_ids(self, ids: Iterable[str]) -> int:
        ids = list(ids)
        for start in range(0, len(ids), _PAGE):
            self.bump_revision()
            self.collection.delete(ids=ids[start : start + _PAGE])
        return len(ids)

    def relabel_document(self, doc_id: str, labels: dict[str, Any]) -> int:
        """Give a document's chunks new document-level labels (``records.DOC_FIELDS``: a renamed
        file, a JSONL record whose line moved or whose title or date changed): same text and
        vectors. The update keeps the count, which alone cannot tell the two labellings apart,
        so the revision is bumped before it with the relabel marked open and after it with the
        mark cleared; a cache is never kept while the mark is set (``current_state``), and the
        next ingest clears a mark that a killed relabel left (``settle``)."""
        ids = self.ids_where({"doc_id": doc_id})
        if ids:
            self.bump_revision(relabel_open=True)
            update = {k: labels.get(k) for k in DOC_FIELDS}  # None removes a field
            for start in range(0, len(ids), _PAGE):
                page = ids[start : start + _PAGE]
                self.collection.update(ids=page, metadatas=[dict(update) for _ in page])
            self.bump_revision()
        return len(ids)

    def settle(self) -> None:
        """Under the write lock, before writing: a relabel killed half-way left its mark, so no
        cache of the index is kept until a new revision says the labels are settled."""
        if self._metadata_now().get("relabel_open"):
            self.bump_revision()

    def ids_where(self, where: dict) -> list[str]:
        return [i for i, _m, _d in self.iter_records(where=where)]



def open_store(settings: Settings) -> ChunkStore:
    """Open the existing index for reading; fails clearly when missing or built with another model."""
    from qa.storage.embedders import model_name_for

    return ChunkStore(settings, model_name_for(settings), create=False)
