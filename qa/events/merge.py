"""Records about the same event become one: within an article (a record described before its
name is given) and across articles (the same exercise reported twice), keeping every citation."""

from __future__ import annotations

import re

from qa.events.record import Event, unique_in_order
from qa.text.dates import YEAR_RE, is_iso


def name_key(name: str) -> str:
    """An exercise name for comparison: lower case, letters only, years dropped."""
    return re.sub(r"[^a-z]+", " ", re.sub(rf"\b{YEAR_RE}\b", "", name.lower())).strip()


def merge_into(target: Event, other: Event) -> None:
    """``other``'s fields fill ``target``'s gaps; lists are joined, a name given wins over a
    descriptive one, an ISO date over one as written."""
    target.participants = unique_in_order([*target.participants, *other.participants])
    target.places = unique_in_order([*target.places, *other.places])
    target.host = target.host or other.host
    target.location = target.location or other.location
    if not target.start and other.start or is_iso(other.start) and not is_iso(target.start):
        target.start, target.end, target.dates_text = other.start, other.end, other.dates_text
    target.dates_text = target.dates_text or other.dates_text
    target.duration = target.duration or other.duration
    target.months |= other.months
    target.relation = target.relation or other.relation
    if other.named and not target.named:
        target.name, target.named = other.name, True
    notes, more = target.notes, other.notes
    notes.descriptors = [*notes.descriptors, *more.descriptors]
    notes.joint = notes.joint or more.joint
    notes.located = unique_in_order([*notes.located, *more.located])
    for s in other.evidence:
        if s not in target.evidence:
            target.evidence.append(s)
    for a in other.articles:
        if a not in target.articles:
            target.articles.append(a)
    target.citations.extend(c for c in other.citations if (c.chunk_id, c.quote) not in {(x.chunk_id, x.quote) for x in target.citations})


def same_event(a: Event, b: Event) -> bool:
    """Exercises: the same name, or (unnamed) shared participants with a shared place, start day,
    or month and known host. Alliances: the same parties and kind of relation. Deployments: the same
    parties and host."""
    if a.kind != b.kind:
        return False
    if a.kind == "exercise":
        if a.named and b.named:
            return name_key(a.name) == name_key(b.name)
        shared = set(a.participants) & set(b.participants)
        if len(shared) < min(2, len(a.participants), len(b.participants)) or not shared:
            return False
        places = {p.lower() for p in a.places} & {p.lower() for p in b.places}
        dates = a.months & b.months
        same_days = is_iso(a.start) and a.start == b.start
        # A shared month is enough only with a shared, known host: two unnamed exercises of the
        # same allies in one month, hosts unknown, are as likely two exercises as one.
        return bool(places or same_days or (dates and a.host and a.host == b.host))
    if a.kind == "alliance":
        return set(a.participants) == set(b.participants) and a.notes.relation_kind == b.notes.relation_kind
    return set(a.participants) == set(b.participants) and (a.host or "") == (b.host or "")


def merge_events(events: list[Event]) -> list[Event]:
    """Records about the same event (from several articles) become one, keeping every citation."""
    out: list[Event] = []
    for ev in events:
        target = next((e for e in out if same_event(e, ev)), None)
        if target is None:
            out.append(ev)
        else:
            merge_into(target, ev)
    return out
