"""Deployment frames: a country's forces sent to, stationed in or moved into a place."""

from __future__ import annotations

import re

from qa.events.cues import CALENDAR_WORD_RE, DEPLOYED_FORCE_RE, DEPLOYMENT_RE
from qa.events.frame import Frame, find_participants
from qa.events.mentions import Mention, find_places
from qa.retrieval.articles import Article, Sentence

# What was moved, right after the owning country ("Russia's Iskander missiles").
_FORCE_RE = re.compile(
    r"^((?:’s|'s)?\s*(?:[a-z][\w-]*\s+){0,3}?(?:troops|soldiers|forces|missiles|warships|jets|aircraft|bombers|"
    r"tanks|battalions?|brigades?|submarines|weapons|marines|systems|drones|personnel))\b"
)


def deployment_frame(sent: Sentence, art: Article, orgs: dict[str, str], mentions: list[Mention]) -> Frame | None:
    """The deployment ``sent`` reports: who sends forces where; None without both."""
    text = sent.text
    if not DEPLOYMENT_RE.search(text) or not DEPLOYED_FORCE_RE.search(text):
        return None
    f = Frame(sent, "deployment")
    f.participants, f.hosts, f.location_countries, f.location_text = find_participants(text, mentions, "deployment")
    if f.participants and not (f.hosts or f.location_countries):
        dest = re.search(r"\b(?:to|into|in)\s+(?:the\s+)?([A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)?)", text)
        if (
            dest
            and not any(m.start <= dest.start(1) < m.end for m in mentions if m.kind != "place")
            and not CALENDAR_WORD_RE.match(dest.group(1))
        ):
            f.location_text = dest.group(1)
    if not f.participants or not (f.hosts or f.location_countries or f.location_text):
        return None
    f.hosts = [h for h in f.hosts if h not in f.participants] or f.hosts
    f.places = find_places(text, orgs)
    f.read_dates(text, art.published)
    owner = next((m for m in mentions if m.kind == "country" and m.country == f.participants[0]), None)
    if owner is not None:
        m = _FORCE_RE.match(text[owner.end :])
        if m and not DEPLOYMENT_RE.search(m.group(1)):
            f.force = text[owner.start : owner.end + m.end()]
    dest = f.hosts[0] if f.hosts else (f.location_countries[0] if f.location_countries else f.location_text)
    f.name = f"{f.force or f.participants[0] + ' forces'} in {dest}"
    return f
