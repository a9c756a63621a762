"""A frame: what one sentence says about one exercise, alignment or deployment, and the field
readers the three kinds share (who takes part, where, when)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from qa.events.cues import EXERCISE_BEFORE_RE, EXERCISE_NOUN, FORCE_AFTER_RE, PARTICIPATE_AFTER_RE
from qa.events.mentions import Mention
from qa.events.record import unique_in_order
from qa.retrieval.articles import Sentence
from qa.text.dates import find_dates


@dataclass
class Frame:
    """What one sentence says about one kind of event."""

    sentence: Sentence
    kind: str
    name: str | None = None
    name_strength: int = 0
    participants: list[str] = field(default_factory=list)
    hosts: list[str] = field(default_factory=list)
    location_countries: list[str] = field(default_factory=list)
    location_text: str | None = None
    places: list[str] = field(default_factory=list)
    start: str | None = None
    end: str | None = None
    dates_text: str | None = None
    duration: str | None = None
    months: set[int] = field(default_factory=set)
    descriptor: str | None = None
    joint: bool = False
    relation: str | None = None
    relation_kind: str = ""
    force: str | None = None  # deployments: what was moved, as written
    joins: bool = False  # alliances: a country joining an organisation

    def read_dates(self, sentence: str, published: date | None) -> None:
        info = find_dates(sentence, published)
        self.start, self.end, self.dates_text = info.start, info.end, info.text
        self.duration = info.duration
        self.months = set(info.months)


def country_lists(sentence: str, mentions: list[Mention]) -> list[list[Mention]]:
    """Countries written as lists ("India, Belarus, Mongolia and Tajikistan", "Belarusian and
    Chinese", "China–Belarus") grouped, in order."""
    groups: list[list[Mention]] = []
    for m in mentions:
        if m.kind not in ("country", "org"):
            continue
        if groups and re.fullmatch(r"\s*(?:,|and|or|&|, and|-|–|—|/)\s*(?:the\s+)?", sentence[groups[-1][-1].end : m.start]):
            groups[-1].append(m)
        else:
            groups.append([m])
    return groups


def find_participants(sentence: str, mentions: list[Mention], kind: str) -> tuple[list[str], list[str], list[str], str | None]:
    """(participants, hosts, location countries, location as written) among a sentence's countries."""
    participants: list[str] = []
    hosts: list[str] = []
    located: list[str] = []
    location_text = None
    for group in country_lists(sentence, mentions):
        countries = [m for m in group if m.kind == "country"]
        if not countries:
            continue
        first, last = group[0], group[-1]
        if first.role == "mentioned":
            continue  # neither a party nor a place: "to respond to North Korean threats"
        before = sentence[: first.start]
        after = sentence[last.end :]
        if first.role == "location":
            if all(m.how == "capital" for m in countries):
                continue  # "in Tokyo": a place where someone was, not a host country
            prep = re.search(r"(\w+)\s+(?:the\s+)?(?:\w+ern\s+)?$", before)
            word = prep.group(1).lower() if prep else ""
            if word in ("in", "to", "into", "inside", "within") and not re.match(r"^\s*(?:’s|'s)?\s*(?:border|coast|waters)", after):
                hosts.extend(m.country for m in countries if m.country)
            else:
                located.extend(m.country for m in countries if m.country)
                if location_text is None and word in ("near", "off", "around", "along", "opposite", "over", "outside"):
                    location_text = sentence[first.start : last.end]
            continue
        is_participant = bool(
            FORCE_AFTER_RE.match(after)
            or PARTICIPATE_AFTER_RE.match(after)
            or EXERCISE_BEFORE_RE.search(before[-80:])
            or (len(group) > 1 and re.match(r"^\s*(?:joint\s+|military\s+|naval\s+)*" + EXERCISE_NOUN, after, re.I))
        )
        if kind == "exercise" and re.search(r"[-–]\s*$", before) is None and re.match(r"^\s*[-–]\s*\w+\s", after):
            is_participant = True
        if is_participant:
            participants.extend(m.country for m in countries if m.country)
    return unique_in_order(participants), unique_in_order(hosts), unique_in_order(located), location_text
