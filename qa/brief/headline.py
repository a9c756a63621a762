"""Headline facts for a key point: the concrete detail an article gives about an event (named
units, equipment and aircraft, numbers of troops or ships, distances, places and dates) that the
record's one-line summary leaves out.

Candidates are the record's evidence sentences and their neighbours in the same article (an
article tells an event over a few consecutive sentences), and the first sentences of its articles. A sentence scores for the facts it
carries that the summary does not already say:

* strong facts, by their shape: a number with what it counts ("2,500 troops", "11-day",
  "three warships"), a designation ("Y-20", "F-35A", "Su-57"), a numbered unit ("31st Marine
  Expeditionary Unit");
* names: capitalised multi-word names ("Baranovichi air base", "Xian Y-20");
* equipment and forces without a number ("fighter jets", "warships"): closer, with MiniLM, to a
  few generic sentences about forces and equipment than to a generic sentence of reporting.

The best sentence with a new strong fact, or one about forces and equipment, is quoted (whole, or
the clauses that carry its facts when it is long) and cited.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from qa.events.record import Event
from qa.retrieval.articles import Sentence, is_junk
from qa.storage.embedders import cached_vectors
from qa.text.dates import YEAR_RE

if TYPE_CHECKING:
    from qa.storage.embedders import Embedder

_NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|twenty|thirty|"
    "forty|fifty|hundred|hundreds|thousand|thousands|dozens|million"
)
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
# A number and the word it counts; not a year, not a day of a month ("August 30", "30 August").
_COUNT = re.compile(
    rf"(?<![\w.-])(?!{YEAR_RE}\b)(?:\d[\d,.]*|(?:{_NUMBER_WORDS}))(?:[\s-]+(?:more|additional|extra))?"
    r"(?:\s+of(?:\s+(?:its|the|their|his|her))?)?"
    rf"[\s-]+(?!{_MONTH}\b)(?:[A-Za-z][\w-]*)",
    re.I,
)
_DAY_OF_MONTH = re.compile(rf"\b{_MONTH}\s+\d{{1,4}}\b|\b\d{{1,2}}\s+{_MONTH}", re.I)
_DESIGNATION = re.compile(r"(?<![\w-])[A-Z][A-Za-z]{0,3}-?\d{1,4}[A-Za-z]?(?![\w-])(?<!\b\d{4})")
_UNIT = re.compile(r"\b\d+(?:st|nd|rd|th)\s+(?:[A-Z][\w-]*\s?)+")
_NAME = re.compile(r"(?<!^)(?<![.!?“\"]\s)\b[A-Z][\w’'-]+(?:\s+(?:of\s+|the\s+|de\s+)?[A-Z0-9][\w’'-]*)+")
# Sentences of an article's lead.
_LEAD = 2
# Quoted whole up to this many words; a longer sentence is cut to the clauses with its facts.
_MAX_WORDS = 45
_CLAUSE = re.compile(r",\s+|;\s+|\s+[–—]\s+|:\s+")

# Generic sentences, not drawn from any evaluation article: what a headline fact about forces
# reads like, and what plain reporting reads like.
FORCE_PROTOTYPES = (
    "The soldiers arrived on a military transport aircraft with their equipment.",
    "Warships, submarines, fighter jets, helicopters, tanks and missile systems took part.",
    "Thousands of troops and hundreds of armoured vehicles were involved.",
    "The marine expeditionary unit and an infantry brigade joined the drills.",
)
REPORTING_PROTOTYPE = "Officials said in a statement that the talks between the two governments would continue."


@dataclass
class Detail:
    sentence: Sentence
    text: str  # the sentence, or the clauses of it with the facts (verbatim, "…" where cut)
    facts: list[str]


def facts(text: str, said: str) -> tuple[list[str], list[str]]:
    """(strong facts, names) in ``text`` that ``said`` (the summary) does not already contain."""
    low = said.casefold()
    dates = [m.span() for m in _DAY_OF_MONTH.finditer(text)]

    def new(s: str) -> bool:
        return s.strip().casefold() not in low

    def in_date(m: re.Match) -> bool:
        return any(a <= m.start() < b or m.start() <= a < m.end() for a, b in dates)

    strong = [m.group(0).strip() for rx in (_COUNT, _DESIGNATION, _UNIT) for m in rx.finditer(text) if not in_date(m)]
    names = [m.group(0).strip() for m in _NAME.finditer(text) if not in_date(m)]
    strong = [f for f in dict.fromkeys(strong) if new(f) and not any(f != g and f in g for g in strong)]
    names = [n for n in dict.fromkeys(names) if new(n) and not any(n in f for f in strong)]
    return strong, names


def _whole(text: str) -> bool:
    """A sentence as written, not a piece of one cut by a line break: it starts like a sentence
    and ends with its stop."""
    text = text.strip()
    return bool(text) and (text[0].isupper() or text[0].isdigit() or text[0] in "“\"‘'") and text[-1] in ".!?”\"’'"


def sentence_key(s: Sentence) -> tuple[str, int]:
    return (s.chunk.doc_id, s.position)


def candidates(ev: Event, skip: set[tuple[str, int]] = frozenset(), used: set[tuple[str, int]] = frozenset()) -> list[Sentence]:
    """The record's evidence sentences and their neighbours, and its articles' lead sentences (where
    news puts its headline facts), in article order, less ``skip``
    (sentences that tell another record) and ``used`` (already quoted as a detail)."""
    own = {sentence_key(s) for s in ev.evidence}
    out: dict[tuple[str, int], Sentence] = {}
    for art in ev.articles:
        positions = {s.position for s in ev.evidence if s.chunk.doc_id == art.doc_id}
        for s in art.sentences:
            key = (art.doc_id, s.position)
            if key in used or (key in skip and key not in own):
                continue
            near = {s.position - 1, s.position, s.position + 1} & positions or s.position < _LEAD
            if near and _whole(s.text) and not is_junk(s.text, art.title):
                out[key] = s
    return list(out.values())


def excerpt(text: str, facts: list[str]) -> str:
    """``text`` whole when short, else the run of clauses from its first fact to its last."""
    if len(text.split()) <= _MAX_WORDS or not facts:
        return text
    cuts = [0, *(m.end() for m in _CLAUSE.finditer(text)), len(text)]
    spans = list(zip(cuts, cuts[1:], strict=False))
    hits = [i for i, (a, b) in enumerate(spans) if any(f in text[a:b] for f in facts)]
    if not hits:
        return text
    a, b = spans[hits[0]][0], spans[hits[-1]][1]
    if len(text[a:b].split()) > _MAX_WORDS:  # facts far apart: the clause with most of them
        best = max(hits, key=lambda i: sum(f in text[slice(*spans[i])] for f in facts))
        a, b = spans[best]
    part = text[a:b].strip().rstrip(",;:–—").strip()
    return ("…" if a > 0 else "") + part + ("…" if b < len(text) else "")


def headline_detail(
    ev: Event,
    said: str,
    embedder: Embedder | None = None,
    skip: set[tuple[str, int]] = frozenset(),
    used: set[tuple[str, int]] = frozenset(),
) -> Detail | None:
    """The sentence about ``ev`` with the most headline facts that ``said`` lacks, or None.
    Sentence keys (``sentence_key``): ``skip`` not to quote unless they are ``ev``'s evidence,
    ``used`` never."""
    sents = candidates(ev, skip, used)
    if not sents:
        return None
    found = [facts(s.text, said) for s in sents]
    forces = [0.0] * len(sents)
    if embedder is not None:
        vecs = cached_vectors(embedder, [s.text for s in sents])
        protos = cached_vectors(embedder, [*FORCE_PROTOTYPES, REPORTING_PROTOTYPE])
        sims = vecs @ protos.T
        # Closer to forces and equipment than to plain reporting: a margin, not a tuned threshold.
        forces = [float(row[:-1].max() - row[-1]) for row in sims]
    best, best_score = None, 0.0
    for s, (strong, names), force in zip(sents, found, forces, strict=True):
        if not strong and force <= 0:
            continue
        score = 2 * len(strong) + 0.5 * len(names) + max(force, 0.0) * 4
        if score > best_score:
            best, best_score = Detail(s, excerpt(s.text, strong + names), strong + names), score
    return best
