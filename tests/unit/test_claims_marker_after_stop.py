"""A citation marker written after the full stop ("... near Minsk. [1]") cites the sentence before
it, as one written before the full stop does ("... near Minsk [1]."): every such sentence is
checked against its passages, first, middle or last, with one marker or several."""

from __future__ import annotations

import pytest

from qa.config import load_settings
from qa.models import Citation, StoredChunk
from qa.retrieval.claims import check_claims
from qa.retrieval.support import SupportChecker
from qa.storage.embedders import get_embedder
from qa.text.citations import cited_sentences

GOOD = "Chinese soldiers landed in Belarus for drills"
BAD = "China and Belarus held a 30-day exercise with 50,000 troops near Minsk"
CHUNKS = [
    StoredChunk(
        "c1", "d1",
        "The weather was cold. Chinese soldiers landed in Belarus for drills. "
        "The 11-day joint exercise would start on Monday near Brest.",
        "a.txt", "Chinese troops in Belarus", "a.txt", 0, 0, 130,
    ),
    StoredChunk(
        "c2", "d2",
        "Belarus became a full member of the Shanghai Cooperation Organisation in July.",
        "b.txt", "Belarus joins the SCO", "b.txt", 0, 0, 80,
    ),
]


@pytest.fixture(scope="module")
def checker() -> SupportChecker:
    return SupportChecker(get_embedder(load_settings()))


def _citations() -> list[Citation]:
    return [Citation(1, "a.txt", CHUNKS[0].title, "The weather was cold.", "c1"),
            Citation(2, "b.txt", CHUNKS[1].title, "Belarus became a full member.", "c2")]


def test_markers_after_the_full_stop_close_the_sentence_before_them():
    text = f"{GOOD}. [1] {BAD}. [1][2] Belarus joined the SCO. [2] [1]"
    spans = cited_sentences(text)
    assert [s.text for s in spans] == [f"{GOOD}. [1]", f"{BAD}. [1][2]", "Belarus joined the SCO. [2] [1]"]
    assert all(text[s.start : s.end] == s.text for s in spans)
    # before the full stop, and a marker that opens a line (a bullet), stay as they were
    assert [s.text for s in cited_sentences(f"{GOOD} [1]. {BAD} [2].")] == [f"{GOOD} [1].", f"{BAD} [2]."]
    assert [s.text for s in cited_sentences(f"- {GOOD}. [1]\n- [2] {BAD}.")] == [f"- {GOOD}. [1]", f"- [2] {BAD}."]


def test_markers_glued_to_the_full_stop_close_their_sentence():
    text = f"{GOOD}.[1] {BAD}.[1] [2] “Belarus joined the SCO.”[2] It did.[2]"
    spans = cited_sentences(text)
    assert [s.text for s in spans] == [f"{GOOD}.[1]", f"{BAD}.[1] [2]", "“Belarus joined the SCO.”[2]", "It did.[2]"]
    assert all(text[s.start : s.end] == s.text for s in spans)
    # an abbreviation's stop followed by a lower-case word is no sentence end
    assert [s.text for s in cited_sentences("The U.S.[1] forces left.")] == ["The U.S.[1] forces left."]


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        (f"{BAD}. [1]", ""),  # the only sentence
        (f"{BAD}. [1] {GOOD}. [1]", f"{GOOD}. [1]"),  # first
        (f"{GOOD}. [1] {BAD}. [1] Belarus joined the Shanghai Cooperation Organisation. [2]",
         f"{GOOD}. [1] Belarus joined the Shanghai Cooperation Organisation. [2]"),  # middle
        (f"{GOOD}. [1] {BAD}. [1]", f"{GOOD}. [1]"),  # last
        (f"{BAD}. [1][2] {GOOD}. [1]", f"{GOOD}. [1]"),  # several markers
        (f"{GOOD}. [1] {BAD}. [1] [2]", f"{GOOD}. [1]"),
        (f"{BAD} [1]. {GOOD} [1].", f"{GOOD} [1]."),  # before the full stop, as before
        (f"{BAD}.[1] {GOOD}.[1]", f"{GOOD}.[1]"),  # glued to the stop
        (f"{GOOD}.[1] {BAD}.[1][2]", f"{GOOD}.[1]"),
    ],
)
def test_every_cited_sentence_is_checked_wherever_its_marker_stands(checker, text, kept):
    out, unsupported, checked = check_claims(text, _citations(), CHUNKS, checker)
    assert [u["sentence"] for u in unsupported] == [f"{BAD}."], out
    assert "30" in unsupported[0]["reason"] or "50000" in unsupported[0]["reason"]
    assert out == kept
    assert checked == len(cited_sentences(text))  # each sentence here carries a marker


def test_a_briefing_bullet_with_the_marker_after_the_stop_is_dropped(checker):
    text = f"## Key points\n- {BAD}. [1]\n- {GOOD}. [1]"
    out, unsupported, checked = check_claims(text, _citations(), CHUNKS, checker)
    assert checked == 2 and [u["sentence"] for u in unsupported] == [f"{BAD}."]
    assert out == f"## Key points\n- {GOOD}. [1]"


def test_uncited_sentences_are_dropped_whichever_side_of_the_stop_the_marker_is():
    from qa.answering.generative import _drop_uncited

    assert _drop_uncited("Troops arrived. [1] Ships left port. [2]") == ("Troops arrived. [1] Ships left port. [2]", [])
    assert _drop_uncited("Troops arrived. [1][2] Ships left port.") == ("Troops arrived. [1][2]", ["Ships left port."])
    assert _drop_uncited("Troops arrived [1]. Ships left.") == ("Troops arrived [1].", ["Ships left."])
    assert _drop_uncited("Troops arrived.[1] Ships left.") == ("Troops arrived.[1]", ["Ships left."])
