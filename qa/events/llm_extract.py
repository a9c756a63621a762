"""Event records from an LLM: one structured-output call per article (a pydantic schema through
LangChain's ``with_structured_output``) over numbered sentences. The model cites sentence numbers
and the quotes are taken from those sentences, never from the model; a record it cannot ground
in a sentence is dropped. Records about the same event are then merged across articles.

A reply that cannot be used (the server refused or garbled every structured-output method, see
``qa.llm.structured``) costs that article only: a warning names it, and the offline extractor
fills in its records, so an LLM that fails on one article never reads as "no events"."""

from __future__ import annotations

import logging
import re
from datetime import date
from typing import TYPE_CHECKING

from qa.events.article_frames import Context, article_frames
from qa.events.countries import resolve_country
from qa.events.grouping import group_article
from qa.events.merge import merge_events
from qa.events.record import Event, unique_in_order
from qa.events.summary import finish_record, summarise
from qa.llm.structured import UnusableReply
from qa.retrieval.articles import Article
from qa.retrieval.support import missing_facts, value_supported
from qa.text.dates import is_iso, parse_day
from qa.text.tokens import pack

if TYPE_CHECKING:
    from qa.config import Settings
    from qa.llm.chat import ChatLLM

log = logging.getLogger(__name__)

# Tokens a sentence costs in the prompt beyond its text: its "[n] " number and the newline.
_SENTENCE_OVERHEAD = 4


def _llm_schema():
    from typing import Literal

    from pydantic import BaseModel, Field

    class EventRecord(BaseModel):
        """One exercise, alliance/alignment or deployment described in the article."""

        kind: Literal["exercise", "alliance", "deployment"]
        name: str = Field(description="Proper name (e.g. 'Vostok'), or a short descriptive name when it has none")
        participants: list[str] = Field(default_factory=list, description="Countries or organisations taking part (alliances: the parties)")
        host: str | None = Field(default=None, description="Host country")
        location: str | None = Field(default=None, description="Place names as written in the article")
        start: str | None = Field(default=None, description="YYYY-MM-DD if the year is known, else as written")
        end: str | None = Field(default=None, description="YYYY-MM-DD if the year is known, else as written")
        relation: str | None = Field(default=None, description="Alliances: how the parties relate, as written")
        summary: str = Field(description="One sentence")
        evidence: list[int] = Field(description="Numbers of the sentences that support this record")

    class ArticleEvents(BaseModel):
        """Every exercise, alliance/alignment and deployment in the article."""

        events: list[EventRecord] = Field(default_factory=list)

    return ArticleEvents


def extract_llm(settings: Settings, articles: list[Article], llm: ChatLLM, *, budget: int = 3000) -> list[Event]:
    """Map: one structured-output call per article (per window of ``budget`` tokens of a long
    one); reduce: merge."""
    from qa.llm.prompts import attribute, defuse, get_prompt

    prompt = get_prompt("events")  # variables: title, published, sentences
    schema = _llm_schema()
    events: list[Event] = []
    failed: list[Article] = []
    for art in articles:
        usable = [s for s in art.sentences if art.on_topic(s)]
        for window in pack(usable, budget, text=lambda s: s.text, overhead=_SENTENCE_OVERHEAD):
            numbered = "\n".join(f"[{i}] {s.text}" for i, s in enumerate(window, start=1))
            try:
                result = llm.structured(
                    prompt,
                    {"title": attribute(art.title), "published": attribute(art.date or "unknown"), "sentences": defuse(numbered)},
                    schema,
                )
            except UnusableReply as exc:
                log.warning("events of %s extracted offline: the LLM's reply could not be used: %s", art.source, exc)
                failed.append(art)
                break
            for rec in result.events:
                evidence = [window[n - 1] for n in unique_in_order(rec.evidence) if isinstance(n, int) and 1 <= n <= len(window)]
                if not evidence:
                    continue  # a record the model could not ground in a sentence is dropped
                events.append(_record(rec, art, evidence))
    offline = _offline_records(settings, failed, articles)
    from_rules = {id(e) for e in offline}  # finished by the offline rules, once merged, as offline
    kept = []
    for ev in merge_events(events + offline):
        if id(ev) in from_rules:
            finish_record(ev)
            if ev.kind == "exercise" and not (ev.participants or ev.named or ev.host or ev.places):
                continue
        else:
            ev.set_type(relation_default="cooperate")
            if not ev.summary:
                ev.summary = summarise(ev)
        kept.append(ev)
    return kept


def _offline_records(settings: Settings, failed: list[Article], articles: list[Article]) -> list[Event]:
    """The offline extractor's records (not yet finished) for the articles whose LLM reply was
    unusable."""
    if not failed:
        return []
    ctx = Context(settings, articles)
    records: list[Event] = []
    for art in failed:
        records.extend(group_article(article_frames(art, ctx), art))
    return records


def _record(rec, art: Article, evidence: list) -> Event:
    """An ``Event`` from the model's record, with parties normalised and dates made ISO when the
    year can be known."""
    # A field the model gives is kept only when the cited sentences (or the headline) say it:
    # the value as the model wrote it, before any normalising, with spelling variants allowed.
    passage = " ".join([art.title or "", *(s.text for s in evidence)])
    unsupported: list[str] = []
    name = rec.name.strip()
    if name and missing_facts("x " + name, passage):  # an invented "Iron Shield"
        unsupported.append(name)
        name = ""
    ev = Event(kind=rec.kind, name=name or rec.kind)
    ev.named = rec.kind == "exercise" and bool(name)

    def said(value: str | None) -> str | None:
        if not value or not value.strip():
            return None
        if value_supported(value, passage):
            return value
        unsupported.append(value.strip())
        return None

    ev.participants = unique_in_order(_normalise_party(p) for p in rec.participants if said(p))
    host = said(rec.host)
    ev.host = _normalise_party(host) if host else None
    ev.location = said(rec.location)
    ev.places = [ev.location] if ev.location else []
    start, end = said(rec.start), said(rec.end)
    ev.start, ev.end = _llm_date(start, art.published), _llm_date(end, art.published)
    ev.dates_text = " to ".join(x for x in (start, end) if x) or None
    if unsupported:
        log.warning("%s: the LLM's %s record named %s, which its cited sentences do not say; left out",
                    art.source, rec.kind, ", ".join(repr(v) for v in unsupported))
    ev.months = {int(v[5:7]) for v in (ev.start, ev.end) if is_iso(v)}
    ev.relation = rec.relation if rec.relation and not missing_facts(rec.relation, passage) else None
    if not name:
        ev.name = _descriptive_name(ev)
    # The model's summary stands only when its names, numbers and months are in the cited
    # sentences; otherwise one is written from the checked fields (extract_llm, summarise).
    summary = rec.summary.strip()
    ev.summary = summary if summary and not missing_facts(summary, passage) else ""
    if rec.kind == "alliance":
        agreed = re.search(r"join|admit|member|sign|treaty|pact|accession", f"{rec.relation} {rec.summary}", re.I)
        ev.notes.relation_kind = "agree" if agreed else "cooperate"
    ev.evidence = evidence
    ev.articles = [art]
    return ev


def _descriptive_name(ev: Event) -> str:
    """A name from the checked parties when the model's was not in the text: "China–Belarus exercise"."""
    word = {"exercise": "exercise", "alliance": "alignment", "deployment": "deployment"}[ev.kind]
    who = "–".join(ev.participants[:3])
    return f"{who} {word}" if who else word[0].upper() + word[1:]


def _normalise_party(value: str | None) -> str:
    """A country as its short name ("Chinese", "U.S." -> "China", "United States"), anything
    else as written."""
    if not value:
        return ""
    match = resolve_country(value.strip())
    return match.name if match else value.strip()


def _llm_date(value: str | None, published: date | None) -> str | None:
    if not value or not value.strip():
        return None
    value = value.strip()
    if is_iso(value):
        return value
    return parse_day(value, published) or value
