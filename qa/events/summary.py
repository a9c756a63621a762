"""The finished record: a name for an unnamed exercise, the host among the participants, the
PLOVER type, and a one-sentence summary written from the record's fields."""

from __future__ import annotations

import re

from qa.events.record import Event, unique_in_order


def finish_record(ev: Event) -> None:
    """Name, host-as-participant, type and one-sentence summary from the gathered fields."""
    # "European Union." at the end of a sentence is the European Union.
    ev.participants = unique_in_order(p.strip(" .,;:!?'\"’”") for p in ev.participants)
    ev.name = ev.name.rstrip(" .,;:")
    if ev.kind == "exercise":
        located = ev.notes.located
        ev.participants = [p for p in ev.participants if p not in located or p == ev.host]
        if ev.host and ev.notes.joint and ev.host not in ev.participants:
            ev.participants.append(ev.host)
        if ev.participants == [] and ev.host:
            ev.participants = [ev.host]
        if not ev.location and ev.places:
            ev.location = max(ev.places, key=lambda p: sum(p.lower() in s.text.lower() for s in ev.evidence))
        if not ev.named:
            descriptors = [d for d in ev.notes.descriptors if d]
            desc = max(descriptors, key=lambda d: (len(d.split()) + (0.5 if "joint" in d else 0) + (0.5 if d.endswith("exercise") else 0)), default="military exercise")
            who = "–".join(ev.participants[:3])
            ev.name = f"{who} {desc}".strip() if who else desc[0].upper() + desc[1:]
    elif ev.kind == "deployment":
        if not ev.location and ev.places:
            ev.location = ev.places[0]
    ev.set_type(relation_default="cooperate-civil")
    if not ev.summary:
        ev.summary = summarise(ev)


def _join(items: list[str]) -> str:
    """"A, B and C"."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def summarise(ev: Event) -> str:
    """One sentence from the record's fields (offline mode)."""
    when = ""
    if ev.start and ev.end:
        when = f", {ev.start} to {ev.end}"
    elif ev.start:
        when = f", from {ev.start}"
    elif ev.dates_text:
        starting = re.fullmatch(r"(?:\w+ )?\w+day", ev.dates_text)
        when = f", starting {ev.dates_text}" if starting else f", {ev.dates_text}"
    if ev.kind == "exercise":
        label = f"{ev.name} exercise" if ev.named else ev.name[0].upper() + ev.name[1:]
        where = ""
        if ev.location and ev.host and ev.host not in ev.location:
            where = f" near {ev.location}, {ev.host}" if ev.location not in (ev.host,) else f" in {ev.host}"
        elif ev.location:
            where = f" near {ev.location}"
        elif ev.host:
            where = f" in {ev.host}"
        dur = f" ({ev.duration})" if ev.duration else ""
        who = f": {_join(ev.participants)}" if ev.participants else ""
        return f"{label}{who}{',' if who and where else ''}{where}{when}{dur}."
    if ev.kind == "alliance":
        if ev.relation and ev.notes.joins and len(ev.participants) == 2:
            return f"{ev.participants[0]} {ev.relation} {ev.participants[1]}."
        if ev.name.endswith(" membership"):
            return f"{ev.participants[0]}: members include {_join(ev.participants[1:])}."
        return f"{_join(ev.participants)}: {ev.relation or 'alignment'}."
    dest = ev.host or ev.location
    where = f" to {dest}" if dest else ""
    return f"{_join(ev.participants)} deployed {ev.name.rsplit(' in ', 1)[0]}{where}{when}."
