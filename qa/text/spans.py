"""Sentence spans and whitespace folding, shared by chunking, answering and briefing."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

# Abbreviations after which a full stop does not end a sentence.
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "gen", "col", "lt", "maj", "capt", "cmdr", "adm", "sgt",
    "st", "sen", "rep", "gov", "pres", "jr", "sr", "no", "vs", "etc", "inc", "ltd", "co", "corp",
    "jan", "feb", "mar", "apr", "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.k", "u.n",
    "e.g", "i.e", "approx", "est", "dept", "fig",
}
# A candidate boundary: a run of terminal punctuation, optional closing quotes/brackets, then
# whitespace. The look-behind starts a match only at the start of a run and the possessive
# quantifiers never back off, so a long run of marks is scanned once, not once per mark.
_BOUNDARY_RE = re.compile(r"(?<![.!?])[.!?]++[\"'”’)\]]*+(?=\s)")
_WORD_RE = re.compile(r"\S+")  # the words of str.split(): \s is exactly str.isspace
_INITIAL_RE = re.compile(r"[a-z]")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str


def sentence_spans(text: str) -> list[Span]:
    """Sentences of ``text`` as exact character spans (``text[start:end] == span.text``).

    Paragraph and line breaks always end a sentence; inside a line, a full stop ends one unless it
    follows a known abbreviation or a single initial, or the next word starts in lower case.
    Linear in the length of ``text``: each line's words are found once, and every boundary looks
    up the word before and after it by bisection instead of re-reading the line.
    """
    spans: list[Span] = []
    for line in re.finditer(r"[^\n]+", text):
        base = line.start()
        chunk = line.group()
        words = [(w.start(), w.end()) for w in _WORD_RE.finditer(chunk)]
        word_starts = [w[0] for w in words]
        start = 0
        for m in _BOUNDARY_RE.finditer(chunk):
            end = m.end()
            if _continues(chunk, words, word_starts, start, m.start(), end):
                continue
            _add(spans, chunk, base, start, end)
            start = end
        _add(spans, chunk, base, start, len(chunk))
    return spans


def _continues(chunk: str, words: list[tuple[int, int]], word_starts: list[int], start: int, mark: int, end: int) -> bool:
    """Whether the boundary ``chunk[mark:end]`` does not end the sentence begun at ``start``: the
    word before it is an abbreviation or an initial, or the next word starts in lower case."""
    before = bisect_left(word_starts, mark) - 1  # the last word starting before the mark
    last = ""
    if before >= 0 and word_starts[before] >= start:
        w_start, w_end = words[before]
        last = chunk[w_start : min(w_end, mark)].lower().rstrip(".")
    if last in _ABBREVIATIONS or _INITIAL_RE.fullmatch(last):
        return True
    after = bisect_left(word_starts, end)  # the first word after the boundary's whitespace
    if after < len(words):
        first = chunk[word_starts[after]]
        return first.islower() or first in ",;:"
    return False


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


def clip(text: str, limit: int) -> str:
    """``text`` on one line (whitespace folded), cut to ``limit`` characters with an ellipsis:
    how a model's reply or an error body is quoted in a warning."""
    text = fold_ws(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
