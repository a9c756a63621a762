"""The parts of a briefing: its section headings (and which one a quoted sentence goes under),
the dated timeline built from the event records, and one line per who-with-whom pair."""

from __future__ import annotations

import re

from qa.events.cues import MILITARY_RE, exercise_cue
from qa.events.record import Event
from qa.events.relations import Relation
from qa.text.numbering import format_markers

SECTIONS = ("Exercises", "Alliances and alignments", "Deployments", "Background")

# A sentence typical of each heading: quoted sentences with no cue word go under the closest.
PROTOTYPES = {
    "Exercises": "Troops from several countries will hold joint military exercises and drills near the border.",
    "Alliances and alignments": "The country joined the alliance and signed a security agreement with its partners.",
    "Deployments": "The army deployed troops, missiles and warships to the region.",
}
SECTION_OF_KIND = {"exercise": "Exercises", "alliance": "Alliances and alignments", "deployment": "Deployments"}
_DEPLOYMENT_CUE = re.compile(r"\b(deploy\w*|station\w*|dispatch\w*|sen[dt] (?:troops|soldiers|forces|warships|jets))\b", re.I)
ALIGNMENT_CUE = re.compile(
    r"\b(join\w*|admitted|accession|member\w*|alliance|allies|ally|pact|treaty|agreement|partnership|friend\w*|ties|cooperation|closer)\b",
    re.I,
)


def section_of(text: str, sims: dict[str, float], kinds: dict[str, float] | None = None) -> str:
    """The heading for a quoted sentence. The event-kind classifier decides first: ``kinds`` are
    the kinds it gives the sentence, each with how far its probability is above that kind's
    threshold; of several, the one the cue words name, else the furthest above. Without any, a
    sentence with military vocabulary goes by its cue words, else by its similarity to each
    heading's prototype (``sims``); anything else is Background. An "agreement", "alliance" or
    "ties" with no military word is as often business or party politics (measured on held-out
    BBC business and politics sentences, and on the choosing part's gold evidence sentences with
    out-of-fold classifiers)."""
    by_rules = _by_rules(text, sims)
    if kinds:
        named = {SECTION_OF_KIND[k]: v for k, v in kinds.items()}
        return by_rules if by_rules in named else max(named, key=named.get)
    return by_rules if MILITARY_RE.search(text) else "Background"


def _by_rules(text: str, sims: dict[str, float]) -> str:
    if exercise_cue(text):
        return "Exercises"
    if _DEPLOYMENT_CUE.search(text) and MILITARY_RE.search(text):
        return "Deployments"
    if ALIGNMENT_CUE.search(text):
        return "Alliances and alignments"
    best = max(sims, key=sims.get)
    return best if sims[best] >= 0.45 else "Background"


def event_when(ev: Event) -> str:
    """The record's dates for a reader: "start – end", else the start or the dates as written."""
    if ev.start and ev.end and ev.start != ev.end:
        return f"{ev.start} – {ev.end}"
    return ev.start or ev.dates_text or ""


def timeline(events: list[Event]) -> list[tuple[str, str, list[int]]]:
    """(date, what, citation ids) for events with dates, ISO dates first in order."""
    rows = []
    for ev in events:
        when = event_when(ev)
        if not when:
            continue
        what = ev.name if ev.kind != "exercise" or not ev.named else f"{ev.name} exercise"
        # Records without an ISO date go after the dated ones, by their earliest month.
        order = ev.sort_date if ev.sort_date != "9999" else f"9998-{min(ev.months or {13}):02d}"
        rows.append((when, what, [c.id for c in ev.citations[:3]], order))
    rows.sort(key=lambda r: (r[3], r[0]))
    return [(a, b, c) for a, b, c, _ in rows]


def relation_line(r: Relation, cite: int = 4) -> str:
    """"**China – Russia**: exercise, alliance; 2 events (Vostok; China–Russia alignment);
    August 30 [1][4]": the pair, what they did, how often, when, and its first ``cite`` sources."""
    return f"**{r.label}**: {relation_text(r, cite)}"


def relation_text(r: Relation, cite: int = 4) -> str:
    """The line of ``relation_line`` after the pair's name."""
    names = "; ".join(r.names[:3]) + ("; …" if len(r.names) > 3 else "")
    when = f"; {r.when}" if r.when else ""
    count = f"{r.count} event{'s' if r.count != 1 else ''}"
    return f"{', '.join(r.kinds)}; {count} ({names}){when} {format_markers(r.citations[:cite])}".rstrip()
