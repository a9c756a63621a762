"""``qa eval`` inputs a tester found mishandled: quotes checked against a file edited since an
earlier run, undefined event scores reported as 0.0, a bad events gold file taken for a question
file, question rows that cannot be scored, and a UTF-8 byte-order mark."""

from __future__ import annotations

import json
import os

import pytest

from qa.errors import InputError
from qa.evaluation.events_gold import (
    GoldEvent,
    Pred,
    is_events_gold_file,
    load_gold,
    score_articles,
)
from qa.evaluation.question_file import load_questions
from qa.evaluation.questions import quote_is_verbatim


def _rows(tmp_path, *rows, name="q.jsonl", bom=False):
    path = tmp_path / name
    text = "\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


# 1. The verbatim-quote check reads the file as it is now, not as an earlier run saw it.


@pytest.mark.parametrize("same_size", [False, True])
def test_a_quote_is_checked_against_the_file_as_edited(tmp_path, same_size):
    article = tmp_path / "a.txt"
    article.write_text("The 11-day exercise starts on Monday.\n", encoding="utf-8")
    assert quote_is_verbatim("The 11-day exercise", str(article))
    edited = "The 12-day exercise starts on Monday.\n" if same_size else "The 12-day drill starts on Monday.\n"
    article.write_text(edited, encoding="utf-8")
    stat = article.stat()
    os.utime(article, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))  # coarse clocks aside
    assert not quote_is_verbatim("The 11-day exercise", str(article))
    assert quote_is_verbatim(edited.split(" starts")[0], str(article))


# 2. A precision, recall or F1 with nothing to divide by is undefined: null, not 0.0.


def test_undefined_event_scores_are_none_not_zero():
    gold = {"a": [GoldEvent("exercise", "Vostok", ["Russia"])]}
    pred = {"a": [Pred("exercise", "Vostok", ["Russia"]), Pred("alliance", "SCO", ["Belarus", "SCO"])]}
    data = json.loads(json.dumps(score_articles(gold, pred).to_dict()))
    deployment, alliance, exercise = data["kinds"]["deployment"], data["kinds"]["alliance"], data["kinds"]["exercise"]
    assert (deployment["precision"], deployment["recall"], deployment["f1"]) == (None, None, None)  # gold 0, found 0
    assert (alliance["precision"], alliance["recall"], alliance["f1"]) == (0.0, None, None)  # gold 0, found 1
    assert (exercise["precision"], exercise["recall"], exercise["f1"]) == (1.0, 1.0, 1.0)
    assert data["overall"]["precision"] == 0.5 and data["overall"]["recall"] == 1.0


def test_a_missed_record_with_nothing_found_has_recall_zero_and_no_precision():
    data = score_articles({"a": [GoldEvent("deployment", None, ["Portugal"])]}, {"a": []}).to_dict()
    assert (data["kinds"]["deployment"]["precision"], data["kinds"]["deployment"]["recall"]) == (None, 0.0)
    assert data["kinds"]["deployment"]["f1"] is None


# 3. A JSON object with "articles" is an events gold file, and load_gold names its problem.


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"articles": [{"id": "a", "events": []}, {"id": "b"}]}, 'articles[1]: "events" must be a list'),
        ({"articles": []}, '"articles" is empty'),
        ({"articles": [1, 2]}, "articles[0]: must be an object"),
        ({"articles": {"a": []}}, 'expected an object with a list "articles"'),
    ],
)
def test_a_bad_gold_file_is_recognised_by_shape(tmp_path, data, message):
    path = tmp_path / "gold.json"
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    assert is_events_gold_file(path)
    with pytest.raises(InputError, match="^" + str(path).replace("\\", "\\\\") + r": .*" + message.replace("[", r"\[")):
        load_gold(path)


def test_gold_shape_wins_over_the_file_name_and_questions_stay_questions(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"articles": [{"id": "a", "events": []}]}) + "\n", encoding="utf-8")
    assert is_events_gold_file(gold)
    assert not is_events_gold_file(_rows(tmp_path, {"question": "Who?", "articles": 3}))
    assert not is_events_gold_file(_rows(tmp_path, {"question": "Who?"}, {"question": "Where?"}))


# 4. Rows that cannot be scored are refused, naming line and field.


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"question": "How long?", "expect_any": [[""]], "answerable": True}, r'q.jsonl:2: field "expect_any\[0\]\[0\]": must not be empty'),
        ({"question": "How long?", "expect_any": [["11"], ["  "]]}, r'q.jsonl:2: field "expect_any\[1\]\[0\]": must not be empty'),
        ({"question": "How long?", "expect_any": [[]], "answerable": True}, r'q.jsonl:2: field "expect_any\[0\]": an empty group'),
        ({"question": "How long?", "expect_any": ["11", "eleven"]}, r'q.jsonl:2: field "expect_any": a flat list of several strings is ambiguous: write \[\["11", "eleven"\]\]'),
        ({"question": "How long?", "answerable": True}, r'q.jsonl:2: "answerable" is true but nothing can score the answer'),
        ({"question": "How long?", "expect_any": [], "sources": [], "answerable": True}, r'q.jsonl:2: "answerable" is true'),
        ({"question": "How long?", "sources": [""]}, r'q.jsonl:2: field "sources\[0\]": must not be empty'),
    ],
)
def test_an_unscorable_row_is_one_line_naming_line_and_field(tmp_path, row, message):
    with pytest.raises(InputError, match=message) as caught:
        load_questions(_rows(tmp_path, {"question": "Fine?"}, row))
    assert "\n" not in str(caught.value)


def test_unambiguous_shapes_still_load(tmp_path):
    a, b, c, d = load_questions(_rows(
        tmp_path,
        {"question": "How long?", "expect_any": ["11"], "answerable": True},  # one string: one group either way
        {"question": "How long?", "expect_any": [["11", "eleven"], "days"]},  # groups, with a one-string shorthand
        {"question": "Where?", "sources": ["a.txt"], "answerable": True},  # scored by the citation alone
        {"question": "GDP?", "answerable": False},
    ))
    assert a.expect_any == [["11"]] and b.expect_any == [["11", "eleven"], ["days"]]
    assert (c.answerable, d.answerable) == (True, False)


# 5. A UTF-8 byte-order mark is accepted; other encodings are refused in plain words.


def test_a_byte_order_mark_is_accepted(tmp_path):
    (q,) = load_questions(_rows(tmp_path, {"question": "Who?", "expect_any": [["Minsk"]]}, bom=True))
    assert q.question == "Who?" and q.answerable
    gold = tmp_path / "gold.json"
    gold.write_bytes(b"\xef\xbb\xbf" + json.dumps({"articles": [{"id": "a", "events": []}]}).encode())
    assert is_events_gold_file(gold) and [a.id for a in load_gold(gold)] == ["a"]


def test_a_file_that_is_not_utf8_is_refused_in_plain_words(tmp_path):
    path = tmp_path / "q.jsonl"
    path.write_bytes('{"question": "Où?"}\n'.encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8 text") as caught:
        load_questions(path)
    assert "codec" not in str(caught.value)
