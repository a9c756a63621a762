"""Token-aware chunks on sentence and paragraph boundaries, each within the embedder's limit."""

from __future__ import annotations

import re
from collections.abc import Callable

from qa.models import Chunk, Document
from qa.text.spans import Span, sentence_spans
from qa.text.tokens import count_tokens, encoding


def chunk_document(
    doc: Document,
    chunk_size: int,
    chunk_overlap: int,
    fits: Callable[[str], bool] | None = None,
) -> list[Chunk]:
    """Pack whole sentences into chunks of at most ``chunk_size`` tokens, overlapping by about
    ``chunk_overlap`` tokens of whole sentences. ``fits`` is the embedder's own length check: a
    chunk it rejects is packed again with fewer sentences, so nothing is silently truncated.
    """
    pieces = _pieces(doc.text, chunk_size)
    chunks: list[tuple[int, int]] = []  # character spans: ``pieces`` may be refined as we go
    i = 0
    while i < len(pieces):
        j = i
        tokens = 0
        while j < len(pieces) and (j == i or tokens + pieces[j][1] <= chunk_size):
            tokens += pieces[j][1]
            j += 1
        while fits is not None and j - i > 1 and not fits(doc.text[pieces[i][0].start : pieces[j - 1][0].end]):
            j -= 1
        if fits is not None and j - i == 1 and not fits(pieces[i][0].text):
            halves = _halve(pieces[i][0])
            if halves:  # even one sentence is too long for the embedder: cut it and try again
                pieces[i : i + 1] = halves
                continue
        chunks.append((pieces[i][0].start, pieces[j - 1][0].end))
        if j >= len(pieces):
            break
        # Step back over whole sentences worth at most chunk_overlap tokens, always advancing.
        back = j
        carried = 0
        while back - 1 > i and carried + pieces[back - 1][1] <= chunk_overlap:
            back -= 1
            carried += pieces[back][1]
        i = back
    result = []
    for index, (start, end) in enumerate(chunks):
        text = doc.text[start:end]
        result.append(
            Chunk(
                chunk_id=f"{doc.doc_id}-{index:04d}",
                doc_id=doc.doc_id,
                index=index,
                text=text,
                char_start=start,
                char_end=end,
                n_tokens=count_tokens(text),
            )
        )
    return result


def _pieces(text: str, limit: int) -> list[tuple[Span, int]]:
    """Sentences with their token counts; a sentence longer than ``limit`` is cut at word gaps."""
    enc = encoding()
    out: list[tuple[Span, int]] = []
    for span in sentence_spans(text):
        n = len(enc.encode(span.text, disallowed_special=()))
        if n <= limit:
            out.append((span, n))
            continue
        out.extend(_split_long(span, limit))
    return out


def _split_long(span: Span, limit: int) -> list[tuple[Span, int]]:
    """``span`` cut at word gaps into pieces of at most ``limit`` tokens; a single word longer
    than that (a URL, a run of symbols) is cut between tokens."""
    words: list[tuple[int, int]] = []
    for m in re.finditer(r"\S+", span.text):
        if count_tokens(m.group()) <= limit:
            words.append((m.start(), m.end()))
        else:
            words.extend(_cut_word(span.text, m.start(), m.end(), limit))
    out: list[tuple[Span, int]] = []
    a = 0
    while a < len(words):
        b = a + 1
        while b < len(words) and count_tokens(span.text[words[a][0] : words[b][1]]) <= limit:
            b += 1
        s, e = words[a][0], words[b - 1][1]
        out.append((Span(span.start + s, span.start + e, span.text[s:e]), count_tokens(span.text[s:e])))
        a = b
    return out


def _cut_word(text: str, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    """``text[start:end]`` (no whitespace) as consecutive (start, end) parts of at most ``limit`` tokens."""
    enc = encoding()
    parts = []
    a = start
    while a < end:
        # A window of limit * 16 characters holds the first ``limit`` tokens of any text, so
        # each cut costs O(limit), however long the word.
        window = text[a : min(end, a + limit * 16)]
        ids = enc.encode(window, disallowed_special=())
        if len(ids) <= limit:
            b = a + len(window)
        else:
            # The characters the first ``limit`` tokens decode to; re-counted, since a cut can
            # tokenise differently, and shrunk until it fits.
            b = a + max(1, len(enc.decode_bytes(ids[:limit]).decode("utf-8", "ignore")))
            while b - a > 1 and count_tokens(text[a:b]) > limit:
                b = a + max(1, (b - a) * 9 // 10)
        parts.append((a, b))
        a = b
    return parts


def _halve(span: Span) -> list[tuple[Span, int]] | None:
    """``span`` in two at the word gap nearest its middle (or the middle character); None for a
    single character, which cannot be cut."""
    text = span.text
    if len(text) < 2:
        return None
    middle = len(text) // 2
    gaps = [m for m in re.finditer(r"\s+", text) if 0 < m.start() and m.end() < len(text)]
    if gaps:
        gap = min(gaps, key=lambda m: abs(m.start() - middle))
        cut_a, cut_b = gap.start(), gap.end()
    else:
        cut_a = cut_b = middle
    out = []
    for s, e in ((0, cut_a), (cut_b, len(text))):
        piece = text[s:e]
        out.append((Span(span.start + s, span.start + e, piece), count_tokens(piece)))
    return out
