"""Who with whom: the pairs of countries and organisations that the event records put together.

* exercises: every two participants of one exercise exercised together (undirected);
* alliances: the parties of one record are aligned (undirected); when a record with three or more
  parties includes an organisation ("NATO", "SCO"), each member pairs with the organisation, not
  with every other member (members of one bloc are not each other's bilateral partners);
* deployments: each deploying participant points at the host it deploys to (directed).

A pair counts distinct event records, keeps its earliest and latest known dates, the records'
names and the citation numbers of their evidence. Pairs come most events first, then by name.
Each record gives a pair its two most telling citations (quotes naming both parties first).
A pure function of the records: no model, no index.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from qa.events.countries import resolve_country
from qa.events.mentions import find_mentions
from qa.events.organisations import looks_like_organisation
from qa.events.record import KINDS, Event, unique_in_order
from qa.models import Citation
from qa.text.dates import is_iso


@dataclass
class Relation:
    """Two participants and what the records say they did together. Undirected pairs are stored
    with ``a`` < ``b``; a deployment pair is ``a`` (deployer) -> ``b`` (host)."""

    a: str
    b: str
    directed: bool = False
    kinds: list[str] = field(default_factory=list)
    event_ids: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    first: str | None = None  # earliest ISO date known for the records
    last: str | None = None  # latest ISO date known
    dates_text: list[str] = field(default_factory=list)  # dates without a year, as written
    citations: list[int] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.event_ids)

    @property
    def label(self) -> str:
        return f"{self.a} → {self.b}" if self.directed else f"{self.a} – {self.b}"

    @property
    def when(self) -> str:
        """The dates for a reader: "first – last", one date, or the dates as written."""
        if self.first and self.last and self.first != self.last:
            return f"{self.first} – {self.last}"
        if self.first:
            return self.first
        return ", ".join(self.dates_text)

    def to_dict(self) -> dict:
        return {
            "a": self.a,
            "b": self.b,
            "directed": self.directed,
            "kinds": self.kinds,
            "events": self.count,
            "event_ids": self.event_ids,
            "names": self.names,
            "first": self.first,
            "last": self.last,
            "dates_as_written": self.dates_text,
            "citations": self.citations,
        }


def _pairs(ev: Event, is_org: Callable[[str], bool]) -> Iterable[tuple[str, str, bool]]:
    """(a, b, directed) for one record."""
    parties = unique_in_order(p.strip() for p in ev.participants)
    if ev.kind == "deployment":
        host = (ev.host or "").strip()
        for p in parties:
            if host and p != host:
                yield p, host, True
        return
    orgs = [p for p in parties if is_org(p)]
    star = ev.kind == "alliance" and len(parties) >= 3 and orgs
    for i, p in enumerate(parties):
        for q in parties[i + 1 :]:
            if star and not (p in orgs or q in orgs):
                continue
            a, b = sorted((p, q), key=str.casefold)
            yield a, b, False


def _dates(ev: Event) -> tuple[list[str], list[str]]:
    """(ISO dates, dates as written without a year) of a record."""
    iso = [d for d in (ev.start, ev.end) if d and is_iso(d)]
    if iso:
        return iso, []
    if ev.start and ev.end and ev.start != ev.end:
        return [], [f"{ev.start} – {ev.end}"]
    return [], [d for d in (ev.start or ev.dates_text,) if d]


def _telling(ev: Event, a: str, b: str, most: int = 2) -> list[int]:
    """Up to ``most`` citation numbers of a record for one pair: the quotes that name both (by
    name before by demonym or unit), then one, then the record's first ones (a large exercise
    cites many sentences; a pair needs few)."""
    def named(c: Citation) -> int:
        return sum(naming_strength(c.quote, x) for x in (a, b))

    ranked = sorted(ev.citations, key=lambda c: (-named(c), c.id))
    return [c.id for c in ranked[:most]]


def naming_strength(text: str, party: str) -> int:
    """How ``text`` names ``party``: 2 by its name, 1 by a demonym, capital or unit, 0 not at all."""
    country = resolve_country(party)
    if country is not None:
        # keyed by the resolved short name: a party written "Turkey" or "U.S." is "Türkiye", "United States"
        hows = _countries_named(text).get(country.name)
        return 0 if not hows else 2 if "name" in hows else 1
    forms = [re.sub(r"\s*\([^)]*\)$", "", party), *re.findall(r"\(([^)]+)\)$", party)]
    low = text.casefold()
    return 2 if any(f and f.casefold() in low for f in forms) else 0


@lru_cache(maxsize=4096)
def _countries_named(text: str) -> dict[str, frozenset[str]]:
    """Country -> how ``text`` names it (name, demonym, capital, service)."""
    out: dict[str, set[str]] = {}
    for m in find_mentions(text):
        if m.country:
            out.setdefault(m.country, set()).add(m.how)
    return {k: frozenset(v) for k, v in out.items()}


def relations(events: Iterable[Event], is_org: Callable[[str], bool] = looks_like_organisation) -> list[Relation]:
    """The pairs the records put together, most events first, then by name."""
    found: dict[tuple[str, str, bool], Relation] = {}
    for ev in events:
        iso, loose = _dates(ev)
        for a, b, directed in _pairs(ev, is_org):
            rel = found.setdefault((a, b, directed), Relation(a, b, directed))
            if ev.id in rel.event_ids:
                continue
            rel.event_ids.append(ev.id)
            if ev.kind not in rel.kinds:
                rel.kinds.append(ev.kind)
            if ev.name and ev.name not in rel.names:
                rel.names.append(ev.name)
            if iso:
                rel.first = min([rel.first, *iso] if rel.first else iso)
                rel.last = max([rel.last, *iso] if rel.last else iso)
            rel.dates_text = unique_in_order([*rel.dates_text, *loose])
            rel.citations = sorted(set(rel.citations) | set(_telling(ev, a, b)))
    out = list(found.values())
    for rel in out:
        rel.kinds.sort(key=KINDS.index)
    out.sort(key=lambda r: (-r.count, r.directed, r.a.casefold(), r.b.casefold()))
    return out


def cited_sources(rels: Iterable[Relation], events: Iterable[Event]) -> list[Citation]:
    """The records' citations that the pairs use, in number order (numbers as in the records)."""
    wanted = {n for r in rels for n in r.citations}
    found = {c.id: c for ev in events for c in ev.citations if c.id in wanted}
    return [found[n] for n in sorted(found)]
