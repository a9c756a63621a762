"""Fuzzed cleaner and chunker: any text is cleaned without rewriting a sentence, and chunked into
exact spans of the cleaned text that cover all of it, each within the embedder's limit."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from qa.ingest.chunk import chunk_document
from qa.ingest.clean import clean_article, clean_text, is_boilerplate
from qa.models import RawArticle
from qa.text.controls import strip_controls
from qa.text.spans import fold_ws, sentence_spans
from qa.text.tokens import count_tokens

from .common import any_text, budget


def _article(text: str, title: str | None = None) -> RawArticle:
    return RawArticle("fuzz", Path("/fuzz/article.txt"), "article.txt", text, title=title)


@budget(500)
@given(any_text)
def test_cleaning_keeps_lines_verbatim(text):
    """Cleaning only drops boilerplate lines, escape sequences and control characters, and joins
    hard-wrapped lines: every cleaned line is the original text (less those) up to whitespace."""
    cleaned, removed = clean_text(text)
    original_lines = strip_controls(text.replace("\r\n", "\n").replace("\r", "\n")).split("\n")
    assert removed >= 0
    kept = fold_ws("\n".join(line for line in original_lines if not is_boilerplate(line)))
    for line in cleaned.split("\n"):
        assert line == "" or fold_ws(line) in kept, line


@budget(300)
@given(any_text, st.none() | st.text(max_size=30))
def test_a_cleaned_article_keeps_every_sentence_verbatim(text, title):
    doc = clean_article(_article(text, title))
    assert isinstance(doc.title, str) and doc.title
    assert len(doc.doc_id) == 16
    original = fold_ws(strip_controls(text.replace("\r\n", "\n").replace("\r", "\n")))
    for span in sentence_spans(doc.text):
        assert fold_ws(span.text) in original, span.text


def _check_chunks(text: str, size: int, overlap: int, fits) -> None:
    doc = clean_article(_article(text))
    chunks = chunk_document(doc, size, overlap, fits=fits)
    covered = [False] * len(doc.text)
    previous_start = -1
    for index, chunk in enumerate(chunks):
        assert chunk.index == index and chunk.chunk_id == f"{doc.doc_id}-{index:04d}"
        assert doc.text[chunk.char_start : chunk.char_end] == chunk.text, "a chunk's span maps back verbatim"
        assert chunk.text.strip() and chunk.char_start > previous_start
        assert fits(chunk.text), (len(chunk.text), count_tokens(chunk.text))
        previous_start = chunk.char_start
        covered[chunk.char_start : chunk.char_end] = [True] * (chunk.char_end - chunk.char_start)
    missed = "".join(c for c, seen in zip(doc.text, covered, strict=True) if not seen)
    assert not missed.strip(), f"text in no chunk: {missed[:80]!r}"


@budget(300)
@given(any_text, st.integers(32, 200), st.integers(0, 31))
def test_chunks_are_exact_cover_the_text_and_fit_a_token_limit(text, size, overlap):
    """The embedder counts tokens like the chunker: nothing may exceed the budget."""
    _check_chunks(text, size, overlap, fits=lambda t: count_tokens(t) <= size)


@budget(300)
@given(any_text, st.integers(32, 400), st.integers(20, 200))
def test_chunks_fit_an_embedder_stricter_than_the_budget(text, size, limit):
    """The embedder's limit is in its own units (here: tokens with a smaller cap), so even one
    sentence, or one long word, may have to be cut to fit."""
    _check_chunks(text, size, min(size - 1, 16), fits=lambda t: count_tokens(t) <= limit)


@budget(150)
@given(any_text, st.integers(40, 400))
def test_chunks_fit_an_embedder_that_counts_characters(text, max_chars):
    _check_chunks(text, 160, 32, fits=lambda t: len(t) <= max_chars)
