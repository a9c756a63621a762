"""Hybrid retrieval: dense (Chroma) + lexical (BM25, :mod:`qa.retrieval.lexicon`) + an
exact-term channel for the names and numbers a question turns on, fused by reciprocal rank
fusion, then MMR so the chunks that reach the answerer are not near-duplicates. Sentences of the
chosen chunks that address the model are flagged on the chunk (``chunk.injection``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from qa.errors import InputError
from qa.retrieval.filters import Filters, make_filters
from qa.retrieval.injection import flag_injections
from qa.retrieval.lexicon import Lexicon, get_lexicon
from qa.retrieval.mmr import mmr
from qa.retrieval.question import QuestionInfo, analyse
from qa.text.terms import lex_terms

if TYPE_CHECKING:
    from qa.config import Settings
    from qa.models import StoredChunk
    from qa.storage.embedders import Embedder
    from qa.storage.store import ChunkStore

RRF_K = 60
MMR_LAMBDA = 0.7
MMR_FLOOR = 0.75  # cosine below which two chunks are not redundant at all
NEAR_DUPLICATE = 0.97  # cosine above which two chunks say the same thing


@dataclass
class Retrieval:
    """What reached the answerer, best first (``chunk.score`` is the fused score)."""

    question: str
    info: QuestionInfo
    chunks: list[StoredChunk]
    lexicon: Lexicon
    query_vector: np.ndarray
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
    from qa.storage.embedders import get_embedder
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
    chosen = diversify(pool_ids, fused, embeddings, k)
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
    flag_injections(chunks, embedder)  # sentences that address the model: flagged, never evidence
    return Retrieval(question, info, chunks, lexicon, qvec, filters)


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


def diversify(ids: list[str], relevance: dict[str, float], embeddings: dict[str, np.ndarray], k: int) -> list[str]:
    """MMR over the fused pool: relevance relative to the best chunk against cosine similarity;
    a near-duplicate of a pick is taken only when nothing else is left."""
    if not ids:
        return []
    top = max(relevance[i] for i in ids) or 1.0
    # Pairwise, as float(a @ b): the exact cosines the choice was tuned on. Only similarity above
    # MMR_FLOOR counts: neighbouring passages of one article (cosine ~0.6-0.7) often hold the
    # answer and are not redundant.
    cosines = [[_cos(embeddings.get(a), embeddings.get(b)) for b in ids] for a in ids]
    picks = mmr(
        [relevance[i] / top for i in ids],
        cosines,
        k,
        lam=MMR_LAMBDA,
        floor=MMR_FLOOR,
        duplicate=NEAR_DUPLICATE,
        keep_duplicates=True,
    )
    return [ids[n] for n in picks]


def _cos(a: np.ndarray | None, b: np.ndarray | None) -> float:
    if a is None or b is None:
        return 0.0
    return float(a @ b)
