"""Cleaning removes terminal escape sequences and control characters from text and metadata,
without gluing words or sentences, and leaves text without any unchanged."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from qa.ingest.clean import clean_article, clean_text
from qa.models import RawArticle
from qa.text.spans import sentence_spans

CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _article(text: str, **meta) -> RawArticle:
    return RawArticle(source_key="k", path=Path("feed.jsonl"), source="feed.jsonl#1", text=text, **meta)


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        ("Esc \x1b[2J\x1b[31mRED\x1b[0m \x1b]0;PWNED-TITLE\x07 title", "Esc RED title"),
        ("see \x1b]8;;https://example.org\x1b\\the report\x1b]8;;\x1b\\.", "see the report."),
        ("C1 \x9b31mred\x9b0m \x9d0;x\x9c ok", "C1 red ok"),
        ("a\x00b\x08c\x7fd\x85e\x0cf", "a b c d e f"),  # a control between words is a space
        ("bell\x07 and lone escape \x1b", "bell and lone escape"),
        ("DEC \x1b7saved\x1b8 and \x1b(B charset", "DEC saved and charset"),
        # Bidirectional overrides and isolates would show the text reordered; they wrap words.
        ("Drill \u202eerif ekirtS\u202c and \u2067Nato\u2069 ok", "Drill erif ekirtS and Nato ok"),
    ],
)
def test_escapes_and_controls_leave_readable_text(dirty, clean):
    text, _removed = clean_text(dirty)
    assert text == clean
    assert clean_article(_article("Body text of the article.", title=dirty)).title == clean


def test_a_nul_between_sentences_does_not_glue_them():
    for gap in ("\x00 ", "\x00", " \x00 ", "\x00\x00"):
        text, _ = clean_text(f"The drill began on 2 June 2025.{gap}It involved 2,000 sailors.")
        assert [s.text for s in sentence_spans(text)] == ["The drill began on 2 June 2025.", "It involved 2,000 sailors."]


def test_an_unterminated_osc_swallows_no_text():
    text, _ = clean_text("Before \x1b]0;half a title\nThe next line stays.\x07")
    assert text == "Before 0;half a title\nThe next line stays."


def test_tabs_newlines_and_plain_text_are_unchanged():
    plain = "Line one  with two spaces.\n\tIndented line.\n\nNew paragraph, café – “quoted”."
    assert clean_text(plain)[0] == plain


def test_metadata_loses_controls_and_an_empty_title_falls_back():
    doc = clean_article(_article("Minsk hosts a drill\n\nTroops arrived on Monday.", title="\x1b[0m\x00",
                                 publisher="BBC\x1b[5m", url="https://x.org/\x00a"))
    assert doc.title == "Minsk hosts a drill"
    assert doc.publisher == "BBC" and not CONTROL_RE.search(doc.url)
    assert not CONTROL_RE.search(doc.text + doc.title)


def test_right_to_left_text_keeps_its_implicit_marks():
    text = "\u05e6\u05d4\u05f4\u05dc \u200f(IDF)\u200f said the drill ended."
    assert clean_text(text)[0] == text


def test_a_model_reply_loses_bidirectional_overrides_piece_by_piece():
    from qa.text.controls import drop_unprintable

    reply = "The drill \u202eended\u202c on 3 May [1]."
    assert drop_unprintable(reply) == "The drill ended on 3 May [1]."
    assert "".join(drop_unprintable(piece) for piece in (reply[:11], reply[11:])) == drop_unprintable(reply)
