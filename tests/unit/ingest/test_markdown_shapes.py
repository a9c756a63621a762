"""Article shapes from note apps, static sites and wire copy: YAML front matter, a Markdown
heading, an emphasised dateline, a byline and a dateline standing on their own lines. Each gives
the article's own title and date, and the text keeps every sentence."""

from __future__ import annotations

import pytest

from qa.ingest.clean import clean_article
from qa.ingest.front_matter import split_front_matter
from qa.ingest.load import read_file

BODY = "More than 30,000 troops from 13 nations began Talisman Sabre. The drills run for two weeks.\n"


def _doc(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    (raw,) = list(read_file(path))
    return clean_article(raw)


def test_front_matter_gives_title_date_and_url_and_leaves_the_text(tmp_path):
    doc = _doc(tmp_path, "vietnam.md", '---\ntitle: "US carrier calls at Đà Nẵng"\ndate: 2023-06-25\n'
                                       "url: https://example.org/a\ntags: [navy, vietnam]\n---\n\n" + BODY)
    assert (doc.title, doc.date, doc.url) == ("US carrier calls at Đà Nẵng", "2023-06-25", "https://example.org/a")
    assert doc.text == BODY.strip() and "title:" not in doc.text


def test_a_front_matter_date_written_out_is_read(tmp_path):
    doc = _doc(tmp_path, "q.md", '---\ntitle: Talisman Sabre opens\ndate: "July 24, 2023"\n---\n' + BODY)
    assert doc.date == "2023-07-24"


@pytest.mark.parametrize(
    "block",
    [
        "---\n- a list\n- not a mapping\n---\n",  # YAML, but no metadata
        "---\ntitle: [unclosed\n---\n",  # not YAML
        "---\nlayout: post\n---\n",  # a mapping naming none of the fields
    ],
)
def test_a_block_that_is_no_front_matter_stays_in_the_text(block):
    meta, text = split_front_matter(block + BODY)
    assert meta is None and text == block + BODY


def test_aliases_in_front_matter_cannot_become_a_huge_title():
    meta, _text = split_front_matter("---\na: &a [x, x, x]\nb: &b [*a, *a, *a]\ntitle: [*b, *b]\ndate: 2024-01-02\n---\n" + BODY)
    assert meta is not None and meta.title is None and meta.date == "2024-01-02"


def test_a_markdown_heading_and_an_emphasised_dateline(tmp_path):
    doc = _doc(tmp_path, "a.md", "# Armenia freezes its part in the CSTO\n\n**Published:** 23 February 2024\n\n" + BODY)
    assert (doc.title, doc.date) == ("Armenia freezes its part in the CSTO", "2024-02-23")


def test_a_byline_and_a_dateline_on_their_own_lines_are_neither_title_nor_lost(tmp_path):
    doc = _doc(tmp_path, "sabre.txt", "Talisman Sabre begins\nBy Defence Correspondent\nSYDNEY, July 24, 2023 —\n\n" + BODY)
    assert (doc.title, doc.date) == ("Talisman Sabre begins", "2023-07-24")
    assert "SYDNEY, July 24, 2023 —" in doc.text
    untitled = _doc(tmp_path, "wire.txt", "By Jane Smith\nSYDNEY, July 24, 2023 —\n\n" + BODY)
    assert untitled.title == "wire" and untitled.date == "2023-07-24"  # the file's name, not the byline


def test_a_stray_markdown_heading_above_the_real_one_is_dropped_not_fatal(tmp_path):
    doc = _doc(tmp_path, "two.md", "# Russia moves missiles to Kaliningrad\n\n# China to join Belarus drills\n\n"
                                   "China will join Belarus drills near Brest this week, the ministry said. Chinese troops arrived.\n")
    assert doc.title == "China to join Belarus drills" and "Kaliningrad" not in doc.text


def test_front_matter_with_windows_line_ends_and_an_empty_title(tmp_path):
    doc = _doc(tmp_path, "crlf.md", "---\r\ntitle:\r\nheadline: Sabre opens\r\ndate: 2023-07-24\r\n---\r\n" + BODY)
    assert (doc.title, doc.date) == ("Sabre opens", "2023-07-24") and "headline" not in doc.text


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("By sea and air\n\n" + BODY, "By sea and air"),  # a headline, not a byline
        ("WARSAW, May 3, 2024 (Reuters) - Polish troops began drills.\n\nThey go on next week, officials said.\n",
         "WARSAW, May 3, 2024 (Reuters) - Polish troops began drills"),  # a wire lede is no lone dateline
    ],
)
def test_what_only_looks_like_a_byline_or_a_dateline_can_still_be_the_title(tmp_path, text, title):
    assert _doc(tmp_path, "t.txt", text).title == title
