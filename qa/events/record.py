"""The event record: an exercise, an alliance or alignment, or a deployment, with its evidence.

Types come from PLOVER (MOBILIZE for exercises and deployments, AGREE / COOPERATE for
alignments) with the corresponding CAMEO code, so records line up with event datasets.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from qa.models import Citation
from qa.retrieval.articles import Article, Sentence
from qa.text.dates import is_iso, parse_period

# PLOVER type, CAMEO code and its label, per kind of record.
TYPES = {
    "exercise": ("MOBILIZE", "150", "Demonstrate military or police power"),
    "deployment": ("MOBILIZE", "154", "Mobilize or increase armed forces"),
    "agree": ("AGREE", "057", "Sign formal agreement"),
    "cooperate": ("COOPERATE", "062", "Cooperate militarily"),
    "cooperate-civil": ("COOPERATE", "060", "Engage in material cooperation"),
}

KINDS = ("exercise", "alliance", "deployment")


def unique_in_order(items: Iterable) -> list:
    """The truthy items, first occurrence of each, in order."""
    seen: list = []
    for x in items:
        if x and x not in seen:
            seen.append(x)
    return seen


@dataclass
class ExtractionNotes:
    """What the extractor gathers about a record on the way; not part of the record itself."""

    descriptors: list[str] = field(default_factory=list)  # how the articles describe an exercise
    joint: bool = False  # "joint", "bilateral", ...: the host takes part too
    located: list[str] = field(default_factory=list)  # countries named as places, not parties
    relation_kind: str = ""  # alliances: "agree" | "cooperate" | "cooperate-civil" (the type)
    digression: bool = False  # an aside about another exercise inside an article
    joins: bool = False  # alliances: a country joining an organisation


@dataclass
class Event:
    kind: str  # exercise | alliance | deployment
    name: str
    participants: list[str] = field(default_factory=list)
    host: str | None = None
    location: str | None = None
    places: list[str] = field(default_factory=list)
    start: str | None = None  # ISO when the year is known, else as written ("August 30")
    end: str | None = None
    dates_text: str | None = None  # the date phrase as written
    duration: str | None = None
    relation: str | None = None  # alliances: how the parties relate, as written
    summary: str = ""
    type: str = ""  # PLOVER event type
    cameo: str = ""
    cameo_label: str = ""
    named: bool = False  # the articles give the exercise a proper name
    evidence: list[Sentence] = field(default_factory=list)
    articles: list[Article] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    months: set[int] = field(default_factory=set)
    notes: ExtractionNotes = field(default_factory=ExtractionNotes, repr=False)

    @property
    def id(self) -> str:
        key = f"{self.kind}|{self.name.lower()}|{','.join(sorted(self.participants))}"
        return hashlib.sha1(key.encode()).hexdigest()[:10]

    @property
    def sources(self) -> list[str]:
        return unique_in_order(a.source for a in self.articles)

    @property
    def published(self) -> list[str]:
        return sorted(unique_in_order(a.date for a in self.articles if a.date))

    @property
    def sort_date(self) -> str:
        """The first day it may have started, ISO ("9999" when unknown): a day, else the first
        day of a month or year ("January 2024" sorts before 2024-08-02, not after every day)."""
        for value in (self.start, self.end):
            if is_iso(value):
                return value
        for value in (self.start, self.end):
            period = parse_period(value)
            if period:
                return period[1].isoformat()
        return "9999"

    def set_type(self, relation_default: str) -> None:
        """PLOVER type and CAMEO code from the kind (alliances: from how the parties relate,
        ``relation_default`` when that is unknown)."""
        key = self.kind if self.kind in ("exercise", "deployment") else self.notes.relation_kind or relation_default
        self.type, self.cameo, self.cameo_label = TYPES[key]

    def to_dict(self) -> dict:
        out = {
            "id": self.id,
            "kind": self.kind,
            "type": self.type,
            "type_vocabulary": "PLOVER",
            "cameo": self.cameo,
            "cameo_label": self.cameo_label,
            "name": self.name,
            "participants": self.participants,
            "host": self.host,
            "location": self.location,
            "places": self.places,
            "start": self.start,
            "end": self.end,
            "dates_as_written": self.dates_text,
            "duration": self.duration,
            "summary": self.summary,
            "sources": self.sources,
            "published": self.published,  # the articles' publication dates, not the event's
            "citations": [c.to_dict() for c in self.citations],
        }
        if self.kind == "alliance":
            out["parties"] = self.participants
            out["relation"] = self.relation
        return out
