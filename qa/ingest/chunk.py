"""Token-aware chunks on sentence and paragraph boundaries, each within the embedder's limit."""

from __future__ import annotations

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
    chunks: list[tuple[int, int]] = []
    i = 0
    while i < len(pieces):
        j = i
        tokens = 0
        while j < len(pieces) and (j == i or tokens + pieces[j][1] <= chunk_size):
            tokens += pieces[j][1]
            j += 1
        while fits is not None and j - i > 1 and not fits(doc.text[pieces[i][0].start : pieces[j - 1][0].end]):
            j -= 1
        chunks.append((i, j))
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
    for index, (a, b) in enumerate(chunks):
        start, end = pieces[a][0].start, pieces[b - 1][0].end
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
    import re

    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", span.text)]
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
