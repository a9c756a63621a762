"""Citations: parse ``[n]`` markers, check them against the numbered sources, and attach to each
a verbatim supporting quote found in the cited chunk (never trusted from the model).

Shared by answers (``qa ask``) and briefings (``qa brief``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from qa.models import Citation, StoredChunk
from qa.text.spans import Span, fold_ws, sentence_spans
from qa.text.terms import content_terms

# A marker: ``[3]``, ``[1, 2]``, ``[1; 4]``. A number of more than six digits cites nothing (and a
# 5,000-digit one would not even convert to int), so it is not a marker.
MARKER_RE = re.compile(r"\s?\[(\d{1,6}(?:\s*[,;]\s*\d{1,6})*)\]")
# A run of markers opening a sentence span ("[1]", "[1][2]", "[1] [2]").
_ONE_MARKER = r"\[\d{1,6}(?:\s*[,;]\s*\d{1,6})*\]"
_LEADING_MARKERS_RE = re.compile(rf"(?:\s*{_ONE_MARKER})+")
_SEPARATOR_RE = re.compile(r"\s*[,;]\s*")
# Markers glued to a full stop and followed by a new sentence ("A.[1] B.[2]"): the sentence
# splitter sees no break there (no space after the stop), so the markers' end is the break.
_GLUED_BREAK_RE = re.compile(rf"(?:(?<=[.!?])|(?<=[.!?][”\"’)])){_ONE_MARKER}(?:\s*{_ONE_MARKER})*(?=\s+[\"“‘'(]?[A-Z0-9])")
# Spaces before punctuation; the look-behind starts a match only at the start of a run of spaces,
# so a long run that no punctuation follows is scanned once, not once per space.
_SPACE_BEFORE_PUNCT_RE = re.compile(r"(?<![ \t])[ \t]++([.,;:!?])")


@dataclass
class CitedText:
    """Text whose markers were checked and renumbered 1..m in order of first use."""

    text: str
    citations: list[Citation] = field(default_factory=list)
    unknown: list[int] = field(default_factory=list)  # markers that matched no source (dropped)


def parse_markers(text: str) -> list[int]:
    """Every source number cited in ``text``, in order, repeats included."""
    return [n for m in MARKER_RE.finditer(text) for n in _numbers(m)]


def cited_sentences(text: str) -> list[Span]:
    """The sentences of ``text`` (exact spans, as :func:`sentence_spans`), each with the ``[n]``
    markers that close it.

    A model puts a marker before the full stop ("... near Minsk [1].") or after it ("... near
    Minsk. [1]"); a sentence ends at the full stop, so in the second form the markers open the
    next span. A run of markers opening a span belongs to the sentence before it on the same line;
    one that opens a line stays with its line, whose text it then cites ("- [1] Belarus ...").
    Markers glued to the stop ("A.[1] B.[2]") close their sentence too.
    """
    out: list[Span] = []
    for span in _split_glued(text, sentence_spans(text)):
        lead = _LEADING_MARKERS_RE.match(span.text)
        if not lead or not out or "\n" in text[out[-1].end : span.start]:
            out.append(span)
            continue
        prev, end = out[-1], span.start + lead.end()
        out[-1] = Span(prev.start, end, text[prev.start : end])
        rest = span.text[lead.end() :]
        if rest.strip():
            start = end + len(rest) - len(rest.lstrip())
            out.append(Span(start, span.end, text[start : span.end]))
    return out


def _split_glued(text: str, spans: list[Span]) -> list[Span]:
    out: list[Span] = []
    for span in spans:
        start = span.start
        for m in _GLUED_BREAK_RE.finditer(text, span.start, span.end):
            out.append(Span(start, m.end(), text[start : m.end()]))
            start = m.end() + len(text[m.end() : span.end]) - len(text[m.end() : span.end].lstrip())
        out.append(Span(start, span.end, text[start : span.end]) if start != span.start else span)
    return out


def _numbers(marker: re.Match) -> list[int]:
    return [int(n) for n in _SEPARATOR_RE.split(marker.group(1))]


def strip_markers(text: str) -> str:
    return MARKER_RE.sub("", text).strip()


def is_verbatim(quote: str, text: str) -> bool:
    """``quote`` occurs in ``text``, whitespace aside."""
    return bool(quote.strip()) and fold_ws(quote) in fold_ws(text)


def best_quote(claim: str, chunk: StoredChunk) -> Span:
    """The sentence of the chunk that shares most content words with ``claim``.

    Ties go to the earlier sentence. A span of the chunk's own text, so verbatim by construction.
    """
    spans = sentence_spans(chunk.text) or [Span(0, len(chunk.text), chunk.text)]
    wanted = content_terms(claim)
    if not wanted:
        return spans[0]

    def score(span: Span) -> tuple[float, int]:
        have = content_terms(span.text)
        overlap = len(wanted & have)
        return (overlap / (len(wanted) ** 0.5 * max(len(have), 1) ** 0.25), -span.start)

    return max(spans, key=score)


def citation_for(number: int, chunk: StoredChunk, span: Span) -> Citation:
    return Citation(
        id=number,
        source=chunk.source,
        title=chunk.title,
        quote=span.text,
        chunk_id=chunk.chunk_id,
        path=chunk.path,
        char_start=chunk.char_start + span.start,
        char_end=chunk.char_start + span.end,
    )


def cite(text: str, sources: list[StoredChunk]) -> CitedText:
    """Check the ``[n]`` markers of a model's text against ``sources`` (numbered from 1).

    Unknown numbers are removed from the text and reported; the rest are renumbered 1..m in
    order of first use, and each gets a quote from its chunk that best supports the sentence
    that first cites it.
    """
    renumber: dict[int, int] = {}
    citations: list[Citation] = []
    unknown: list[int] = []
    claims = _claims_by_marker(text)

    def replace(match: re.Match) -> str:
        kept = []
        for n in _numbers(match):
            if not 1 <= n <= len(sources):
                if n not in unknown:
                    unknown.append(n)
                continue
            if n not in renumber:
                renumber[n] = len(renumber) + 1
                chunk = sources[n - 1]
                claim = claims.get(match.start(), "")
                citations.append(citation_for(renumber[n], chunk, best_quote(claim, chunk)))
            if renumber[n] not in kept:
                kept.append(renumber[n])
        if not kept:
            return ""
        return " " + "".join(f"[{k}]" for k in kept) if match.group(0).startswith(" ") else "".join(f"[{k}]" for k in kept)

    new_text = MARKER_RE.sub(replace, text)
    # Dropping a marker can join its neighbours into a new one ("[[9]1]" -> "[1]"): one that
    # names no citation goes too, until every marker left names one.
    def known_only(match: re.Match) -> str:
        return match.group(0) if all(1 <= n <= len(citations) for n in _numbers(match)) else ""

    while any(not known_only(m) for m in MARKER_RE.finditer(new_text)):
        new_text = MARKER_RE.sub(known_only, new_text)
    new_text = _SPACE_BEFORE_PUNCT_RE.sub(r"\1", new_text)
    return CitedText(text=new_text.strip(), citations=citations, unknown=unknown)


def _claims_by_marker(text: str) -> dict[int, str]:
    """Marker position -> the sentence (without markers) it stands in or closes."""
    out: dict[int, str] = {}
    spans = sentence_spans(text)
    for m in MARKER_RE.finditer(text):
        owner = next((s for s in spans if s.start <= m.start() < s.end + 1), None)
        if owner is None:
            owner = max((s for s in spans if s.end <= m.start()), key=lambda s: s.end, default=None)
        claim = strip_markers(owner.text) if owner else ""
        # A marker at the very start of a sentence closes the previous one ("... Brest. [1]").
        if owner is not None and not strip_markers(text[owner.start : m.start()]):
            prev = max((s for s in spans if s.end <= owner.start), key=lambda s: s.end, default=None)
            if prev is not None:
                claim = strip_markers(prev.text)
        out[m.start()] = claim
    return out

