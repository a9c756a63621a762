"""Every cited sentence of a model's text checked against the passages it cites.

Used by the LLM answerer and, for briefings, by :mod:`qa.brief.llm_brief` (after
:func:`qa.text.citations.cite`): unsupported sentences are removed from the text (its lines and
bullets otherwise kept as they are) and reported with their reason; each citation's quote
becomes its chunk's best supporting sentence.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from qa.text.citations import citation_for, cited_sentences, parse_markers, strip_markers

if TYPE_CHECKING:
    from qa.models import Citation, StoredChunk
    from qa.retrieval.support import SupportChecker
    from qa.text.spans import Span

_EMPTY_LINE_RE = re.compile(r"^\s*(?:[-*•]|\d+[.)])?\s*(?:\[\d[\d,; ]*\]\s*)*$")


def check_claims(
    text: str,
    citations: list[Citation],
    chunks: list[StoredChunk],
    checker: SupportChecker,
    context: str | None = None,
) -> tuple[str, list[dict], int]:
    """Keep the sentences of ``text`` (markers numbered as ``citations``) that their cited
    chunks support, and re-quote each citation with its chunk's best supporting sentence. A
    marker whose own chunk does not support its sentence is removed when another cited chunk
    does. Sentences without a marker are left alone (the caller's rules decide about them).
    ``context``: the question, for an answer (see :meth:`SupportChecker.check`).

    Returns (text, unsupported ``[{sentence, reason, sources}]``, number of sentences checked).
    """
    by_id = {c.id: c for c in citations}
    chunk_of = {c.chunk_id: c for c in chunks}
    edits: list[tuple[Span, str]] = []  # (span, replacement)
    unsupported: list[dict] = []
    best_quote: dict[int, tuple[float, Span]] = {}
    checked = 0
    # each sentence with the markers that close it, written before its full stop or after it
    for span in cited_sentences(text):
        sentence, claim = span.text, _claim(span.text)
        ids = [
            n
            for n in dict.fromkeys(parse_markers(sentence))
            if n in by_id and by_id[n].chunk_id in chunk_of
        ]
        if not re.search(r"[A-Za-z0-9]", claim) or not ids:
            continue
        checked += 1
        result = checker.check(claim, [chunk_of[by_id[n].chunk_id] for n in ids], context)
        if not result.supported:
            unsupported.append(
                {
                    "sentence": claim,
                    "reason": result.reason,
                    "sources": [by_id[n].source for n in ids],
                }
            )
            edits.append((span, ""))
            continue
        own = {n: (result.per_chunk or {}).get(by_id[n].chunk_id) for n in ids}
        strong = [n for n, v in own.items() if v is not None and v[0] >= checker.threshold]
        new = sentence
        for n in ids:
            if strong and n not in strong:
                new = re.sub(rf"\s?\[{n}\]", "", new)
                continue
            v = own[n]
            if v is not None and (n not in best_quote or v[0] > best_quote[n][0]):
                best_quote[n] = v
        if new != sentence:
            edits.append((span, new))
    for n, (_, quote) in best_quote.items():
        c = by_id[n]
        fresh = citation_for(n, chunk_of[c.chunk_id], quote)
        c.quote, c.char_start, c.char_end = fresh.quote, fresh.char_start, fresh.char_end
    original = text.split("\n")
    for span, new in sorted(edits, key=lambda e: -e[0].start):
        text = text[: span.start] + new + text[span.end :]
    lines = [re.sub(r"[ \t]{2,}", " ", line).rstrip() for line in text.split("\n")]
    # a line that held text and now holds none (or only its bullet) goes
    lines = [
        line
        for line, old in zip(lines, original, strict=True)
        if not (old.strip() and _EMPTY_LINE_RE.match(line))
    ]
    return "\n".join(lines).strip(), unsupported, checked


def _claim(sentence: str) -> str:
    """The sentence without its markers and its list bullet or heading marks."""
    return re.sub(r"^\s*(?:[-*•#]+|\d+[.)])\s*", "", strip_markers(sentence)).strip()
