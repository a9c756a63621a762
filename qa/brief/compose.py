"""Cited briefings over the index (or the part about a topic).

* Offline (extractive): the most central, non-redundant sentences (MMR over sentence embeddings,
  scored by centrality, closeness to exercise / alliance / deployment prototypes and to the topic)
  quoted verbatim under Exercises / Alliances and alignments / Deployments, key points built from
  the cited event records, a dated timeline and the events table.
* LLM: map-reduce. Map: batches of numbered chunks within a tiktoken budget -> cited notes.
  Reduce: notes (again within the budget, in rounds) -> the briefing. Every ``[n]`` is checked
  and renumbered with ``qa.cite.cite``; unknown numbers are dropped and uncited bullets removed.

Either way every bullet carries at least one ``[n]``, each ``[n]`` has an entry in the sources
list (title, file, a verbatim quote), and no leftover boilerplate line reaches the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from qa.errors import QAError
from qa.events.extract import (
    _EX_RE,
    _EX_VERB_RE,
    _MILITARY_RE,
    Event,
    extract_events,
    number_citations,
)
from qa.models import Citation, StoredChunk
from qa.retrieval.articles import Article, Sentence, is_junk, load_articles
from qa.text.citations import MARKER_RE, cite
from qa.text.dates import parse_range

if TYPE_CHECKING:
    from qa.config import Settings
    from qa.llm.chat import ChatLLM

SECTIONS = ("Exercises", "Alliances and alignments", "Deployments", "Background")
EXTRACTIVE_LABEL = (
    "Extractive briefing (no LLM): bullets under the section headings are sentences quoted verbatim "
    "from the articles; key points, timeline and events are built from cited event records."
)
LLM_LABEL = "Briefing written by {model} from the articles; every [n] was checked against the sources."

_PROTOTYPES = {
    "Exercises": "Troops from several countries will hold joint military exercises and drills near the border.",
    "Alliances and alignments": "The country joined the alliance and signed a security agreement with its partners.",
    "Deployments": "The army deployed troops, missiles and warships to the region.",
}
_DEP_CUE = re.compile(r"\b(deploy\w*|station\w*|dispatch\w*|sen[dt] (?:troops|soldiers|forces|warships|jets))\b", re.I)
_AL_CUE = re.compile(
    r"\b(join\w*|admitted|accession|member\w*|alliance|allies|ally|pact|treaty|agreement|partnership|friend\w*|ties|cooperation|closer)\b",
    re.I,
)


@dataclass
class Briefing:
    title: str
    mode: str  # "extractive" | "llm"
    topic: str | None = None
    label: str = ""
    key_points: list[str] = field(default_factory=list)  # bullets, each with [n]
    sections: dict[str, list[str]] = field(default_factory=dict)
    citations: list[Citation] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    unknown_markers: list[int] = field(default_factory=list)
    dropped_bullets: int = 0
    articles: int = 0

    @property
    def markdown(self) -> str:
        return render_markdown(self)

    def to_dict(self) -> dict:
        return {
            "title": self.title,
            "mode": self.mode,
            "topic": self.topic,
            "label": self.label,
            "markdown": self.markdown,
            "key_points": self.key_points,
            "sections": self.sections,
            "citations": [c.to_dict() for c in self.citations],
            "events": [e.to_dict() for e in self.events],
            "timeline": [{"date": d, "text": t, "citations": ids} for d, t, ids in timeline(self.events)],
            "articles": self.articles,
            "unknown_markers": self.unknown_markers,
            "dropped_bullets": self.dropped_bullets,
        }


# --------------------------------------------------------------------------- markdown
def _refs(citations: list[Citation]) -> str:
    return "".join(f"[{c.id}]" for c in citations)


def _when(ev: Event) -> str:
    if ev.start and ev.end and ev.start != ev.end:
        return f"{ev.start} – {ev.end}"
    return ev.start or ev.dates_text or ""


def timeline(events: list[Event]) -> list[tuple[str, str, list[int]]]:
    """(date, what, citation ids) for events with dates, ISO dates first in order."""
    rows = []
    for ev in events:
        when = _when(ev)
        if not when:
            continue
        rows.append((when, ev.name if ev.kind != "exercise" or not ev.named else f"{ev.name} exercise", [c.id for c in ev.citations[:3]], ev.sort_date if ev.sort_date != "9999" else f"9998-{min(ev.months or {13}):02d}"))
    rows.sort(key=lambda r: (r[3], r[0]))
    return [(a, b, c) for a, b, c, _ in rows]


def _cell(text: str | None) -> str:
    return (text or "").replace("|", "\\|").replace("\n", " ")


def render_markdown(b: Briefing) -> str:
    lines = [f"# {b.title}", "", f"_{b.label}_", ""]
    lines += ["## Key points", ""]
    lines += [f"- {p}" for p in b.key_points] or ["- No key points: the articles describe no exercise, alliance or deployment."]
    for heading in SECTIONS:
        bullets = b.sections.get(heading) or []
        if bullets:
            lines += ["", f"## {heading}", ""]
            lines += [f"- {x}" for x in bullets]
    rows = timeline(b.events)
    if rows:
        lines += ["", "## Timeline", ""]
        lines += [f"- **{when}**: {what} {''.join(f'[{i}]' for i in ids)}" for when, what, ids in rows]
    if b.events:
        lines += ["", "## Events", "", "| Kind | Name | Participants | Where | When | Type | Sources |", "|---|---|---|---|---|---|---|"]
        for ev in b.events:
            where = ", ".join(x for x in (ev.location, ev.host) if x and (x != ev.location or x != ev.host))
            lines.append(
                f"| {ev.kind} | {_cell(ev.name)} | {_cell(', '.join(ev.participants))} | {_cell(where)} | "
                f"{_cell(_when(ev))} | {ev.type} ({ev.cameo}) | {_refs(ev.citations[:4])} |"
            )
    lines += ["", "## Sources", ""]
    for c in b.citations:
        lines.append(f"{c.id}. **{c.title}**: `{c.source}`: “{c.quote}”")
    return "\n".join(lines).rstrip() + "\n"


# --------------------------------------------------------------------------- extractive
class _Numbering:
    """Citation numbers for quoted sentences, one number per distinct sentence."""

    def __init__(self) -> None:
        self.citations: list[Citation] = []
        self._by_key: dict[tuple[str, int, int], Citation] = {}

    def ref(self, sent: Sentence) -> str:
        key = (sent.chunk.chunk_id, sent.chunk.char_start + sent.span.start, sent.chunk.char_start + sent.span.end)
        c = self._by_key.get(key)
        if c is None:
            c = sent.citation(len(self.citations) + 1)
            self._by_key[key] = c
            self.citations.append(c)
        return f"[{c.id}]"


def _section_of(text: str, sims: dict[str, float]) -> str:
    if _EX_RE.search(text) and not _EX_VERB_RE.search(text):
        return "Exercises"
    if _DEP_CUE.search(text) and _MILITARY_RE.search(text):
        return "Deployments"
    if _AL_CUE.search(text):
        return "Alliances and alignments"
    best = max(sims, key=sims.get)
    return best if sims[best] >= 0.45 else "Background"


def _mmr(scores, sims, k: int, lam: float = 0.7, max_sim: float = 0.8) -> list[int]:
    chosen: list[int] = []
    remaining = list(range(len(scores)))
    while remaining and len(chosen) < k:
        def gain(i: int) -> float:
            red = max((sims[i][j] for j in chosen), default=0.0)
            return lam * scores[i] - (1 - lam) * red

        best = max(remaining, key=gain)
        remaining.remove(best)
        if chosen and max(sims[best][j] for j in chosen) > max_sim:
            continue  # near-duplicate of a chosen sentence
        chosen.append(best)
    return chosen


def _extractive(settings: Settings, articles: list[Article], events: list[Event], topic: str | None, limit: int) -> tuple[list[str], dict[str, list[str]], list[Citation]]:
    import numpy as np

    from qa.storage.embed import get_embedder

    numbering = _Numbering()
    # Key points: the event records with most support, each citing its evidence.
    key_points = []
    for ev in sorted(events, key=lambda e: (-len(e.evidence), e.kind))[:6]:
        wanted = [*ev.participants, ev.name, ev.location or "\0", ev.dates_text or "\0", ev.duration or "\0"]
        ranked = sorted(ev.evidence, key=lambda s: -sum(x in s.text for x in wanted))
        refs = "".join(numbering.ref(s) for s in ranked[:2])
        key_points.append(f"{ev.summary} {refs}")

    candidates: list[tuple[Article, Sentence]] = [
        (a, s) for a in articles for s in a.sentences if a.on_topic(s) and not is_junk(s.text, a.title)
    ]
    if len(candidates) > 1500:  # keep the work bounded on a big index: cue words first
        candidates.sort(key=lambda x: -(bool(_MILITARY_RE.search(x[1].text)) + bool(_AL_CUE.search(x[1].text))))
        candidates = candidates[:1500]
    sections: dict[str, list[str]] = {}
    if not candidates:
        return key_points, sections, numbering.citations
    embedder = get_embedder(settings)
    vecs = embedder.embed_documents([s.text for _, s in candidates])
    protos = embedder.embed_documents(list(_PROTOTYPES.values()))
    proto_sims = vecs @ protos.T
    centroid = vecs.mean(axis=0)
    centroid /= max(float(np.linalg.norm(centroid)), 1e-9)
    centrality = vecs @ centroid
    topic_sim = vecs @ embedder.embed_query(topic) if topic else np.zeros(len(candidates))
    lead = np.array([0.05 if s.position < 3 else 0.0 for _, s in candidates])
    scores = 0.4 * centrality + 0.4 * proto_sims.max(axis=1) + 0.3 * topic_sim + lead
    # Only reporting on the briefing's subject: military vocabulary, or close to a prototype / the topic.
    eligible = [
        bool(_MILITARY_RE.search(s.text)) or proto_sims[i].max() >= 0.4 or (topic is not None and topic_sim[i] >= 0.4)
        for i, (_, s) in enumerate(candidates)
    ]
    idx = [i for i, ok in enumerate(eligible) if ok]
    if not idx:
        return key_points, sections, numbering.citations
    candidates = [candidates[i] for i in idx]
    scores, proto_sims, vecs = scores[idx], proto_sims[idx], vecs[idx]
    sims = vecs @ vecs.T
    chosen = _mmr(list(scores), sims, limit)
    # Keep the articles' order within a section: it reads as reporting, not a shuffle.
    chosen.sort(key=lambda i: (candidates[i][0].date or "", candidates[i][0].source, candidates[i][1].position))
    for i in chosen:
        art, sent = candidates[i]
        heading = _section_of(sent.text, dict(zip(_PROTOTYPES, proto_sims[i].tolist(), strict=True)))
        sections.setdefault(heading, []).append(f"{sent.text} {numbering.ref(sent)}")
    return key_points, sections, numbering.citations


# --------------------------------------------------------------------------- LLM map-reduce
def _batches(items: list[tuple[int, str]], budget: int) -> list[list[tuple[int, str]]]:
    from qa.text.tokens import count_tokens

    out: list[list[tuple[int, str]]] = []
    cur: list[tuple[int, str]] = []
    used = 0
    for n, text in items:
        t = count_tokens(text) + 8
        if cur and used + t > budget:
            out.append(cur)
            cur, used = [], 0
        cur.append((n, text))
        used += t
    if cur:
        out.append(cur)
    return out


def _llm_text(settings: Settings, articles: list[Article], llm: ChatLLM, topic: str | None, budget: int) -> tuple[str, list[StoredChunk]]:
    """Map over numbered chunks within ``budget`` tokens per call, then reduce the notes."""
    from qa.llm.prompts import load_prompt
    from qa.text.tokens import count_tokens

    sources: list[StoredChunk] = []
    items: list[tuple[int, str]] = []
    for art in articles:
        for chunk in art.chunks:
            if art.relevant is not None and chunk.chunk_id not in art.relevant:
                continue
            sources.append(chunk)
            n = len(sources)
            lines = [ln for ln in chunk.text.split("\n") if ln.strip() and not _is_junk_line(ln)]
            dated = f", {art.date}" if art.date else ""
            items.append((n, f"[{n}] ({art.title}{dated})\n" + "\n".join(lines)))
    if not sources:
        return "", []
    map_prompt = load_prompt("brief_map", frozenset({"topic", "sources"}))
    reduce_prompt = load_prompt("brief_reduce", frozenset({"topic", "notes"}))
    subject = topic or "military exercises, deployments and alliances in these articles"
    notes = [
        llm.complete(map_prompt, {"topic": subject, "sources": "\n\n".join(t for _, t in batch)})
        for batch in _batches(items, budget)
    ]
    # Reduce in rounds until the notes fit one call.
    while len(notes) > 1 and count_tokens("\n\n".join(notes)) > budget:
        groups = _batches(list(enumerate(notes)), budget)
        if len(groups) == len(notes):  # cannot shrink further by grouping: reduce pairs
            groups = [list(enumerate(notes))[i : i + 2] for i in range(0, len(notes), 2)]
        notes = [llm.complete(reduce_prompt, {"topic": subject, "notes": "\n\n".join(t for _, t in g)}) for g in groups]
    final = llm.complete(reduce_prompt, {"topic": subject, "notes": "\n\n".join(notes)})
    return final, sources


def _is_junk_line(line: str) -> bool:
    from qa.ingest.clean import is_boilerplate

    return is_boilerplate(line)


def _parse_llm(text: str) -> tuple[list[str], dict[str, list[str]], int]:
    """Key points and sections from the model's Markdown; bullets without [n] are dropped."""
    key_points: list[str] = []
    sections: dict[str, list[str]] = {}
    current = "Key points"
    dropped = 0
    aliases = {h.lower(): h for h in SECTIONS} | {"alliances": "Alliances and alignments", "alignments": "Alliances and alignments", "key points": "Key points"}
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            name = line.lstrip("#").strip().rstrip(":")
            current = aliases.get(name.lower(), name if name.lower() not in ("sources", "timeline", "events") else "_skip")
            if line.startswith("# ") and not line.startswith("## "):
                current = "Key points"
            continue
        if current == "_skip":
            continue
        bullet = re.sub(r"^(?:[-*•]|\d+[.)])\s+", "", line)
        if not MARKER_RE.search(bullet) or is_junk(MARKER_RE.sub("", bullet)) and len(bullet.split()) < 4:
            dropped += 1
            continue
        if current == "Key points":
            key_points.append(bullet)
        else:
            sections.setdefault(current, []).append(bullet)
    return key_points, sections, dropped


# --------------------------------------------------------------------------- entry point
def write_briefing(
    settings: Settings,
    *,
    topic: str | None = None,
    since: str | date | None = None,
    until: str | date | None = None,
    llm: ChatLLM | None = None,
    budget: int = 6000,
    limit: int = 14,
) -> Briefing:
    """A cited briefing. ``llm`` None: extractive. ``budget``: tiktoken tokens of sources (or
    notes) per LLM call, so the map-reduce scales past one context window. ``since``/``until``
    as in ``qa.dates.parse_bound``."""
    since, until = parse_range(since, until)
    articles = load_articles(settings, topic=topic, since=since, until=until)
    if not articles:
        what = f"about {topic!r}" if topic else "in the index"
        when = " in that date range" if since or until else ""
        raise QAError(f"no articles {what}{when}: nothing to brief")
    title = f"Briefing: {topic}" if topic else "Briefing: military exercises, deployments and alliances"
    if llm is None:
        events = extract_events(settings, topic=topic, since=since, until=until, articles=articles)
        key_points, sections, citations = _extractive(settings, articles, events, topic, limit)
        number_citations(events, start=len(citations) + 1, existing=citations)
        citations = _collect(citations, events)
        return Briefing(title, "extractive", topic, EXTRACTIVE_LABEL, key_points, sections, citations, events, articles=len(articles))

    text, sources = _llm_text(settings, articles, llm, topic, budget)
    cited = cite(text, sources)
    key_points, sections, dropped = _parse_llm(cited.text)
    # Renumber to the markers that survived (a dropped bullet may have held the only use of one).
    used = {n for line in [*key_points, *(x for v in sections.values() for x in v)] for n in _numbers(line)}
    kept = [c for c in cited.citations if c.id in used]
    remap = {c.id: i for i, c in enumerate(kept, start=1)}
    key_points = [_renumber(x, remap) for x in key_points]
    sections = {h: [_renumber(x, remap) for x in v] for h, v in sections.items()}
    for c in kept:
        c.id = remap[c.id]
    events = extract_events(settings, topic=topic, since=since, until=until, llm=llm, articles=articles)
    number_citations(events, start=len(kept) + 1, existing=kept)
    citations = _collect(kept, events)
    return Briefing(
        title,
        "llm",
        topic,
        LLM_LABEL.format(model=getattr(llm, "model", "an LLM")),
        key_points,
        sections,
        citations,
        events,
        unknown_markers=cited.unknown,
        dropped_bullets=dropped,
        articles=len(articles),
    )


def _numbers(text: str) -> list[int]:
    from qa.text.citations import parse_markers

    return parse_markers(text)


def _renumber(text: str, remap: dict[int, int]) -> str:
    def sub(m: re.Match) -> str:
        ids = [remap[int(n)] for n in re.split(r"\s*[,;]\s*", m.group(1)) if int(n) in remap]
        lead = " " if m.group(0).startswith(" ") else ""
        return lead + "".join(f"[{i}]" for i in ids)

    return MARKER_RE.sub(sub, text)


def _collect(citations: list[Citation], events: list[Event]) -> list[Citation]:
    out = list(citations)
    seen = {c.id for c in out}
    for ev in events:
        for c in ev.citations:
            if c.id not in seen:
                seen.add(c.id)
                out.append(c)
    return sorted(out, key=lambda c: c.id)
