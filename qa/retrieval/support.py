"""Is a claim supported by the passages it cites? Shared by answers, briefings and events.

A claim (one sentence of a model's answer or briefing) is supported when
1. its numbers, dates and names all appear in the cited passages (or their titles), allowing
   spelling and number-format variants: "11-day" / "11 days" / "eleven days", "3,000" / "3000",
   "U.S." / "US" / "United States", "Belarus" / "Belarusian", "Sept." / "September"; and
2. its best supporting sentence (scored by the mean of all-MiniLM-L6-v2 cosine and the share of
   the claim's stemmed content words it holds; sentences that address an AI model excluded:
   :mod:`qa.retrieval.injection`) scores at least the support threshold, a
   threshold chosen on data by ``scripts/calibrate_support.py``
   (``support_threshold.json``; figures in ``eval/results/support_calibration.json``).
The best supporting sentence is what a citation quotes.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import TYPE_CHECKING

import numpy as np

from qa.retrieval.injection import is_injection
from qa.storage.embedders import cached_vectors
from qa.text.dates import MONTH_WORDS
from qa.text.spans import Span, sentence_spans
from qa.text.terms import STOPWORDS, lex_terms

if TYPE_CHECKING:
    from qa.models import StoredChunk
    from qa.storage.embedders import Embedder

_UNITS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
        "sixteen seventeen eighteen nineteen".split()
    )
}
_TENS = {
    w: 10 * i
    for i, w in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety".split())
    if w != "_"
}
_SCALE = {
    "hundred": 100,
    "thousand": 1000,
    "million": 10**6,
    "m": 10**6,
    "billion": 10**9,
    "bn": 10**9,
    "dozen": 12,
}
_ALIASES = {  # folded name -> names that count as the same
    "us": {
        "us",
        "usa",
        "america",
        "american",
        "americans",
        "united states",
        "washington",
        "pentagon",
        "uss",
    },
    "uk": {"uk", "britain", "british", "united kingdom", "royal navy", "england", "scotland"},
    "un": {"un", "united nations"},
    "eu": {"eu", "european union"},
    "prc": {"prc", "china", "chinese"},
}
for _k, _v in list(_ALIASES.items()):
    for _name in _v:
        _ALIASES.setdefault(_name, _v)
_MONTH_ABBR = {m[:3]: m for m in MONTH_WORDS if len(m) > 3}
_NUM_RE = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?")
_WORD_RE = re.compile(r"[A-Za-z][A-Za-z.'’\-]*")


@lru_cache(maxsize=1)
def support_threshold() -> float:
    raw = json.loads(
        files("qa.retrieval").joinpath("support_threshold.json").read_text(encoding="utf-8")
    )
    return float(raw["threshold"])


def numbers_in(text: str) -> set[float]:
    """The numbers of ``text`` as values: digits ("3,000", "11-day") and number words
    ("eleven", "twenty-five"), each also scaled by a following "million"/"thousand"."""
    out: set[float] = set()
    low = text.lower().replace("’", "'")
    for m in _NUM_RE.finditer(low):
        raw = m.group().rstrip(",")
        try:
            val = float(raw.replace(",", ""))
        except ValueError:
            continue
        out.add(val)
        nxt = re.match(r"[\s-]*(hundred|thousand|million|billion|bn|m)\b", low[m.end() :])
        if nxt:
            out.add(val * _SCALE[nxt.group(1)])
    words = re.findall(r"[a-z]+", low)
    i = 0
    while i < len(words):
        w = words[i]
        if w in _UNITS or w in _TENS:
            val = _TENS.get(w, _UNITS.get(w, 0))
            if (
                w in _TENS
                and i + 1 < len(words)
                and words[i + 1] in _UNITS
                and _UNITS[words[i + 1]] < 10
            ):
                val += _UNITS[words[i + 1]]
                i += 1
            out.add(float(val))
            if i + 1 < len(words) and words[i + 1] in _SCALE:
                out.add(float(val * _SCALE[words[i + 1]]))
        i += 1
    return out


def _fold(word: str) -> str:
    return word.lower().replace(".", "").replace("’", "'").removesuffix("'s").strip("'-")


def names_in(sentence: str) -> list[str]:
    """Capitalised words that are not the sentence's first word, a stop word or a month, plus
    acronyms anywhere ("NATO", "U.S."); multi-word names stay whole when aliased ("United States")."""
    words = [
        (
            m.start(),
            m.group().rstrip(".'’-")
            if not re.fullmatch(r"(?:[A-Z]\.){2,}", m.group())
            else m.group(),
        )
        for m in _WORD_RE.finditer(sentence)
    ]
    out = []
    for i, (start, w) in enumerate(words):
        f = _fold(w)
        if not f or f in STOPWORDS or f in MONTH_WORDS or f in _MONTH_ABBR:
            continue
        acronym = len(f) >= 2 and (w.replace(".", "").isupper())
        first = i == 0 or re.search(r"[.!?:\"“]\s*$", sentence[:start]) is not None
        if acronym or (w[:1].isupper() and not first):
            out.append(w)
    return out


def months_in(text: str) -> set[str]:
    out = set()
    for w in re.findall(r"[A-Za-z]+", text):
        lo = w.lower()
        if lo in MONTH_WORDS and w[:1].isupper():
            out.add(_MONTH_ABBR.get(lo[:3], lo))  # "Sept", "Sep", "September" -> "september"
        elif lo[:3] in _MONTH_ABBR and _MONTH_ABBR[lo[:3]].startswith(lo) and w[:1].isupper():
            out.add(_MONTH_ABBR[lo[:3]])  # "Sept", "Sep", "Aug"
    return out


def name_in(name: str, text: str, words: set[str] | None = None) -> bool:
    """``name`` appears in ``text``: folded, by alias, or by a shared prefix ("Belarus" ~
    "Belarusian", "Lukashenko" ~ "Lukashenka")."""
    f = _fold(name)
    low = text.lower().replace("’", "'")
    words = words if words is not None else {_fold(w) for w in _WORD_RE.findall(text)}
    if f in words:
        return True
    for alias in _ALIASES.get(f, ()):
        if (alias in words) or (" " in alias and alias in low):
            return True
    if len(f) >= 4:  # derived forms either way: Belarus ~ Belarusian, Japanese ~ Japan
        return any(
            len(w) >= 4 and _common_prefix(f, w) >= max(4, min(len(f), len(w)) - 2) for w in words
        )
    return False


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def missing_facts(claim: str, passages: str) -> list[str]:
    """The claim's numbers, months and names that the passages do not contain."""
    missing = []
    have = numbers_in(passages)
    for n in sorted(numbers_in(claim)):
        if n not in have and not (n == 1.0 and re.search(r"\bone\b", claim, re.I)):
            missing.append(f"{n:g}")
    have_months = months_in(passages)
    missing += [m.capitalize() for m in sorted(months_in(claim) - have_months)]
    words = {_fold(w) for w in _WORD_RE.findall(passages)}
    names = names_in(claim)
    for phrase in _ALIASES:  # "United States" is checked whole, by its aliases
        if " " in phrase and phrase in claim.lower() and name_in(phrase, passages, words):
            names = [n for n in names if _fold(n) not in phrase.split()]
    for name in dict.fromkeys(names):
        if not name_in(name, passages, words):
            missing.append(name)
    return missing


@dataclass
class Support:
    """The verdict on one claim against its cited passages."""

    sentence: str
    supported: bool
    reason: str | None = None
    score: float = 0.0  # support score of the best supporting sentence (cosine and word overlap)
    chunk: StoredChunk | None = None  # where the best supporting sentence is
    span: Span | None = None  # the best supporting sentence (a span of chunk.text)
    per_chunk: dict[str, tuple[float, Span]] | None = None  # chunk_id -> best sentence there

    def to_dict(self) -> dict:
        return {"sentence": self.sentence, "reason": self.reason, "score": round(self.score, 3)}


def _stems(text: str) -> set[str]:
    return set(lex_terms(text.replace("-", " ")))


def _score(cosine: float, claim_stems: set[str], sentence: str) -> float:
    """How well one sentence supports a claim: the mean of their embedding cosine and the share
    of the claim's content words (stemmed) the sentence holds. Short claims ("It lasts 11
    days.") have a low cosine with a long source sentence but a full word overlap."""
    cover = len(claim_stems & _stems(sentence)) / len(claim_stems) if claim_stems else cosine
    return 0.5 * cosine + 0.5 * cover


class SupportChecker:
    """Checks claims against passages; sentence vectors are cached for the checker's life."""

    def __init__(self, embedder: Embedder, threshold: float | None = None) -> None:
        self.embedder = embedder
        self.threshold = support_threshold() if threshold is None else threshold
        self._vecs: dict[str, np.ndarray] = {}
        self._injected: dict[str, bool] = {}

    def _embed(self, texts: list[str]) -> None:
        todo = [t for t in dict.fromkeys(texts) if t not in self._vecs]
        if todo:
            vecs = cached_vectors(self.embedder, todo)  # the process-wide cache: each sentence embedded once
            flags = is_injection(todo, vecs, getattr(self.embedder, "model_name", None))
            for t, v, f in zip(todo, vecs, flags, strict=True):
                self._vecs[t] = v
                self._injected[t] = f

    def check(self, claim: str, passages: list[StoredChunk], context: str | None = None) -> Support:
        """``claim`` (markers already stripped) against the passages it cites. ``context``: the
        question an answer sentence replies to; elliptical answers ("It lasts 11 days.") are
        also compared as question + sentence, and only the sentence's words that do not echo the
        question must be in the supporting sentence."""
        claim = claim.strip()
        asked = f"{context.strip()} {claim}" if context and context.strip() else None
        spans = [(c, s) for c in passages for s in sentence_spans(c.text)]
        titles = [c.title for c in passages if c.title]
        self._embed([claim] + ([asked] if asked else []) + [s.text for _, s in spans] + titles)

        def injected(c: StoredChunk, text: str) -> bool:
            return self._injected[text] or text in (c.injection or ())

        clean = [(c, s) for c, s in spans if not injected(c, s.text)]
        candidates = [(c, s) for c, s in spans if len(s.text.split()) >= 3]
        usable = [(c, s) for c, s in clean if len(s.text.split()) >= 3]
        if not usable:
            why = (
                "it cites only passages that address the model"
                if candidates
                else "the cited passages are empty"
            )
            return Support(claim, False, why)
        q = self._vecs[claim]
        stems = _stems(claim)
        if context:  # words that echo the question restate it; the new ones must be supported
            stems = (stems - _stems(context)) or stems
        qa = self._vecs[asked] if asked else q
        scored = [
            (_score(max(float(self._vecs[s.text] @ q), float(self._vecs[s.text] @ qa)), stems, s.text), c, s)
            for c, s in usable
        ]
        per_chunk: dict[str, tuple[float, Span]] = {}
        for score, c, s in scored:
            if c.chunk_id not in per_chunk or score > per_chunk[c.chunk_id][0]:
                per_chunk[c.chunk_id] = (score, s)
        best, chunk, span = max(scored, key=lambda x: x[0])
        # the facts may be anywhere in the passages or their titles, never in text addressing the model
        text = "\n".join([c.title for c in passages if c.title and not injected(c, c.title)] + [s.text for _, s in clean])
        missing = missing_facts(claim, text)
        result = Support(claim, True, None, best, chunk, span, per_chunk)
        if missing:
            result.supported = False
            result.reason = "not in the cited passages: " + ", ".join(missing)
        elif best < self.threshold:
            result.supported = False
            result.reason = (
                # score rounded down and threshold up: a score just under it never reads "0.60 < 0.60"
                f"no cited sentence says this (best support {math.floor(best * 100) / 100:.2f} "
                f"< {math.ceil(self.threshold * 100) / 100:.2f})"
            )
        return result


def value_supported(value: str, passage: str) -> bool:
    """An event field from a model (a participant, place or date as written) appears in the
    passage: every name and number of it, with the variants of :func:`missing_facts`."""
    if not value or not value.strip():
        return True
    if not names_in("x " + value) and not numbers_in(value) and not months_in(value):
        return value.lower() in passage.lower()
    return not missing_facts("x " + value, passage)
