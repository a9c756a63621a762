"""Exercise frames: the exercise a sentence reports, its proper name (when the articles give it
one), how it is described, who takes part, where and when."""

from __future__ import annotations

import re

from qa.events.countries import resolve_country
from qa.events.cues import (
    COREFERENCE_RE,
    DETERMINERS,
    EXERCISE_NOUN,
    NAME_BEFORE_NOUN_RE,
    NAMED_AS_RE,
    PARTICIPATE_AFTER_RE,
    QUOTED_NAME_RE,
    STOP_MODIFIERS,
)
from qa.events.exercise_names import named_exercise
from qa.events.frame import Frame, find_participants
from qa.events.mentions import Mention, find_places
from qa.events.record import unique_in_order
from qa.retrieval.articles import Article, Sentence
from qa.text.dates import is_year


def exercise_frame(sent: Sentence, art: Article, orgs: dict[str, str], mentions: list[Mention], prev_actors: list[str]) -> Frame:
    """The exercise in ``sent``; ``prev_actors`` are the countries acting in the sentence before
    (for "the two countries")."""
    f = Frame(sent, "exercise")
    f.name, f.name_strength = exercise_name(sent.text, art)
    f.participants, f.hosts, f.location_countries, f.location_text = find_participants(sent.text, mentions, "exercise")
    if COREFERENCE_RE.search(sent.text) and len(prev_actors) >= 2:
        m = COREFERENCE_RE.search(sent.text)
        if PARTICIPATE_AFTER_RE.match(sent.text[m.end() :]):
            f.participants = unique_in_order([*prev_actors, *f.participants])
    f.places = find_places(sent.text, orgs)
    f.read_dates(sent.text, art.published)
    f.descriptor = exercise_descriptor(sent.text)
    f.joint = bool(re.search(r"\b(joint|bilateral|combined|multinational|trilateral|together)\b", sent.text, re.I))
    return f


def exercise_name(sentence: str, article: Article) -> tuple[str | None, int]:
    """A proper name of the exercise in this sentence and how sure: 3 explicit ("Exercise X",
    "called X"), 2 a proper noun before the exercise word ("the Balikatan exercise"), 1 a quoted
    name near it."""
    low_text = article.text.lower()

    def proper(candidate: str) -> bool:
        words = [w for w in re.split(r"[\s-]+", candidate) if w and not is_year(w)]
        if not words or resolve_country(candidate.strip()) is not None:  # "South Korean" drills
            return False
        for w in words:
            lw = w.lower().strip("’'")
            if lw in DETERMINERS or lw in STOP_MODIFIERS:
                return False
            if resolve_country(w) is not None or w.isupper() and len(w) <= 6:
                return False
            # A word that the article also writes in lower case is an ordinary word, not a name.
            if re.search(rf"(?<![\w’']){re.escape(lw)}(?![\w’'])", low_text) and re.search(rf"(?<![A-Za-z]){re.escape(lw)}\b", article.text):
                return False
        return True

    written = named_exercise(sentence)
    if written:
        return written, 3
    m = NAMED_AS_RE.search(sentence)
    if m and proper(m.group(1)):
        return m.group(1).strip(), 3
    for m in NAME_BEFORE_NOUN_RE.finditer(sentence):
        words = m.group(1).split()
        # Drop leading words that are not part of the name ("The", "Chinese").
        while words and not proper(words[0]):
            words = words[1:]
        cand = " ".join(words)
        if cand and proper(cand):
            return cand, 2
    for m in QUOTED_NAME_RE.finditer(sentence):
        cand = m.group(1)
        before = sentence[: m.start()]
        after = sentence[m.end() :]
        near = re.search(rf"{EXERCISE_NOUN}\b(?:\W+\w+){{0,8}}\W*$", before, re.I) or re.match(rf"^\W*(?:\w+\W+){{0,2}}{EXERCISE_NOUN}", after, re.I)
        if not near or re.match(r"^\s*(?:between|for|of|with|to|in|on|at|from|by|and)\b", after, re.I):
            continue
        if re.search(r"\b(said|says|told|called for|urged)\W*$", before):
            continue
        if proper(cand):
            return cand, 1
    return None, 0


def exercise_descriptor(sentence: str) -> str | None:
    """The exercise as the article describes it ("joint anti-terrorist exercise")."""
    # a possessive ends the description: "China's recent drills" is described as "recent drills"
    # ("drills’ " may be a closing quote, so only "'s" counts)
    plain = re.sub(r"[\w-]+['’]s(?=\s)", "|", sentence)
    plain = re.sub(r"[“”\"‘’]", "", plain)
    best = None
    best_score = -1.0
    for m in re.finditer(r"((?:[\w-]+\s+){0,4})(exercises?|drills?|war games|manoeuvres|maneuvers|training)\b", plain, re.I):
        words = m.group(1).split()
        mods: list[str] = []
        for w in reversed(words):
            lw = w.lower()
            if lw in STOP_MODIFIERS or not re.fullmatch(r"[a-z][a-z-]*", w) or re.search(r"\d", w):
                break
            mods.insert(0, w)
        noun = m.group(2).lower()
        if not mods and noun == "training":
            continue
        score = len(mods) + (0.5 if "joint" in mods else 0) + (0.5 if noun == "exercise" else 0)
        if score > best_score:
            best, best_score = " ".join([*mods, noun]), score
    return best
