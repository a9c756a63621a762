"""Fuzzed sentence splitter and citation markers: any text is split into exact, ordered,
non-overlapping spans that leave out only whitespace; the marker parser, stripper and verbatim
check never crash; markers written into text are read back as written; and ``cite`` keeps only
markers of the sources it was given, each with a quote taken verbatim from its chunk."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from qa.models import StoredChunk
from qa.text.citations import MARKER_RE, cite, is_verbatim, parse_markers, strip_markers
from qa.text.spans import fold_ws, sentence_spans

from .common import any_text, article_text, budget

# Text with the characters the splitter and the marker parser care about, densely.
_MARKS = st.sampled_from(list(".!?\"'”’)][,;: \t\n\r\u00a0\u2028") + ["Mr.", "U.S.", "e.g.", "İ", "x", "A", "1", "٣"])
dense_text = st.lists(_MARKS, max_size=120).map("".join)
texts = st.one_of(any_text, dense_text)


@budget(400)
@given(texts)
def test_sentence_spans_are_exact_ordered_and_cover_all_but_whitespace(text):
    spans = sentence_spans(text)
    end = 0
    for span in spans:
        assert text[span.start : span.end] == span.text, "a span maps back verbatim"
        assert span.start >= end and span.end > span.start, "ordered, non-overlapping, not empty"
        assert span.text == span.text.strip() and "\n" not in span.text
        assert not text[end : span.start].strip(), "only whitespace between sentences"
        end = span.end
    assert not text[end:].strip()


# ------------------------------------------------------------------ citation markers
_PLAIN = st.text(st.characters(blacklist_characters="[]"), max_size=40)  # no bracket: no stray marker
_NUMBERS = st.lists(st.integers(0, 999_999), min_size=1, max_size=4)  # a marker has 1-6 digits
_SEPARATOR = st.sampled_from([",", ", ", ";", " ; ", ",  "])


@st.composite
def marked_text(draw):
    """(text, numbers written) for text of plain pieces and markers like ``[3]`` or ``[1, 2; 5]``."""
    pieces, numbers = [], []
    for _ in range(draw(st.integers(0, 6))):
        pieces.append(draw(_PLAIN))
        group = draw(_NUMBERS)
        sep = draw(_SEPARATOR)
        pieces.append("[" + sep.join(str(n) for n in group) + "]")
        numbers.extend(group)
    pieces.append(draw(_PLAIN))
    return "".join(pieces), numbers


@budget(300)
@given(marked_text())
def test_markers_round_trip(case):
    text, numbers = case
    assert parse_markers(text) == numbers
    stripped = strip_markers(text)
    assert parse_markers(stripped) == [] and "[" not in stripped


@budget(400)
@given(texts, texts)
def test_the_parser_stripper_and_verbatim_check_never_crash(text, other):
    numbers = parse_markers(text)
    assert all(isinstance(n, int) and n >= 0 for n in numbers)
    stripped = strip_markers(text)
    assert not MARKER_RE.search(stripped) or "[" in text  # stripping may join brackets around a marker
    assert is_verbatim(text, text) == bool(text.strip())
    if is_verbatim(other, text):
        assert fold_ws(other) in fold_ws(text)


def _chunk(n: int, text: str) -> StoredChunk:
    return StoredChunk(f"c{n}", f"d{n}", text, f"s{n}.txt", f"Title {n}", f"/docs/s{n}.txt", 0, 10 * n, 10 * n + len(text))


@budget(300)
@given(st.one_of(texts, marked_text().map(lambda case: case[0])), st.lists(article_text, min_size=0, max_size=4))
def test_cite_keeps_known_sources_only_with_verbatim_quotes(text, chunk_texts):
    sources = [_chunk(i + 1, t) for i, t in enumerate(chunk_texts)]
    cited = cite(text, sources)
    assert [c.id for c in cited.citations] == list(range(1, len(cited.citations) + 1))
    assert all(n < 1 or n > len(sources) for n in cited.unknown)
    assert set(parse_markers(cited.text)) <= {c.id for c in cited.citations}, "every marker left names a citation"
    by_id = {c.chunk_id: c for c in sources}
    for citation in cited.citations:
        chunk = by_id[citation.chunk_id]
        start = citation.char_start - chunk.char_start
        assert chunk.text[start : start + len(citation.quote)] == citation.quote
