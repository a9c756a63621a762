"""The lexical side of hybrid retrieval: BM25 (bm25s) over every chunk of the index, with the
metadata the filters need, kept in step with the index.

The lexicon is cached in memory (one index state per process) and on disk under
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

from qa.text.terms import lex_terms

if TYPE_CHECKING:
    from qa.storage.store import ChunkStore

LEXICON_FORMAT = 4  # bump when lex_terms or the cached files change (3: a cache of 2 may be
# stale, its index killed between the chunk writes and the revision bump of the time; 4: accents
# folded)


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
    # First and last day (YYYYMMDD) of an article dated only by a month, a year or a span of
    # years; 0 otherwise.
    period_first_ords: np.ndarray | None = None
    period_last_ords: np.ndarray | None = None
    _positions: dict[str, int] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        zeros = np.zeros(len(self.ids), dtype=np.int32)
        self.period_first_ords = zeros if self.period_first_ords is None else self.period_first_ords
        self.period_last_ords = zeros if self.period_last_ords is None else self.period_last_ords

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


def cache_dir_for(store: ChunkStore) -> Path:
    # The collection's id too: an index deleted and rebuilt at the same place starts again at
    # the same revisions and counts, and must not meet the old index's cache.
    key = f"{_location(store)}\0{store.collection.id}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:10]
    return Path(store.settings.index.cache_dir) / "bm25" / f"{store.name}-{digest}"


def get_lexicon(store: ChunkStore) -> Lexicon:
    """The BM25 lexicon for the index's current state: from memory, the disk cache, or built."""
    revision, count, settled = store.current_state()
    if not settled:  # a relabel under way (or killed): these labels name no state worth keeping
        return _build(store, revision)
    key = (_location(store), store.name, str(store.collection.id), revision, count)
    with _memory_lock:
        cached = _memory.get(key)
    if cached is not None:
        return cached
    folder = cache_dir_for(store) / f"r{revision}-n{count}-v{LEXICON_FORMAT}"
    lexicon = _load(folder, revision, count)
    if lexicon is None:
        lexicon = _build(store, revision)
        # Only a state that did not change while we read it is worth keeping.
        if (lexicon.revision, lexicon.count, True) == store.current_state() == (revision, count, True):
            _save(lexicon, folder)
    with _memory_lock:
        _memory.clear()  # one index state per process is plenty
        _memory[key] = lexicon
    return lexicon


def _build(store: ChunkStore, revision: int) -> Lexicon:
    import bm25s

    ids, sources, paths, keys, dates, firsts, lasts, corpus = [], [], [], [], [], [], [], []
    df: dict[str, int] = {}
    for chunk_id, meta, text in store.iter_records(documents=True):
        ids.append(chunk_id)
        sources.append(meta.get("source", ""))
        paths.append(meta.get("path", ""))
        keys.append(meta.get("source_key", ""))
        dates.append(int(meta.get("date_ord", 0) or 0))
        firsts.append(int(meta.get("period_first_ord", 0) or 0))
        lasts.append(int(meta.get("period_last_ord", 0) or 0))
        tokens = lex_terms(f"{meta.get('title', '')}\n{text or ''}")
        corpus.append(tokens)
        for t in set(tokens):
            df[t] = df.get(t, 0) + 1
    bm25 = None
    if any(corpus):
        bm25 = bm25s.BM25()
        bm25.index(corpus, show_progress=False)
    return Lexicon(ids, sources, paths, keys, np.asarray(dates, dtype=np.int32), df, revision, len(ids), bm25,
                   np.asarray(firsts, dtype=np.int32), np.asarray(lasts, dtype=np.int32))


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
            "period_first_ords": lexicon.period_first_ords.tolist(),
            "period_last_ords": lexicon.period_last_ords.tolist(),
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
            np.asarray(meta["period_first_ords"], dtype=np.int32),  # a cache from before periods: rebuilt
            np.asarray(meta["period_last_ords"], dtype=np.int32),
        )
    except (OSError, ValueError, KeyError):
        return None
