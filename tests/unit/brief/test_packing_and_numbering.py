"""Token packing under a budget (``qa.text.tokens.pack``) and citation numbering
(``qa.text.numbering``), shared by briefings and events."""

from __future__ import annotations

from qa.models import StoredChunk
from qa.text.numbering import CitationNumbering, format_markers, renumber_markers
from qa.text.spans import Span
from qa.text.tokens import count_tokens, pack


def test_pack_keeps_order_and_stays_within_the_budget():
    texts = [f"Sentence number {i} about the exercise." for i in range(20)]
    cost = count_tokens(texts[0]) + 4
    groups = pack(texts, 3 * cost, text=lambda t: t, overhead=4)
    assert [t for g in groups for t in g] == texts
    assert all(sum(count_tokens(t) + 4 for t in g) <= 3 * cost for g in groups)
    assert [len(g) for g in groups] == [3, 3, 3, 3, 3, 3, 2]


def test_pack_gives_an_oversized_item_its_own_group():
    long = "word " * 200
    groups = pack([("a", "short"), ("b", long), ("c", "short")], 50, text=lambda item: item[1])
    assert [[k for k, _ in g] for g in groups] == [["a"], ["b"], ["c"]]
    assert pack([], 50, text=str) == []


def _chunk(chunk_id="c1", start=100) -> StoredChunk:
    text = "Russia and Belarus held drills. The drills ended on Friday."
    return StoredChunk(chunk_id, "doc", text, "a.txt", "Title", "/a.txt", 0, start, start + len(text))


def test_one_number_per_distinct_span_from_start():
    chunk = _chunk()
    first, second = Span(0, 31, chunk.text[:31]), Span(32, 59, chunk.text[32:59])
    numbering = CitationNumbering(start=3)
    a = numbering.cite(chunk, first)
    assert (a.id, a.quote, a.char_start, a.char_end) == (3, "Russia and Belarus held drills.", 100, 131)
    assert numbering.cite(chunk, second).id == 4
    assert numbering.cite(chunk, first) is a  # cited twice, numbered once
    assert [c.id for c in numbering.citations] == [3, 4]


def test_existing_citations_keep_their_numbers():
    chunk = _chunk()
    span = Span(32, 59, chunk.text[32:59])
    numbering = CitationNumbering(start=1)
    earlier = numbering.cite(chunk, span)
    later = CitationNumbering(start=2, existing=[earlier])
    assert later.cite(chunk, span) is earlier
    assert later.citations == [] and later.cite(_chunk("c2"), span).id == 2


def test_markers_formatted_and_renumbered():
    assert format_markers([1, 4]) == "[1][4]"
    assert renumber_markers("Vostok began [3]. Brest [5, 9][3].", {3: 1, 5: 2}) == "Vostok began [1]. Brest [2][1]."
