"""Cited briefings over the index (or the part about a topic).

* Offline (``extractive``): sentences quoted verbatim under Exercises / Alliances and alignments
  / Deployments, key points built from the cited event records.
* LLM (``llm_brief``): map-reduce over the chunks within a token budget; every ``[n]`` checked.

Either way the briefing carries a dated timeline and the events table; every bullet carries at
least one ``[n]``, each ``[n]`` has an entry in the sources list (title, file, a verbatim quote)
numbered 1..n across quotes and event evidence, and no leftover boilerplate line reaches the text.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from qa.brief.extractive import extractive_briefing
from qa.brief.llm_brief import llm_briefing
from qa.brief.markdown import render_markdown
from qa.brief.sections import timeline
from qa.errors import LLMError, QAError
from qa.events.extract import extract_events, number_citations
from qa.events.record import Event
from qa.events.relations import Relation, relations
from qa.models import Citation
from qa.retrieval.articles import load_articles
from qa.text.controls import clean_query
from qa.text.dates import parse_range
from qa.text.spans import clip

if TYPE_CHECKING:
    from qa.config import Settings
    from qa.llm.chat import ChatLLM

log = logging.getLogger(__name__)

_TITLE_TOPIC = 100  # characters of the topic in a briefing's title

EXTRACTIVE_LABEL = (
    "Extractive briefing (no LLM): bullets under the section headings are sentences quoted verbatim "
    "from the articles; key points, timeline and events are built from cited event records."
)
LLM_LABEL = "Briefing written by {model} from the articles; every [n] was checked against the sources."
EVENTS_OFFLINE_NOTE = "Its events were extracted offline (no LLM): the LLM failed at that step."


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
    unsupported: list[dict] = field(default_factory=list)  # LLM sentences the sources do not support

    @property
    def relations(self) -> list[Relation]:
        """Who with whom, from the event records (after their citations are numbered)."""
        return relations(self.events)

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
            "relations": [r.to_dict() for r in self.relations],
            "timeline": [{"date": d, "text": t, "citations": ids} for d, t, ids in timeline(self.events)],
            "articles": self.articles,
            "unknown_markers": self.unknown_markers,
            "dropped_bullets": self.dropped_bullets,
            "unsupported": self.unsupported,
        }


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
    """A cited briefing. ``llm`` None: extractive, quoting at most ``limit`` sentences.
    ``budget``: tiktoken tokens of sources (or notes) per LLM call, so the map-reduce scales past
    one context window. ``since``/``until`` as in ``qa.text.dates.parse_bound``."""
    since, until = parse_range(since, until)
    topic = clean_query(topic or "") or None
    articles = load_articles(settings, topic=topic, since=since, until=until)
    if not articles:
        what = f"about {clip(topic, _TITLE_TOPIC)!r}" if topic else "in the index"
        when = " in that date range" if since or until else ""
        raise QAError(f"no articles {what}{when}: nothing to brief")
    # a title is a line: a topic pasted from a page is cut (the JSON keeps it whole, folded)
    title = f"Briefing: {clip(topic, _TITLE_TOPIC)}" if topic else "Briefing: military exercises, deployments and alliances"
    written = None
    if llm is not None:
        from qa.retrieval.support import SupportChecker
        from qa.storage.embedders import get_embedder

        written = llm_briefing(articles, llm, topic, budget, SupportChecker(get_embedder(settings)))
    if written is not None and written.unusable:
        log.warning("the LLM's briefing has no cited bullet: extractive briefing instead")
        llm = None
    if llm is None:
        events = extract_events(settings, topic=topic, since=since, until=until, articles=articles)
        key_points, sections, citations = extractive_briefing(settings, articles, events, topic, limit)
        number_citations(events, start=len(citations) + 1, existing=citations)
        citations = _with_event_citations(citations, events)
        return Briefing(title, "extractive", topic, EXTRACTIVE_LABEL, key_points, sections, citations, events, articles=len(articles))

    label = LLM_LABEL.format(model=getattr(llm, "model", "an LLM"))
    try:
        events = extract_events(settings, topic=topic, since=since, until=until, llm=llm, articles=articles)
    except LLMError as exc:
        # The briefing is written and checked; a server failing at the events step costs the
        # records their LLM reading, not the whole briefing.
        log.warning("events extracted offline: the LLM failed at that step: %s", exc)
        events = extract_events(settings, topic=topic, since=since, until=until, articles=articles)
        label += " " + EVENTS_OFFLINE_NOTE
    number_citations(events, start=len(written.citations) + 1, existing=written.citations)
    return Briefing(
        title,
        "llm",
        topic,
        label,
        written.key_points,
        written.sections,
        _with_event_citations(written.citations, events),
        events,
        unknown_markers=written.unknown_markers,
        dropped_bullets=written.dropped_bullets,
        articles=len(articles),
        unsupported=written.unsupported,
    )


def _with_event_citations(citations: list[Citation], events: list[Event]) -> list[Citation]:
    """The briefing's citations and the events' (numbered after them), in number order."""
    out = list(citations)
    seen = {c.id for c in out}
    for ev in events:
        for c in ev.citations:
            if c.id not in seen:
                seen.add(c.id)
                out.append(c)
    return sorted(out, key=lambda c: c.id)
