"""The extractive briefing (no LLM): key points from the best-supported event records, and the
most central, non-redundant on-subject sentences quoted verbatim under the section headings.

Sentences are scored by centrality (closeness to the corpus centroid), closeness to the
exercise / alliance / deployment prototypes and to the topic; MMR over their embeddings picks
them without near-duplicates.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from qa.brief.headline import headline_detail, sentence_key
from qa.brief.sections import ALIGNMENT_CUE, PROTOTYPES, section_of
from qa.events.cues import MILITARY_RE
from qa.events.record import Event
from qa.models import Citation
from qa.retrieval.articles import Article, Sentence, is_junk
from qa.retrieval.mmr import mmr
from qa.text.numbering import CitationNumbering, format_markers

if TYPE_CHECKING:
    from qa.config import Settings

# Above this many candidate sentences, keep those with cue words first (bounded work on a big index).
_MAX_CANDIDATES = 1500
# MMR: relevance against redundancy, and the similarity above which a sentence is a near-duplicate.
_MMR_LAMBDA = 0.7
_NEAR_DUPLICATE = 0.8


def key_points(events: list[Event], numbering: CitationNumbering, embedder=None) -> list[str]:
    """The event records with most support, each summary citing its two most telling sentences,
    then the headline facts the summary leaves out (units, equipment, numbers, places), quoted
    from the articles and cited (``headline``)."""
    out = []
    # A sentence that tells another record is no detail of this one; none is quoted twice.
    skip = {sentence_key(s) for e in events for s in e.evidence}
    used: set = set()
    for ev in sorted(events, key=lambda e: (-len(e.evidence), e.kind))[:6]:
        wanted = [*ev.participants, ev.name, ev.location or "\0", ev.dates_text or "\0", ev.duration or "\0"]
        ranked = sorted(ev.evidence, key=lambda s: -sum(x in s.text for x in wanted))
        refs = format_markers(numbering.cite(s.chunk, s.span).id for s in ranked[:2])
        point = f"{ev.summary} {refs}"
        detail = headline_detail(ev, ev.summary, embedder, skip, used)
        if detail is not None:
            used.add(sentence_key(detail.sentence))
            point += f" Reported: “{detail.text}” {format_markers([numbering.cite(detail.sentence.chunk, detail.sentence.span).id])}"
        out.append(point)
    return out


def extractive_briefing(
    settings: Settings, articles: list[Article], events: list[Event], topic: str | None, limit: int
) -> tuple[list[str], dict[str, list[str]], list[Citation]]:
    """(key points, sections, citations numbered from 1) with at most ``limit`` quoted sentences."""
    import numpy as np

    from qa.retrieval.injection import instruction_sentences
    from qa.storage.embedders import cached_vectors, get_embedder

    numbering = CitationNumbering()
    embedder = get_embedder(settings)
    points = key_points(events, numbering, embedder)
    candidates: list[tuple[Article, Sentence]] = [
        (a, s) for a in articles for s in a.sentences if a.on_topic(s) and not is_junk(s.text, a.title)
    ]
    # A sentence that addresses an AI model is never quoted as reporting.
    injected = instruction_sentences([s.text for _, s in candidates], embedder)
    candidates = [(a, s) for a, s in candidates if s.text not in injected]
    if len(candidates) > _MAX_CANDIDATES:
        candidates.sort(key=lambda x: -(bool(MILITARY_RE.search(x[1].text)) + bool(ALIGNMENT_CUE.search(x[1].text))))
        candidates = candidates[:_MAX_CANDIDATES]
    sections: dict[str, list[str]] = {}
    if not candidates:
        return points, sections, numbering.citations
    # the events classifier has already embedded these sentences: the process-wide cache serves them
    vecs = cached_vectors(embedder, [s.text for _, s in candidates])
    protos = cached_vectors(embedder, list(PROTOTYPES.values()))
    proto_sims = vecs @ protos.T
    centroid = vecs.mean(axis=0)
    centroid /= max(float(np.linalg.norm(centroid)), 1e-9)
    centrality = vecs @ centroid
    topic_sim = vecs @ embedder.embed_query(topic) if topic else np.zeros(len(candidates))
    lead = np.array([0.05 if s.position < 3 else 0.0 for _, s in candidates])
    scores = 0.4 * centrality + 0.4 * proto_sims.max(axis=1) + 0.3 * topic_sim + lead
    # Only reporting on the briefing's subject: military vocabulary, or close to a prototype / the topic.
    eligible = [
        bool(MILITARY_RE.search(s.text)) or proto_sims[i].max() >= 0.4 or (topic is not None and topic_sim[i] >= 0.4)
        for i, (_, s) in enumerate(candidates)
    ]
    idx = [i for i, ok in enumerate(eligible) if ok]
    if not idx:
        return points, sections, numbering.citations
    candidates = [candidates[i] for i in idx]
    scores, proto_sims, vecs = scores[idx], proto_sims[idx], vecs[idx]
    sims = vecs @ vecs.T
    chosen = mmr(list(scores), sims, limit, lam=_MMR_LAMBDA, duplicate=_NEAR_DUPLICATE)  # never a near-duplicate
    # Keep the articles' order within a section: it reads as reporting, not a shuffle.
    chosen.sort(key=lambda i: (candidates[i][0].date or "", candidates[i][0].source, candidates[i][1].position))
    verdicts = _kinds_above(settings, vecs[chosen], [candidates[i][1].text for i in chosen])
    for i, kinds in zip(chosen, verdicts, strict=True):
        _, sent = candidates[i]
        heading = section_of(sent.text, dict(zip(PROTOTYPES, proto_sims[i].tolist(), strict=True)), kinds)
        sections.setdefault(heading, []).append(f"{sent.text} {format_markers([numbering.cite(sent.chunk, sent.span).id])}")
    return points, sections, numbering.citations


def _kinds_above(settings: Settings, vectors, texts: list[str]) -> list[dict[str, float]]:
    """Per sentence, the event kinds the learned classifier gives it, each with its probability
    over that kind's threshold; all empty when no classifier fits the embedding model."""
    from qa.events.classifier import load_classifier
    from qa.storage.embedders import model_name_for

    clf = load_classifier()
    if clf is None or clf.model != model_name_for(settings) or not texts:
        return [{} for _ in texts]
    return [
        {k: p / clf.thresholds[k] for k, p in zip(clf.kinds, row, strict=True) if p >= clf.thresholds[k]}
        for row in clf.probabilities(vectors, texts)
    ]
