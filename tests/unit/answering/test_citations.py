"""[n] markers: parsing, stripping, the verbatim check, and checking a model's markers against
the numbered sources (unknown ones dropped, the rest renumbered, quotes from the chunks)."""

from __future__ import annotations

from qa.models import StoredChunk
from qa.text.citations import best_quote, cite, is_verbatim, parse_markers, strip_markers


def _chunk(n: int, text: str, start: int = 0) -> StoredChunk:
    return StoredChunk(f"c{n}", f"d{n}", text, f"s{n}.txt", f"Title {n}", f"/docs/s{n}.txt", 0, start, start + len(text))


CHUNKS = [
    _chunk(1, "The drills began on Monday. Belarus sent 2,000 troops to Brest.", start=100),
    _chunk(2, "China flew Y-20 transports. The exercise lasts 11 days."),
]


def test_parse_markers_in_order_with_repeats_and_lists():
    assert parse_markers("A [1]. B [2, 3]. C [1;4] and [2].") == [1, 2, 3, 1, 4, 2]
    assert parse_markers("no markers, [x] or [ 1 ]") == []


def test_strip_markers():
    assert strip_markers("Troops arrived [1] in Brest [2, 3].") == "Troops arrived in Brest."


def test_is_verbatim_ignores_whitespace_only():
    text = "Belarus sent\n2,000  troops to Brest."
    assert is_verbatim("Belarus sent 2,000 troops", text)
    assert not is_verbatim("Belarus sent 3,000 troops", text)
    assert not is_verbatim("   ", text)


def test_best_quote_is_the_sentence_sharing_most_content_words():
    span = best_quote("How many troops did Belarus send?", CHUNKS[0])
    assert span.text == "Belarus sent 2,000 troops to Brest."
    assert CHUNKS[0].text[span.start : span.end] == span.text
    assert best_quote("the of and", CHUNKS[0]).text == "The drills began on Monday."  # no content words


def test_cite_renumbers_by_first_use_and_drops_unknown_numbers():
    cited = cite("The exercise lasts 11 days [2]. Belarus sent troops [1][7].", CHUNKS)
    assert cited.text == "The exercise lasts 11 days [1]. Belarus sent troops [2]."
    assert cited.unknown == [7]
    first, second = cited.citations
    assert (first.id, first.chunk_id, first.quote) == (1, "c2", "The exercise lasts 11 days.")
    assert (second.id, second.chunk_id, second.quote) == (2, "c1", "Belarus sent 2,000 troops to Brest.")
    assert (second.char_start, second.char_end) == (128, 163)  # offsets in the document


def test_cite_removes_a_marker_left_empty():
    cited = cite("Nothing supports this [9].", CHUNKS)
    assert cited.text == "Nothing supports this." and cited.citations == [] and cited.unknown == [9]


def test_a_marker_opening_a_sentence_closes_the_previous_one():
    cited = cite("China flew Y-20 transports. [2]", CHUNKS)
    assert cited.citations[0].quote == "China flew Y-20 transports."
