"""Structured, cited event records: exercises, alliances and alignments, deployments.

Two extractors produce the same ``Event`` records (``qa.events.record``):

* offline (no LLM): a learned sentence classifier (``classifier``: logistic regression on
  MiniLM vectors, fitted on the gold set's choosing split) says which kinds a sentence reports;
  general rules read the fields: countries through country-converter and countryinfo (names,
  demonyms, capitals as metonyms, states and provinces), armed services and units for their
  country, exercise names as written (``exercise_names``), places as written, dates through
  dateparser; every field comes from an evidence sentence that is cited verbatim. Without the
  weights file the vocabulary cues decide, as before.
  Sentences become frames (``article_frames``), an article's frames become records
  (``grouping``), records about the same event merge across articles (``merge``), and each is
  named, typed and summarised (``summary``);
* LLM (``llm_extract``): one structured-output call per article over numbered sentences; the
  model cites sentence numbers and the quotes are taken from those sentences.

Either way the records are filtered by topic and dates, sorted, and their evidence is numbered
as citations across the whole list.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING

from qa.events.article_frames import Context, article_country, article_frames, article_parties
from qa.events.countries import publisher_country
from qa.events.cues import EXERCISE_NOUN
from qa.events.grouping import group_article
from qa.events.llm_extract import extract_llm
from qa.events.mentions import find_mentions
from qa.events.merge import merge_events
from qa.events.record import KINDS, Event
from qa.events.summary import finish_record
from qa.models import Citation
from qa.retrieval.articles import Article, load_articles
from qa.text.controls import clean_query
from qa.text.dates import is_iso, parse_range
from qa.text.numbering import CitationNumbering

if TYPE_CHECKING:
    from qa.config import Settings
    from qa.events.classifier import KindClassifier
    from qa.llm.chat import ChatLLM


def extract_events(
    settings: Settings,
    *,
    topic: str | None = None,
    since: str | date | None = None,
    until: str | date | None = None,
    llm: ChatLLM | None = None,
    articles: list[Article] | None = None,
) -> list[Event]:
    """Cited event records from the index (or the part about ``topic``), newest articles' dates
    within ``since``/``until`` (as in ``qa.text.dates.parse_bound``). ``llm`` None: the offline
    extractor."""
    since, until = parse_range(since, until)
    topic = clean_query(topic or "") or None
    if articles is None:
        articles = load_articles(settings, topic=topic, since=since, until=until)
    events = extract_llm(settings, articles, llm) if llm is not None else extract_offline(settings, articles)
    if topic:
        events = [e for e in events if any(a.on_topic(s) for a in e.articles for s in e.evidence if s.chunk.doc_id == a.doc_id)]
    if since or until:
        events = [e for e in events if _within(e, since, until)]
    events.sort(key=lambda e: (KINDS.index(e.kind), e.sort_date, -len(e.evidence), e.name))
    number_citations(events)
    return events


# A country written as the owner of an exercise: "Russia's Zapad exercise", "Chinese naval drills".
_OWNED_RE = re.compile(rf"^(?:[’']s)?\s+(?:(?:[A-Z][\w’'-]*|military|naval|large-scale|annual|major|strategic)\s+){{0,3}}{EXERCISE_NOUN}\b")


def exercise_owners(sentence: str) -> set[str]:
    """The countries ``sentence`` writes as owners of an exercise."""
    return {m.country for m in find_mentions(sentence) if m.country and _OWNED_RE.match(sentence[m.end :])}


def add_publisher(events: list[Event], publisher: str) -> None:
    """A military's own release reports that military's exercises, wherever they are held: its
    country joins each of them, except another country's own exercise mentioned in passing (one
    not called joint whose named parties are all written as its owners: "Russia's Zapad
    exercise")."""
    for e in events:
        if e.kind != "exercise" or publisher in e.participants:
            continue
        owners = set().union(*(exercise_owners(s.text) for s in e.evidence)) if e.participants else set()
        if not e.participants or e.notes.joint or not set(e.participants) <= owners:
            e.participants = [publisher, *e.participants]


def extract_offline(settings: Settings, articles: list[Article], *, classifier: KindClassifier | None = None) -> list[Event]:
    """Records from the rules and the sentence classifier (the shipped one unless ``classifier``
    is given)."""
    ctx = Context(settings, articles, classifier=classifier)
    events: list[Event] = []
    for art in articles:
        found = group_article(article_frames(art, ctx), art)
        publisher = publisher_country(ctx.publisher(art)) or publisher_country(art.source)
        if publisher:
            add_publisher(found, publisher)
        if any(e.kind == "exercise" and not (e.participants or e.host) for e in found):
            # an exercise with no party named in its sentences is the article's own country's
            home = article_country(art, ctx.orgs)
            for e in found:
                if home and e.kind == "exercise" and not (e.participants or e.host):
                    e.participants = [home]
        if any(e.kind == "alliance" and len(e.participants) == 1 for e in found):
            # an alignment names two sides; one written alone ("its U.S. ally") is with the
            # party the article is otherwise about
            parties = article_parties(art, ctx.orgs)
            for e in found:
                if e.kind == "alliance" and len(e.participants) == 1:
                    other = next((p for p in parties if p not in e.participants), None)
                    if other:
                        e.participants.append(other)
        events.extend(found)
    events = merge_events(events)
    for ev in events:
        finish_record(ev)
    return [e for e in events if _complete(e)]


def _complete(ev: Event) -> bool:
    """A record says enough: an exercise has a party, a name or a place; an alignment has two
    parties and a military or security side (trade and company ties are not alliances: a
    cooperation whose sentences name nothing military is one). (Deployments with no destination
    stay: on the choosing split, requiring one lost more true records than false ones.)"""
    if ev.kind == "exercise":
        return bool(ev.participants or ev.named or ev.host or ev.places)
    if ev.kind == "alliance":
        return len(ev.participants) >= 2 and ev.notes.relation_kind != "cooperate-civil"
    return bool(ev.participants)


def number_citations(events: list[Event], start: int = 1, existing: list[Citation] | None = None) -> list[Citation]:
    """Give every event its citations (one per evidence sentence), numbered across the whole list
    from ``start``; a sentence cited twice, or already in ``existing``, keeps one number. Returns
    the new citations in order."""
    numbering = CitationNumbering(start, existing or [])
    for ev in events:
        ev.citations = []
        for sent in sorted(ev.evidence, key=lambda s: (s.chunk.source, s.position)):
            cit = numbering.cite(sent.chunk, sent.span)
            if cit not in ev.citations:
                ev.citations.append(cit)
    return numbering.citations


def _within(ev: Event, since: date | None, until: date | None) -> bool:
    """An event with its own ISO dates is judged by them; otherwise by its articles' dates."""
    start = ev.start if is_iso(ev.start) else None
    end = ev.end if is_iso(ev.end) else start
    if start is None:
        return True  # the articles were already filtered by publication date
    if since and end and date.fromisoformat(end) < since:
        return False
    return not (until and date.fromisoformat(start) > until)
