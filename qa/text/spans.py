"""Sentence spans and small text helpers shared by chunking, answering and briefing."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Abbreviations after which a full stop does not end a sentence.
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "gen", "col", "lt", "maj", "capt", "cmdr", "adm", "sgt",
    "st", "sen", "rep", "gov", "pres", "jr", "sr", "no", "vs", "etc", "inc", "ltd", "co", "corp",
    "jan", "feb", "mar", "apr", "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.k", "u.n",
    "e.g", "i.e", "approx", "est", "dept", "fig",
}
# A candidate boundary: terminal punctuation, optional closing quotes/brackets, then space.
_BOUNDARY_RE = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+)")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str


def sentence_spans(text: str) -> list[Span]:
    """Sentences of ``text`` as exact character spans (``text[start:end] == span.text``).

    Paragraph and line breaks always end a sentence; inside a line, a full stop ends one unless it
    follows a known abbreviation or a single initial, or the next word starts in lower case.
    """
    spans: list[Span] = []
    for line in re.finditer(r"[^\n]+", text):
        base = line.start()
        chunk = line.group()
        start = 0
        for m in _BOUNDARY_RE.finditer(chunk):
            end = m.end()
            before = chunk[start : m.start()].split()
            last = before[-1].lower().rstrip(".") if before else ""
            rest = chunk[end:].lstrip()
            if last in _ABBREVIATIONS or re.fullmatch(r"[a-z]", last):
                continue
            if rest and (rest[0].islower() or rest[0] in ",;:"):
                continue
            _add(spans, chunk, base, start, end)
            start = end
        _add(spans, chunk, base, start, len(chunk))
    return spans


def _add(spans: list[Span], chunk: str, base: int, start: int, end: int) -> None:
    piece = chunk[start:end]
    lead = len(piece) - len(piece.lstrip())
    piece = piece.strip()
    if piece:
        s = base + start + lead
        spans.append(Span(s, s + len(piece), piece))


def fold_ws(text: str) -> str:
    """Whitespace folded to single spaces: the equality used for 'verbatim, whitespace aside'."""
    return " ".join(text.split())


_TERM_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-’'.]*[A-Za-z0-9]|[A-Za-z0-9]")


def terms(text: str) -> list[str]:
    """Lower-cased word tokens, keeping hyphenated names and numbers whole ("y-20", "11-day")."""
    return [t.lower().replace("’", "'") for t in _TERM_RE.findall(text)]
