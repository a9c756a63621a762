"""The matching rule of the events gold set and per-kind scores.

A predicted record matches a gold record of the same article and kind when the names agree or
the participants overlap at Jaccard >= 0.5; pairs are one to one (a maximum matching per article
and kind, ties broken by the larger overlap). Names agree when their distinctive tokens
(lower-case words and numbers, less years and the words every event name shares: "exercise",
"operation", "joint", ...) are non-empty and one set contains the other. Participants are
compared by their normalised names, an organisation written as "Long Name (ACRONYM)" or as its
initials counting as its acronym, and a country by the short name the events package gives it
(``qa.events.countries.resolve_country``: "Turkey" and "Türkiye", "Czech Republic" and "Czechia"
are one participant).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from qa.events.countries import resolve_country
from qa.events.record import KINDS
from qa.text.dates import is_year

if TYPE_CHECKING:
    from qa.events.record import Event

JACCARD_MIN = 0.5
# Words every event name may carry; they say what kind of event it is, not which one.
GENERIC_NAME_WORDS = frozenset(
    "the a an of and in on for to exercise exercises drill drills operation operations war games wargames "
    "manoeuvre manoeuvres maneuver maneuvers training joint military naval annual combined bilateral "
    "multinational alliance alignment agreement membership deployment forces troops".split()
)


@dataclass
class GoldEvent:
    kind: str
    name: str | None
    participants: list[str]
    evidence: str = ""


def name_tokens(name: str | None) -> frozenset[str]:
    """The distinctive tokens of an event name (see the module docstring)."""
    if not name:
        return frozenset()
    words = re.findall(r"[a-z0-9]+", name.lower())
    return frozenset(w for w in words if w not in GENERIC_NAME_WORDS and not is_year(w))


def names_agree(a: str | None, b: str | None) -> bool:
    ta, tb = name_tokens(a), name_tokens(b)
    return bool(ta and tb) and (ta <= tb or tb <= ta)


def participant_forms(name: str) -> frozenset[str]:
    """Ways of writing one participant: its normalised name, an acronym it gives in parentheses,
    the initials of a multi-word name, the short name of the country it names."""
    forms = set()
    country = resolve_country(name)
    if country is not None and country.kind == "name":
        forms.add(country.name.lower())
    acro = re.search(r"\(([A-Za-z][A-Za-z0-9&-]{1,11})\)\s*$", name)
    base = name[: acro.start()] if acro else name
    if acro:
        forms.add(acro.group(1).lower())
    norm = re.sub(r"[^a-z0-9]+", " ", base.lower()).strip()
    norm = re.sub(r"^the ", "", norm)
    if norm:
        forms.add(norm)
        words = [w for w in norm.split() if w not in ("of", "and", "the", "for")]
        if len(words) >= 2:
            forms.add("".join(w[0] for w in words))
    return frozenset(forms)


def participant_jaccard(pred: Iterable[str], gold: Iterable[str]) -> float:
    """Jaccard overlap of two participant lists, a predicted participant counting as a gold one
    when any of their forms agree."""
    gold_forms = [participant_forms(g) for g in dict.fromkeys(gold)]
    pred_forms = [participant_forms(p) for p in dict.fromkeys(pred)]
    if not gold_forms and not pred_forms:
        return 1.0
    matched_gold: set[int] = set()
    hits = 0
    for pf in pred_forms:
        j = next((i for i, gf in enumerate(gold_forms) if i not in matched_gold and gf & pf), None)
        if j is not None:
            matched_gold.add(j)
            hits += 1
    union = len(gold_forms) + len(pred_forms) - hits
    return hits / union if union else 0.0


@dataclass
class Pred:
    """What the scorer reads of a predicted record."""

    kind: str
    name: str | None
    participants: list[str]
    evidence: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, ev: Event) -> Pred:
        return cls(ev.kind, ev.name, list(ev.participants), [s.text for s in ev.evidence])


def match_pairs(preds: list[Pred], golds: list[GoldEvent]) -> list[tuple[int, int, float]]:
    """One-to-one pairs (pred index, gold index, Jaccard) of one article and kind: a maximum
    matching over the pairs that agree by name or overlap at Jaccard >= 0.5, the larger overlaps
    preferred among matchings of the same size."""
    import networkx as nx

    g = nx.Graph()
    jac: dict[tuple[int, int], float] = {}
    for i, p in enumerate(preds):
        for j, gd in enumerate(golds):
            jv = participant_jaccard(p.participants, gd.participants)
            if jv >= JACCARD_MIN or names_agree(p.name, gd.name):
                jac[(i, j)] = jv
                g.add_edge(("p", i), ("g", j), weight=1.0 + jv)
    pairs = []
    for a, b in nx.max_weight_matching(g, maxcardinality=True):
        (_, i), (_, j) = (a, b) if a[0] == "p" else (b, a)
        pairs.append((i, j, jac[(i, j)]))
    return sorted(pairs)


@dataclass
class KindScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    jaccards: list[float] = field(default_factory=list)

    # A figure with nothing to divide by is undefined (None, null in JSON), not zero.
    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict:
        return {
            "gold": self.tp + self.fn,
            "predicted": self.tp + self.fp,
            "matched": self.tp,
            "precision": _round(self.precision),
            "recall": _round(self.recall),
            "f1": _round(self.f1),
            "participant_jaccard": _round(sum(self.jaccards) / len(self.jaccards)) if self.jaccards else None,
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


@dataclass
class ArticleErrors:
    """One article's unmatched records (for development on the choosing split only)."""

    id: str
    missed: list[GoldEvent]
    invented: list[Pred]
    matched: list[tuple[Pred, GoldEvent, float]]


@dataclass
class EventsEvalReport:
    path: str
    articles: int  # gold articles scored
    missing: int  # gold articles (of those asked for) not in the index
    kinds: dict[str, KindScore]
    errors: list[ArticleErrors] = field(default_factory=list, repr=False)
    mode: str = "offline"  # which extractor was scored: offline | llm

    @property
    def overall(self) -> KindScore:
        total = KindScore()
        for k in self.kinds.values():
            total.tp += k.tp
            total.fp += k.fp
            total.fn += k.fn
            total.jaccards += k.jaccards
        return total

    def to_dict(self) -> dict:
        return {
            "path": self.path,
            "mode": self.mode,
            "articles": self.articles,
            "missing_articles": self.missing,
            "matching": "same article and kind; names agree or participant Jaccard >= 0.5; one to one",
            "kinds": {k: v.to_dict() for k, v in self.kinds.items()},
            "overall": self.overall.to_dict(),
        }


def score_articles(gold: dict[str, list[GoldEvent]], predicted: dict[str, list[Pred]], *, path: str = "", missing: int = 0) -> EventsEvalReport:
    """Score predictions (by gold article id) against the gold records of the same articles."""
    kinds = {k: KindScore() for k in KINDS}
    errors = []
    for aid, golds in gold.items():
        preds = predicted.get(aid, [])
        err = ArticleErrors(aid, [], [], [])
        for kind in KINDS:
            ps = [p for p in preds if p.kind == kind]
            gs = [g for g in golds if g.kind == kind]
            pairs = match_pairs(ps, gs)
            ks = kinds[kind]
            ks.tp += len(pairs)
            ks.fp += len(ps) - len(pairs)
            ks.fn += len(gs) - len(pairs)
            ks.jaccards += [j for _, _, j in pairs]
            used_p = {i for i, _, _ in pairs}
            used_g = {j for _, j, _ in pairs}
            err.missed += [g for j, g in enumerate(gs) if j not in used_g]
            err.invented += [p for i, p in enumerate(ps) if i not in used_p]
            err.matched += [(ps[i], gs[j], jv) for i, j, jv in pairs]
        errors.append(err)
    return EventsEvalReport(path, len(gold), missing, kinds, errors)


