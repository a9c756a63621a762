"""The shape of a chunk's metadata in the index: the document's labels (who holds the text, its
title and dates), which every chunk of a document carries alike, and the chunk's own place.

A document's labels can change while its text, and so its chunks and vectors, stay: a renamed
file, a JSONL record whose line moved or whose title or date was corrected. Such a change is a
relabel (``ChunkStore.relabel_document``), and ``DOC_FIELDS`` is what it rewrites.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from qa.models import Chunk, Document, StoredChunk
from qa.text.dates import day_ord, parse_period

# Every document-level field a chunk's metadata may hold; a relabel sets each (None removes one
# the document no longer has, e.g. a date corrected from "2014" to "2014-03-02").
DOC_FIELDS = (
    "source", "source_key", "path", "title", "date", "date_ord",
    "date_period", "period_first_ord", "period_last_ord", "publisher", "url",
)


@dataclass
class DocEntry:
    """One indexed document, as ingest needs to know it."""

    source_key: str
    present: int  # chunks in the index
    expected: int  # chunks it was written with (fewer present: an interrupted write)
    labels: dict[str, Any] = field(default_factory=dict)  # its DOC_FIELDS, as stored

    @property
    def complete(self) -> bool:
        return self.present == self.expected


def document_labels(doc: Document) -> dict[str, Any]:
    """The document-level metadata of ``doc``'s chunks (only the fields it has)."""
    labels: dict[str, Any] = {
        "source": doc.source,
        "source_key": doc.source_key,
        "path": str(doc.path.resolve()),
        "title": doc.title,
    }
    if doc.date:
        labels["date"] = doc.date
        labels["date_ord"] = int(doc.date.replace("-", ""))  # numeric, for $gte/$lte filters
    elif doc.date_period:
        _label, first, last = parse_period(doc.date_period)
        labels["date_period"] = doc.date_period
        labels["period_first_ord"], labels["period_last_ord"] = day_ord(first), day_ord(last)
    if doc.publisher:
        labels["publisher"] = doc.publisher
    if doc.url:
        labels["url"] = doc.url
    return labels


def stored_labels(meta: dict[str, Any]) -> dict[str, Any]:
    """The document-level part of one chunk's stored metadata."""
    return {k: meta[k] for k in DOC_FIELDS if meta.get(k) is not None}


def chunk_metadata(doc: Document, chunk: Chunk, n_chunks: int) -> dict[str, Any]:
    return {
        "doc_id": doc.doc_id,
        **document_labels(doc),
        "chunk_index": chunk.index,
        "n_chunks": n_chunks,
        "char_start": chunk.char_start,
        "char_end": chunk.char_end,
        "n_tokens": chunk.n_tokens,
    }


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
        date_period=meta.get("date_period") or None,
    )
