"""Cleaning: boilerplate lines go, sentences stay verbatim; titles, dates and encodings."""

from pathlib import Path

import pytest

from qa.ingest.clean import (
    clean_article,
    clean_text,
    content_hash,
    headline,
    is_boilerplate,
    normalise_date,
)
from qa.ingest.load import decode_bytes, read_file
from qa.models import RawArticle
from qa.text.spans import fold_ws, sentence_spans
from tests.conftest import SEEDS


def _doc(path: Path):
    (raw,) = list(read_file(path))
    return clean_article(raw)


def test_seed_boilerplate_is_removed_and_sentences_kept_verbatim():
    for path in sorted(SEEDS.glob("*.txt")):
        doc = _doc(path)
        original = fold_ws(path.read_text(encoding="utf-8"))
        for junk in ("Leave a Reply", "Your email address", "Disclaimer", "See also", "Credit:"):
            assert junk not in doc.text, (path.name, junk)
        # Every kept sentence is in the original file, whitespace aside.
        for span in sentence_spans(doc.text):
            assert fold_ws(span.text) in original, span.text
        assert doc.removed_lines >= 3


def test_seed_titles():
    titles = {p.name: _doc(p).title for p in SEEDS.glob("*.txt")}
    assert titles["001_387894d00310cf98.txt"] == "China to participate in joint military exercises in Russia"
    assert titles["000_52ce17c5f8e0b379.txt"].startswith("Chinese soldiers have landed in Belarus")


def test_stray_link_above_headline_is_dropped_not_taken_as_title(tmp_path):
    text = (
        "Navy tests new drone over Baltic\n\n"
        "Japan and Australia begin joint naval drills off Darwin\n\n"
        "Japan and Australia began joint naval drills off Darwin on Monday, with six ships taking part.\n"
        "The drills off Darwin will last a week, Japanese and Australian officials said.\n"
    )
    raw = RawArticle(source_key="k", path=tmp_path / "a.txt", source="a.txt", text=text)
    doc = clean_article(raw)
    assert doc.title == "Japan and Australia begin joint naval drills off Darwin"
    assert "Navy tests new drone" not in doc.text


def test_boilerplate_patterns_are_line_anchored():
    junk = [
        "Leave a Reply",
        "Your email address will not be published.",
        "Scroll down for video",
        "See also  Something unrelated here",
        "Disclaimer: The copyright of this article belongs to the original author.",
        "Share this article",
        "Copyright 2024 Some Media Ltd. All rights reserved.",
        "Troops unload equipment at the base Credit: Ministry of Defence",
        "Photo: Reuters",
        "- AFP",
        "Tags: Armenia, CSTO, Russia",
        "---",
        "* * *",
    ]
    keep = [
        "The ministry said copyright rules did not apply to the drills.",
        "Tags on the vehicles identified the unit.",
        "- 300 troops from Poland",
        "Officials will share details of the exercise next week.",
        "Credit for the idea went to the defence minister, who proposed the drills in May.",
    ]
    assert all(is_boilerplate(x) for x in junk)
    assert not any(is_boilerplate(x) for x in keep)


def test_clean_text_collapses_blank_runs():
    text, removed = clean_text("A line.\n\n\n\nLeave a Reply\n\nB line.\n")
    assert text == "A line.\n\nB line."
    assert removed == 1


def test_headline_detection():
    assert headline("Troops arrive in Brest\n\nBody text here.") == "Troops arrive in Brest"
    long_para = "One sentence here. Another sentence follows it. " * 3
    assert headline(long_para) is None


def test_decoding_falls_back_to_cp1252():
    assert decode_bytes("café".encode()) == "café"
    assert decode_bytes("café".encode("cp1252")) == "café"
    assert decode_bytes(b"\xef\xbb\xbfhello") == "hello"


def test_dates():
    assert normalise_date("2024-07-08T10:00:00Z") == "2024-07-08"
    assert normalise_date("8 July 2024") == "2024-07-08"
    assert normalise_date("2004-2005") is None
    assert normalise_date("") is None


def test_dateline_in_text_gives_date(tmp_path):
    text = "Drills begin near Narva\nPublished: 12 March 2024\n\nEstonian troops began drills near Narva."
    doc = clean_article(RawArticle("k", tmp_path / "x.txt", "x.txt", text))
    assert doc.date == "2024-03-12"


@pytest.mark.parametrize(
    ("opening", "day"),
    [
        ("WARSAW, May 3, 2024 (Reuters) - Polish troops began drills near the border.", "2024-05-03"),
        ("NORFOLK, Va., 3 May 2024 — The carrier left port with its escorts.", "2024-05-03"),
        ("PORT OF BUSAN, South Korea, March 12, 2024 -- Sailors arrived for the exercise.", "2024-03-12"),
        # A wire dateline without its year is not read: the year would be the reader's guess.
        ("WARSAW, May 3 (Reuters) - Polish troops began drills near the border.", None),
        ("SEOUL (AP) — South Korea said the drills would go on.", None),
        # A sentence that mentions a date and a dash is no dateline.
        ("However, troops arrived March 4, 2024 - and left a week later.", None),
    ],
)
def test_a_wire_dateline_opening_the_story_gives_its_date(tmp_path, opening, day):
    text = f"Drills near the border\n\n{opening}\n\nThe drills continue next week."
    doc = clean_article(RawArticle("k", tmp_path / "w.txt", "w.txt", text))
    assert doc.date == day
    assert opening in doc.text


def test_dateline_under_the_headline_is_not_taken_for_a_stray_link(tmp_path):
    text = (
        "Finland becomes Nato's 31st member\n\nPublished 4 April 2023\n\n"
        "Finland formally joined Nato on Tuesday, doubling the length of the alliance's border with "
        "Russia after decades of military non-alignment.\n"
    )
    doc = clean_article(RawArticle("k", tmp_path / "f.txt", "f.txt", text))
    assert doc.title == "Finland becomes Nato's 31st member"
    assert doc.date == "2023-04-04"
    assert "Published 4 April 2023" in doc.text


def test_content_hash_ignores_whitespace():
    assert content_hash("a  b\nc") == content_hash("a b c")
    assert content_hash("a b c") != content_hash("a b d")


WRAPPED = (
    "The North Atlantic Treaty Organization is an intergovernmental military alliance\n"
    "between 32 member states. Founded in the aftermath of World War II, NATO was\n"
    "established with the signing of the North Atlantic Treaty in 1949."
)


def test_a_hard_wrapped_paragraph_is_joined_so_sentences_are_whole():
    text, _ = clean_text(f"NATO\n\n{WRAPPED}\n\nSecond paragraph.")
    paragraphs = text.split("\n\n")
    assert paragraphs[0] == "NATO" and paragraphs[2] == "Second paragraph."
    assert "\n" not in paragraphs[1]
    assert "Founded in the aftermath of World War II, NATO was established with the signing" in paragraphs[1]


@pytest.mark.parametrize(
    "block",
    [
        "Headquarters\nBoulevard Leopold III\n1110 Brussels, Belgium",  # short lines: an address
        "Members that joined in 1949 and still take part in every exercise:\n- Belgium\n- Canada\n- Denmark",
        "1. The first point of the agreement covers joint air patrols over the Baltic\n"
        "2. The second point covers the exchange of liaison officers between both navies",
    ],
)
def test_lists_addresses_and_short_lines_keep_their_breaks(block):
    text, _ = clean_text(block)
    assert text == block


def test_lines_are_never_joined_across_a_removed_boilerplate_line():
    """Found by the fuzz layer: joining around a dropped line made a sentence the article never had."""
    text, removed = clean_text("0" * 50 + "\nLEAVE A REPLY\r0")
    assert removed == 1 and text == "0" * 50 + "\n0"


@pytest.mark.parametrize("relative", ["3 days ago", "2 years ago", "in 2 weeks", "yesterday 2019"])
def test_a_relative_metadata_date_is_no_date(relative):
    # read against today it would date the article anew on every run
    assert normalise_date(relative) is None
    assert normalise_date("Mon, 01 Jul 2024 10:00:00 GMT") == "2024-07-01" and normalise_date("1714521600") == "2024-05-01"


def test_a_jsonl_record_without_title_is_named_by_its_first_sentence(tmp_path):
    lede = "Polish and Lithuanian troops began a joint exercise near the Suwalki gap on Monday, the army said in a statement."
    text = f"{lede} More than 2,000 soldiers take part. The drill ends on Friday."
    record = clean_article(RawArticle("k#p4", tmp_path / "09.jsonl", "09.jsonl#p4", text))
    assert record.title.startswith("Polish and Lithuanian troops began") and len(record.title) <= 100
    plain = clean_article(RawArticle("k", tmp_path / "suwalki_drill.txt", "suwalki_drill.txt", text))
    assert plain.title == "suwalki_drill"  # a file's name says what it holds


def test_lines_are_never_joined_across_a_removed_stray_headline(tmp_path):
    # found by the fuzz test: the stray "0" went, and the lines around it were joined as one
    # hard-wrapped paragraph, making a sentence that is not in the article
    text = "0000000000000000000000000000000000000000000000AAAA\n0\rAAAA. A"
    doc = clean_article(RawArticle("k", tmp_path / "f.txt", "f.txt", text))
    assert "AAAA AAAA" not in doc.text and doc.text.endswith("AAAA. A")
