"""One article's frames become records: frames about the same exercise, alignment or deployment
are absorbed into one record, following the article as it moves between exercises."""

from __future__ import annotations

import re
from datetime import date

from qa.events.countries import resolve_country
from qa.events.cues import EXERCISE_NOUN
from qa.events.frame import Frame
from qa.events.merge import merge_into, name_key
from qa.events.record import Event, unique_in_order
from qa.retrieval.articles import Article
from qa.text.dates import is_iso


def new_event(frame: Frame, art: Article) -> Event:
    ev = Event(kind=frame.kind, name=frame.name or "")
    ev.named = frame.kind == "exercise" and bool(frame.name)
    absorb(ev, frame, art)
    return ev


def absorb(ev: Event, frame: Frame, art: Article) -> None:
    """Add what ``frame`` says to ``ev``: new parties and places, fields still missing, the
    sentence as evidence."""
    ev.participants = unique_in_order([*ev.participants, *frame.participants])
    ev.places = unique_in_order([*ev.places, *frame.places])
    if frame.hosts and not ev.host:
        ev.host = frame.hosts[0]
    if frame.location_text and not ev.location:
        ev.location = frame.location_text
    if not ev.start and frame.start or is_iso(frame.start) and not is_iso(ev.start):
        ev.start, ev.end, ev.dates_text = frame.start, frame.end, frame.dates_text
    if not ev.dates_text and frame.dates_text:
        ev.dates_text = frame.dates_text
    ev.duration = ev.duration or frame.duration
    ev.months |= frame.months
    ev.relation = ev.relation or frame.relation
    if frame.kind == "deployment" and frame.force and " forces in " in ev.name:
        ev.name = frame.name
    if frame.kind == "exercise" and frame.name and frame.name_strength and not ev.named:
        ev.name, ev.named = frame.name, True
    notes = ev.notes
    if frame.descriptor:
        notes.descriptors.append(frame.descriptor)
    notes.joint = notes.joint or frame.joint
    notes.located = unique_in_order([*notes.located, *frame.location_countries])
    if notes.relation_kind != "agree":  # once signed or admitted, an agreement stays one
        notes.relation_kind = frame.relation_kind or notes.relation_kind
    notes.joins = notes.joins or frame.joins
    if frame.sentence not in ev.evidence:
        ev.evidence.append(frame.sentence)
    if art not in ev.articles:
        ev.articles.append(art)


# A join that happened ("joined", "was admitted to"), not one hoped for ("to join", "joining").
_DONE_JOIN_RE = re.compile(
    r"\b(?:joined|admitted|accepted|became|ratified|signed|accession|(?:joining|admission|entry) of)\b", re.I
)


def compatible_dates(a: set[int], b: set[int]) -> bool:
    """Months that could be the same exercise: either unknown, or at least one in common."""
    return not a or not b or bool(a & b)


# "this exercise", "the drills", "will also take part": the sentence tells of the exercise being described.
_REFERS_BACK_RE = re.compile(
    rf"\b(?:this|these|that|those|the|such)\s+(?:[\w-]+\s+){{0,2}}?{EXERCISE_NOUN}\b|\balso\b", re.I
)


def refers_back(sentence: str) -> bool:
    """The sentence refers back to an exercise already told ("this exercise", "also")."""
    return bool(_REFERS_BACK_RE.search(sentence))


def other_parties(held: list[str], told: list[str]) -> bool:
    """A sentence's exercise is another one than the exercise being described when its parties
    are known and mostly others: none in common, or two or more sharing less than half (unless
    the sentence refers back to it: checked by the caller with ``refers_back``)."""
    a, b = set(held), set(told)
    if not a or not b:
        return False
    return not a & b or (len(b) >= 2 and len(a & b) / len(a | b) < 0.5)


_FAR_APART_DAYS = 31  # two dated mentions of one exercise fall within a month of each other


def another_time(start: str | None, frame: Frame | Event, published: date | None) -> bool:
    """A sentence's unnamed exercise is another one when it gives a full date weeks away from
    the date of the exercise being described or, when that one has no date, when it is dated
    weeks before the article and no end is given that reaches the article's time: news tells of
    current exercises, and "a drill on September 12, 2016" in a 2020 article is an earlier one.
    A planned exercise (dated after the article) or one still running is the one described."""
    if not is_iso(frame.start):
        return False
    if is_iso(start):
        return abs((date.fromisoformat(start) - date.fromisoformat(frame.start)).days) > _FAR_APART_DAYS
    if published is None:
        return False
    last = frame.end if is_iso(frame.end) else frame.start
    told = frame.sentence.text if isinstance(frame, Frame) else " ".join(x.text for x in frame.evidence)
    return (published - date.fromisoformat(last)).days > _FAR_APART_DAYS and not _STILL_RUNNING_RE.search(told)


# "will run until", "continues", "is under way": an exercise that began long ago but goes on.
_STILL_RUNNING_RE = re.compile(r"\b(?:will|until|continu\w*|ongoing|under ?way|still|runs?|running)\b", re.I)


def same_parties(ev: Event, frame: Frame) -> bool:
    """An alignment or deployment of one article told again. Alignments: most parties shared
    (Jaccard at least a half) or the same organisation named; deployments: the same parties sent
    to the same place."""
    a, b = set(ev.participants), set(frame.participants)
    if frame.kind == "deployment":
        return a == b and (ev.host or ev.location) == ((frame.hosts or [None])[0] or frame.location_text)
    if not a or not b:
        return False
    if len(a & b) / len(a | b) >= 0.5:
        return True
    if frame.joins and _DONE_JOIN_RE.search(frame.relation or ""):
        return False  # each country that joined an organisation is its own accession
    return any(resolve_country(p) is None for p in a & b)  # a party that is no country: an organisation


def group_article(frames: list[Frame], art: Article) -> list[Event]:
    """The records of one article from its frames, in reading order."""
    events: list[Event] = []
    current: Event | None = None
    for f in frames:
        if f.kind == "alliance" and f.name and f.name_strength:
            # a pact with its own name is its own record, whoever its parties
            same = next((e for e in events if e.kind == "alliance" and e.named and name_key(e.name) == name_key(f.name)), None)
            if same is None:
                same = new_event(f, art)
                same.named = True
                events.append(same)
            else:
                absorb(same, f, art)
            continue
        if f.kind != "exercise":
            same = next((e for e in events if e.kind == f.kind and same_parties(e, f)), None)
            if same is None:
                events.append(new_event(f, art))
            else:
                absorb(same, f, art)
            continue
        if f.name and f.name_strength:
            target = next((e for e in events if e.kind == "exercise" and e.named and name_key(e.name) == name_key(f.name)), None)
            if target is None and current is not None and not current.named and compatible_dates(current.months, f.months):
                target = current
            if target is None:
                target = new_event(f, art)
                events.append(target)
            else:
                absorb(target, f, art)
            current = target
            continue
        main = next((e for e in events if e.kind == "exercise" and e.named), None) or next(
            (e for e in events if e.kind == "exercise"), None
        )
        another = (
            (other_parties(current.participants, f.participants) or another_time(current.start, f, art.published))
            and not refers_back(f.sentence.text)
            if current
            else False
        )
        if current is None or not compatible_dates(current.months, f.months) or another:
            # another exercise: one at another time of year than the one being described
            target = next(
                (e for e in events if e.kind == "exercise" and f.months and e.months & f.months and not other_parties(e.participants, f.participants)),
                None,
            )
            if target is None:
                target = new_event(f, art)
                target.notes.digression = current is not None
                events.append(target)
            else:
                absorb(target, f, art)
            current = target
        elif current.notes.digression and not f.months and main is not None and main is not current:
            absorb(main, f, art)  # back from an aside about another exercise
            current = main
        else:
            absorb(current, f, art)
    # An unnamed exercise described before its name is given is the named one.
    named = [e for e in events if e.kind == "exercise" and e.named]
    for e in [e for e in events if e.kind == "exercise" and not e.named]:
        told_back = any(refers_back(x.text) for x in e.evidence)
        match = [n for n in named if compatible_dates(n.months, e.months) and (told_back or not other_parties(n.participants, e.participants))]
        if len(match) == 1 and (not e.months or e.months & match[0].months):
            merge_into(match[0], e)
            events.remove(e)
    # Unnamed exercises of the same parties at compatible times are one exercise told twice.
    kept: list[Event] = []
    for e in events:
        twin = next(
            (k for k in kept if k.kind == e.kind == "exercise" and not (k.named or e.named) and e.participants
             and set(k.participants) == set(e.participants) and compatible_dates(k.months, e.months)
             and not another_time(k.start, e, art.published)),
            None,
        )
        if twin is None:
            kept.append(e)
        else:
            merge_into(twin, e)
    return kept
