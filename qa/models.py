"""The data that flows through the pipeline: load -> clean -> chunk -> store -> retrieve -> answer."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class RawArticle:
    """One article as read from disk, before cleaning."""

    source_key: str  # unique per article: a file path, or "path#record" for a JSONL line
    path: Path
    source: str  # the file name shown in citations (JSONL: "file.jsonl#record-id")
    text: str
    title: str | None = None
    date: str | None = None  # ISO date (YYYY-MM-DD) when known
    publisher: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Document:
    """A cleaned article. ``text`` keeps the original sentences verbatim; only junk lines are gone."""

    doc_id: str  # content hash: the same article under two names is one document
    source_key: str
    path: Path
    source: str
    title: str
    text: str
    date: str | None = None
    publisher: str | None = None
    url: str | None = None
    removed_lines: int = 0
    # When the metadata names a month, a year or a span of years but no day ("2014-04",
    # "2004/2005"): that period, so that --since/--until can still place the article.
    date_period: str | None = None


@dataclass(frozen=True)
class Chunk:
    """A token-bounded span of a document; ``text == document.text[char_start:char_end]``."""

    chunk_id: str
    doc_id: str
    index: int
    text: str
    char_start: int
    char_end: int
    n_tokens: int


@dataclass
class StoredChunk:
    """A chunk read back from the index, with the metadata needed to cite it."""

    chunk_id: str
    doc_id: str
    text: str
    source: str
    title: str
    path: str
    index: int
    char_start: int
    char_end: int
    date: str | None = None
    date_period: str | None = None  # see Document.date_period
    score: float = 0.0
    # Sentences (title included) that address an AI model rather than report news; None when
    # not checked. Set by retrieval (qa.retrieval.injection); never used as evidence.
    injection: list[str] | None = None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Citation:
    """One numbered source of an answer or briefing: ``quote`` is verbatim from ``chunk_id``'s text."""

    id: int
    source: str
    title: str
    quote: str
    chunk_id: str
    path: str = ""
    char_start: int | None = None  # offset of the quote in the cleaned document text
    char_end: int | None = None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class SourceInfo:
    """An indexed document as listed by ``qa sources``."""

    doc_id: str
    title: str
    source: str
    path: str
    date: str | None
    chunks: int
    source_key: str = ""
    date_period: str | None = None  # see Document.date_period

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class SkippedInput:
    path: str
    reason: str


@dataclass
class IngestReport:
    """What one ``qa ingest`` did."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # gone from disk, with --prune
    skipped: list[SkippedInput] = field(default_factory=list)
    # Indexed, but not quite as given (e.g. a metadata date that names no day).
    warnings: list[SkippedInput] = field(default_factory=list)
    chunks_written: int = 0
    chunks_deleted: int = 0
    chunks_moved: int = 0  # relabelled, not re-embedded: a renamed file, a moved JSONL line, a new title or date
    collection: str = ""

    def to_dict(self) -> dict:
        return {
            "added": len(self.added),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "removed": len(self.removed),
            "skipped": [asdict(s) for s in self.skipped],
            "warnings": [asdict(w) for w in self.warnings],
            "chunks_written": self.chunks_written,
            "chunks_deleted": self.chunks_deleted,
            "chunks_moved": self.chunks_moved,
            "collection": self.collection,
            "documents": {
                "added": self.added,
                "updated": self.updated,
                "unchanged": self.unchanged,
                "removed": self.removed,
            },
        }
