"""Hybrid retrieval: dense (Chroma) + lexical (BM25, bm25s) + an exact-term channel for the names
and numbers a question turns on, fused by reciprocal rank fusion, then MMR so the chunks that
reach the answerer are not near-duplicates.

The BM25 index is built from the stored chunks and cached on disk under
``cache_dir/bm25/<collection>-<location hash>/r<revision>-n<count>-v<format>``: every write to
the index bumps its revision (and changes its count), so a cache built from another state of
the index is never used; it is rebuilt on the next question.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from qa.errors import InputError
from qa.retrieval.question import QuestionInfo, analyse, lex_terms
from qa.text.dates import day_ord, parse_range

if TYPE_CHECKING:
    from qa.config import Settings
    from qa.models import StoredChunk
    from qa.storage.embed import Embedder
    from qa.storage.store import ChunkStore

LEXICON_FORMAT = 2  # bump when lex_terms or the cached files change
RRF_K = 60
MMR_LAMBDA = 0.7
MMR_FLOOR = 0.75  # cosine below which two chunks are not redundant at all
NEAR_DUPLICATE = 0.97  # cosine above which two chunks say the same thing


# --------------------------------------------------------------------------- lexicon (BM25)
@dataclass
class Lexicon:
    """BM25 over every chunk of one index state, with the metadata the filters need."""

    ids: list[str]
    sources: list[str]
    paths: list[str]
    source_keys: list[str]
    date_ords: np.ndarray  # int32, 0 when the article has no date
    df: dict[str, int]
    revision: int
    count: int
    bm25: object = None  # bm25s.BM25, None when the index has no tokens at all
    _positions: dict[str, int] | None = field(default=None, repr=False)

    @property
    def n(self) -> int:
        return len(self.ids)

    @property
    def positions(self) -> dict[str, int]:
        if self._positions is None:
            self._positions = {chunk_id: i for i, chunk_id in enumerate(self.ids)}
        return self._positions

    def idf(self, token: str) -> float:
        """BM25's idf; a token absent from the index gets the highest value."""
        df = self.df.get(token, 0)
        return float(np.log(1.0 + (self.n - df + 0.5) / (df + 0.5)))

    def scores(self, tokens: list[str]) -> np.ndarray:
        known = [t for t in tokens if t in self.df]
        if not known or self.bm25 is None:
            return np.zeros(self.n, dtype=np.float32)
        return np.asarray(self.bm25.get_scores(known), dtype=np.float32)


_memory: dict[tuple, Lexicon] = {}
_memory_lock = threading.Lock()


def _location(store: ChunkStore) -> str:
    s = store.settings
    return s.index.chroma_url or str(Path(s.index.index_dir).resolve())


def live_state(store: ChunkStore) -> tuple[int, int]:
    """(revision, count) read from the index now, not from the collection object's snapshot."""
    try:
        meta = store.client.get_collection(store.name, embedding_function=None).metadata or {}
        revision = int(meta.get("revision", 0))
    except Exception:  # noqa: BLE001 - fall back to the snapshot
        revision = store.revision
    return revision, store.count()


def cache_dir_for(store: ChunkStore) -> Path:
    digest = hashlib.sha256(_location(store).encode()).hexdigest()[:10]
    return Path(store.settings.index.cache_dir) / "bm25" / f"{store.name}-{digest}"


def get_lexicon(store: ChunkStore) -> Lexicon:
    """The BM25 lexicon for the index's current state: from memory, the disk cache, or built."""
    revision, count = live_state(store)
    key = (_location(store), store.name, revision, count)
    with _memory_lock:
        cached = _memory.get(key)
    if cached is not None:
        return cached
    folder = cache_dir_for(store) / f"r{revision}-n{count}-v{LEXICON_FORMAT}"
    lexicon = _load(folder, revision, count)
    if lexicon is None:
        lexicon = _build(store, revision)
        # Only a state that did not change while we read it is worth keeping.
        if (lexicon.revision, lexicon.count) == live_state(store) == (revision, count):
            _save(lexicon, folder)
    with _memory_lock:
        _memory.clear()  # one index state per process is plenty
        _memory[key] = lexicon
    return lexicon


def _build(store: ChunkStore, revision: int) -> Lexicon:
    import bm25s

    ids, sources, paths, keys, dates, corpus = [], [], [], [], [], []
    df: dict[str, int] = {}
    for chunk_id, meta, text in store.iter_records(documents=True):
        ids.append(chunk_id)
        sources.append(meta.get("source", ""))
        paths.append(meta.get("path", ""))
        keys.append(meta.get("source_key", ""))
        dates.append(int(meta.get("date_ord", 0) or 0))
        tokens = lex_terms(f"{meta.get('title', '')}\n{text or ''}")
        corpus.append(tokens)
        for t in set(tokens):
            df[t] = df.get(t, 0) + 1
    bm25 = None
    if any(corpus):
        bm25 = bm25s.BM25()
        bm25.index(corpus, show_progress=False)
    return Lexicon(ids, sources, paths, keys, np.asarray(dates, dtype=np.int32), df, revision, len(ids), bm25)


def _save(lexicon: Lexicon, folder: Path) -> None:
    """Write to a temporary folder, then rename: readers never see a half-written cache."""
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=folder.parent))
        if lexicon.bm25 is not None:
            lexicon.bm25.save(str(tmp / "bm25"), show_progress=False)
        meta = {
            "ids": lexicon.ids,
            "sources": lexicon.sources,
            "paths": lexicon.paths,
            "source_keys": lexicon.source_keys,
            "date_ords": lexicon.date_ords.tolist(),
            "df": lexicon.df,
            "revision": lexicon.revision,
            "count": lexicon.count,
        }
        (tmp / "lexicon.json").write_text(json.dumps(meta), encoding="utf-8")
        try:
            os.rename(tmp, folder)
        except OSError:  # another process saved the same state first
            shutil.rmtree(tmp, ignore_errors=True)
        for old in folder.parent.iterdir():  # earlier states of this index are dead
            if old != folder and not old.name.startswith(".tmp-"):
                shutil.rmtree(old, ignore_errors=True)
    except OSError:
        pass  # a cache we cannot write is only slower, never wrong


def _load(folder: Path, revision: int, count: int) -> Lexicon | None:
    meta_file = folder / "lexicon.json"
    if not meta_file.exists():
        return None
    try:
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        if meta["revision"] != revision or meta["count"] != count or len(meta["ids"]) != count:
            return None
        bm25 = None
        if (folder / "bm25").exists():
            import bm25s

            bm25 = bm25s.BM25.load(str(folder / "bm25"), show_progress=False)
        return Lexicon(
            meta["ids"],
            meta["sources"],
            meta["paths"],
            meta["source_keys"],
            np.asarray(meta["date_ords"], dtype=np.int32),
            meta["df"],
            revision,
            count,
            bm25,
        )
    except (OSError, ValueError, KeyError):
        return None


# --------------------------------------------------------------------------- filters
@dataclass(frozen=True)
class Filters:
    sources: tuple[str, ...] | None = None  # exact ``source`` values
    since: int | None = None  # YYYYMMDD
    until: int | None = None

    @property
    def active(self) -> bool:
        return self.sources is not None or self.since is not None or self.until is not None

    def where(self) -> dict | None:
        clauses: list[dict] = []
        if self.sources is not None:
            clauses.append({"source": {"$in": list(self.sources)}})
        if self.since is not None:
            clauses.append({"date_ord": {"$gte": self.since}})
        if self.until is not None:
            clauses.append({"date_ord": {"$lte": self.until}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def mask(self, lexicon: Lexicon) -> np.ndarray:
        keep = np.ones(lexicon.n, dtype=bool)
        if self.sources is not None:
            wanted = set(self.sources)
            keep &= np.array([s in wanted for s in lexicon.sources], dtype=bool)
        if self.since is not None:
            keep &= lexicon.date_ords >= self.since
        if self.until is not None:
            keep &= (lexicon.date_ords <= self.until) & (lexicon.date_ords > 0)
        return keep


def resolve_sources(selector: str, lexicon: Lexicon) -> tuple[str, ...]:
    """The ``source`` values a --source selector names: a file name, a JSONL record, or a path."""
    resolved = str(Path(selector).expanduser().resolve())
    name = Path(selector).name
    found = []
    for source, path, key in zip(lexicon.sources, lexicon.paths, lexicon.source_keys, strict=True):
        base = source.split("#")[0]
        if (
            selector in (source, base, key)
            or path == resolved
            or key == resolved
            or key.startswith(resolved + "#")
            or (os.sep in selector and name == base and path.endswith(os.sep + name))
        ):
            found.append(source)
    if not found:
        raise InputError(f"no indexed document matches --source {selector!r} (see 'qa sources')")
    return tuple(sorted(set(found)))


def make_filters(lexicon: Lexicon, source: str | None, since: str | None, until: str | None) -> Filters:
    start, stop = parse_range(since, until)
    sources = resolve_sources(source, lexicon) if source else None
    return Filters(sources, day_ord(start) if start else None, day_ord(stop) if stop else None)


# --------------------------------------------------------------------------- retrieval
@dataclass
class Retrieval:
    """What reached the answerer, best first (``chunk.score`` is the fused score)."""

    question: str
    info: QuestionInfo
    chunks: list[StoredChunk]
    lexicon: Lexicon
    query_vector: np.ndarray
    embeddings: dict[str, np.ndarray] = field(default_factory=dict)
    dense_scores: dict[str, float] = field(default_factory=dict)
    filters: Filters = field(default_factory=Filters)


def retrieve(
    question: str,
    settings: Settings,
    *,
    store: ChunkStore | None = None,
    embedder: Embedder | None = None,
    k: int | None = None,
    source: str | None = None,
    since: str | None = None,
    until: str | None = None,
    info: QuestionInfo | None = None,
) -> Retrieval:
    """The ``k`` chunks (default ``settings.retrieval.top_k``) most relevant to ``question``."""
    from qa.storage.embed import get_embedder
    from qa.storage.store import open_store

    if not question or not question.strip():
        raise InputError("the question is empty")
    k = k or settings.retrieval.top_k
    if k < 1:
        raise InputError("--k must be at least 1")
    store = store or open_store(settings)
    lexicon = get_lexicon(store)
    filters = make_filters(lexicon, source, since, until)
    embedder = embedder or get_embedder(settings)
    info = info or analyse(question)
    qvec = embedder.embed_query(question)

    mask = filters.mask(lexicon)
    n_pool = max(4 * k, 40)
    dense = store.query(qvec, n_pool, filters.where()) if mask.any() else []
    dense_scores = {c.chunk_id: c.score for c in dense}
    lists = [
        [c.chunk_id for c in dense],
        _top(lexicon, lexicon.scores(lex_terms(question)), mask, n_pool),
    ]
    exact = _exact_terms(lexicon, info)
    if exact is not None:  # chunks holding the question's rare names and numbers, best first
        lists.append(_top(lexicon, exact, mask, n_pool))

    fused: dict[str, float] = {}
    for ranking in lists:
        for rank, chunk_id in enumerate(ranking):
            fused[chunk_id] = fused.get(chunk_id, 0.0) + 1.0 / (RRF_K + rank + 1)
    if exact is not None:
        # Exact-term boost: up to one first-place vote for holding every name and number.
        positions = lexicon.positions
        for chunk_id in fused:
            fused[chunk_id] += float(exact[positions[chunk_id]]) / (RRF_K + 1) if chunk_id in positions else 0.0
    pool_ids = sorted(fused, key=lambda i: -fused[i])[: max(3 * k, 24)]
    by_id = {c.chunk_id: c for c in dense}
    missing = [i for i in pool_ids if i not in by_id]
    for chunk in store.get_chunks(missing):
        by_id[chunk.chunk_id] = chunk
    pool_ids = [i for i in pool_ids if i in by_id]  # a chunk deleted meanwhile is skipped
    embeddings = store.get_embeddings(pool_ids)
    chosen = mmr(pool_ids, fused, embeddings, k)
    # Each channel's best hit reaches the answerer: RRF alone lets a passage that only one channel
    # finds (a rare word BM25 matches, a paraphrase only the embedding sees) lose to passages
    # that are mediocre in both.
    for ranking in lists:
        top = next((i for i in ranking if i in by_id), None)
        if top is not None and top not in chosen:
            if len(chosen) < k:
                chosen.append(top)
            else:
                protected = {r[0] for r in lists if r}
                victim = next((c for c in reversed(chosen) if c not in protected), None)
                if victim is not None:
                    chosen[chosen.index(victim)] = top
    chunks = []
    for chunk_id in chosen:
        chunk = by_id[chunk_id]
        chunk.score = round(fused[chunk_id], 6)
        chunks.append(chunk)
    return Retrieval(question, info, chunks, lexicon, qvec, embeddings, dense_scores, filters)


def _exact_terms(lexicon: Lexicon, info: QuestionInfo) -> np.ndarray | None:
    """Per chunk, the IDF-weighted share (0..1) of the question's names, numbers and quoted
    terms that it contains; None when the question has none that the index knows and that are
    rare enough to discriminate (held by under 5% of chunks)."""
    if lexicon.bm25 is None or not lexicon.n:
        return None
    present_all = []
    weights = []
    for term in info.key_terms:
        tokens = lex_terms(term.text)
        if term.kind == "name" and len(tokens) == 1 and len(term.text) >= 4:
            # a name also matches its derived forms, as in the answerer: China ~ Chinese
            prefix = term.text[: max(4, len(term.text) - 2)]
            variants = [t for t in lexicon.df if t.startswith(prefix)]
            if not variants:
                continue
            present = lexicon.scores(variants[:1]) > 0
            for t in variants[1:]:
                present |= lexicon.scores([t]) > 0
            df = int(present.sum())
        else:
            if not tokens or any(t not in lexicon.df for t in tokens):
                continue
            present = np.ones(lexicon.n, dtype=bool)
            for t in tokens:
                present &= lexicon.scores([t]) > 0
            df = int(present.sum())
        if df > 0.05 * lexicon.n and lexicon.n >= 200:
            continue  # too common to discriminate
        present_all.append(present)
        weights.append(float(np.log(1.0 + (lexicon.n - df + 0.5) / (df + 0.5))))
    if not present_all:
        return None
    w = np.asarray(weights, dtype=np.float32)
    return (np.stack(present_all).T.astype(np.float32) @ w) / float(w.sum())


def _top(lexicon: Lexicon, scores: np.ndarray, mask: np.ndarray, n: int) -> list[str]:
    scores = np.where(mask, scores, 0.0)
    if not scores.any():
        return []
    order = np.argsort(-scores, kind="stable")[:n]
    return [lexicon.ids[i] for i in order if scores[i] > 0]


def mmr(ids: list[str], relevance: dict[str, float], embeddings: dict[str, np.ndarray], k: int) -> list[str]:
    """Maximal marginal relevance: each pick trades relevance against similarity to the picks so
    far; a near-duplicate of a pick is taken only when nothing else is left."""
    if not ids:
        return []
    top = max(relevance[i] for i in ids) or 1.0
    rel = {i: relevance[i] / top for i in ids}
    chosen: list[str] = []
    left = list(ids)
    while left and len(chosen) < k:
        best, best_value = None, -1e9
        for i in left:
            sim = max((_cos(embeddings.get(i), embeddings.get(j)) for j in chosen), default=0.0)
            # Only similarity above MMR_FLOOR counts: neighbouring passages of one article
            # (cosine ~0.6-0.7) often hold the answer and are not redundant.
            redundancy = max(0.0, sim - MMR_FLOOR) / (1.0 - MMR_FLOOR)
            value = MMR_LAMBDA * rel[i] - (1 - MMR_LAMBDA) * redundancy - (1.0 if sim >= NEAR_DUPLICATE else 0.0)
            if value > best_value:
                best, best_value = i, value
        chosen.append(best)
        left.remove(best)
    return chosen


def _cos(a: np.ndarray | None, b: np.ndarray | None) -> float:
    if a is None or b is None:
        return 0.0
    return float(a @ b)
