"""Articles rebuilt from the index for whole-corpus work (``qa brief``, ``qa events``).

Chunks are spans of the cleaned document text, so the document is put back together from their
offsets; each sentence keeps the chunk that holds it, so any sentence can be cited verbatim with
``qa.text.citations.citation_for``. Date filters use the article's publication date; ``--topic`` keeps the
chunks close to the topic (embedding similarity or shared words).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from qa.models import Citation, StoredChunk
from qa.retrieval.filters import Filters
from qa.text.boilerplate import is_boilerplate
from qa.text.citations import citation_for
from qa.text.controls import clean_query
from qa.text.dates import parse_range
from qa.text.spans import Span, fold_ws, sentence_spans
from qa.text.terms import content_terms

if TYPE_CHECKING:
    from qa.config import Settings
    from qa.storage.store import ChunkStore


@dataclass
class Sentence:
    text: str
    start: int  # offsets in the article text
    end: int
    chunk: StoredChunk
    span: Span  # the same sentence as a span of ``chunk.text``
    position: int  # order in the article

    def citation(self, number: int) -> Citation:
        return citation_for(number, self.chunk, self.span)


@dataclass
class Article:
    doc_id: str
    source: str
    title: str
    path: str
    date: str | None
    text: str
    chunks: list[StoredChunk]
    sentences: list[Sentence] = field(default_factory=list)
    relevant: set[str] | None = None  # chunk ids about --topic (None: no topic given)

    @property
    def published(self) -> date | None:
        try:
            return date.fromisoformat(self.date) if self.date else None
        except ValueError:
            return None

    def on_topic(self, sentence: Sentence) -> bool:
        return self.relevant is None or sentence.chunk.chunk_id in self.relevant


def rebuild(chunks: list[StoredChunk]) -> str:
    """The document text from its (overlapping) chunks; gaps between chunks were whitespace."""
    ordered = sorted(chunks, key=lambda c: c.char_start)
    end = max((c.char_end for c in ordered), default=0)
    buf = ["\n"] * end
    for c in ordered:
        buf[c.char_start : c.char_start + len(c.text)] = list(c.text)
    return "".join(buf)


_JUNK_RE = re.compile(
    r"https?://|www\.|@\w+\.\w|\b(click here|subscribe|newsletter|cookies?|all rights reserved|copyright|"
    r"disclaimer|advertisement|sign up|log ?in|follow us|read more|related articles?|share this|"
    r"leave a (reply|comment)|email address|infringement|reposting)\b",
    re.IGNORECASE,
)


def is_junk(text: str, title: str = "") -> bool:
    """Lines that are not reporting: leftover web furniture, captions, bare headlines."""
    t = text.strip()
    if not t or is_boilerplate(t) or _JUNK_RE.search(t):
        return True
    words = t.split()
    if len(words) < 6:
        return True
    if title and fold_ws(t).rstrip(".") == fold_ws(title).rstrip("."):
        return True  # the headline repeated as the first line
    letters = sum(ch.isalpha() for ch in t)
    return letters < 0.6 * len(t.replace(" ", ""))


def _sentences(text: str, chunks: list[StoredChunk]) -> list[Sentence]:
    ordered = sorted(chunks, key=lambda c: c.char_start)
    out: list[Sentence] = []
    for span in sentence_spans(text):
        holder = next((c for c in ordered if c.char_start <= span.start and span.end <= c.char_end), None)
        if holder is None:  # an over-long sentence cut across chunks: cite the biggest piece
            holder = max(ordered, key=lambda c: min(c.char_end, span.end) - max(c.char_start, span.start))
            s, e = max(span.start, holder.char_start), min(span.end, holder.char_end)
            if e <= s:
                continue
            span = Span(s, e, text[s:e])
        rel = Span(span.start - holder.char_start, span.end - holder.char_start, span.text)
        if holder.text[rel.start : rel.end] != span.text:  # defensive: never cite a non-verbatim span
            continue
        out.append(Sentence(span.text, span.start, span.end, holder, rel, len(out)))
    return out


def load_articles(
    settings: Settings,
    *,
    topic: str | None = None,
    since: date | None = None,
    until: date | None = None,
    store: ChunkStore | None = None,
) -> list[Article]:
    """Every indexed article (within the dates), with its sentences; ``topic`` marks relevant chunks
    and drops articles with none."""
    from qa.storage.store import open_store

    since, until = parse_range(since, until)
    store = store or open_store(settings)
    where = Filters.between(since, until).where()
    by_doc: dict[str, list[StoredChunk]] = {}
    for chunk in store.all_chunks(where=where):
        by_doc.setdefault(chunk.doc_id, []).append(chunk)
    articles = []
    for doc_id, chunks in by_doc.items():
        chunks.sort(key=lambda c: c.index)
        text = rebuild(chunks)
        first = chunks[0]
        art = Article(doc_id, first.source, first.title, first.path, first.date, text, chunks)
        art.sentences = _sentences(text, chunks)
        articles.append(art)
    articles.sort(key=lambda a: (a.date or "", a.source))
    topic = clean_query(topic or "")
    if topic:
        articles = _apply_topic(settings, store, articles, topic, where)
    return articles


def _apply_topic(settings: Settings, store: ChunkStore, articles: list[Article], topic: str, where: dict | None) -> list[Article]:
    """Chunks about ``topic``: every chunk sharing most of its content words, plus those whose
    embedding is close to it (relative to the best match, so the bar adapts to the corpus)."""
    from qa.storage.embedders import get_embedder

    wanted = content_terms(topic)
    vec = get_embedder(settings).embed_query(topic)
    scored = store.query(vec, k=max(1, store.count()), where=where)
    best = max((c.score for c in scored), default=0.0)
    keep: set[str] = set()
    for c in scored:
        have = content_terms(c.text)
        lexical = len(wanted & have) / len(wanted) if wanted else 0.0
        if lexical >= 0.5 or (c.score >= 0.35 and c.score >= best - 0.12):
            keep.add(c.chunk_id)
    out = []
    for art in articles:
        art.relevant = {c.chunk_id for c in art.chunks} & keep
        if art.relevant:
            out.append(art)
    return out
