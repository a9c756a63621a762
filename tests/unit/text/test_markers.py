"""[n] markers on hostile text (issue 13's fuzz layer found these): a huge number, a long run of
spaces, and markers that dropping another one joins together."""

from __future__ import annotations

import time

from qa.models import StoredChunk
from qa.text.citations import cite, parse_markers, strip_markers

SOURCE = StoredChunk("c1", "d1", "Belarus sent 2,000 troops to Brest.", "s1.txt", "Title", "/s1.txt", 0, 0, 35)


def test_a_marker_with_a_huge_number_is_not_a_marker_and_no_crash():
    huge = "[" + "9" * 5000 + "]"  # int() refuses more than 4,300 digits
    assert parse_markers(f"Troops {huge} arrived [1].") == [1]
    assert strip_markers(f"Troops {huge}.") == f"Troops {huge}."
    assert cite(f"Troops arrived {huge} [1].", [SOURCE]).text == f"Troops arrived {huge} [1]."
    assert parse_markers("[123456] [1234567]") == [123456]


def test_a_long_run_of_spaces_is_cleaned_in_linear_time():
    started = time.perf_counter()
    cited = cite("Troops" + " " * 200_000 + "arrived [1] .", [SOURCE])
    assert time.perf_counter() - started < 20  # quadratic cleaning took about 300 s here
    assert cited.text.endswith("arrived [1].")


def test_dropping_a_marker_never_leaves_one_that_names_no_citation():
    for text in ("Troops [[9]1] arrived.", "Troops [1[9]] arrived.", "Troops [1,[7]2] arrived [1]."):
        cited = cite(text, [SOURCE])
        assert set(parse_markers(cited.text)) <= {c.id for c in cited.citations}, cited.text
    # The joined "[1]" was never checked against the sources, so it goes even though source 1 exists.
    assert cite("Troops arrived [[9]1].", [SOURCE]).text == "Troops arrived."
    assert cite("Troops arrived [1] [[9]1].", [SOURCE]).text == "Troops arrived [1] [1]."
