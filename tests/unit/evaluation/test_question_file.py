"""``qa eval`` question files are checked row by row with strict types: a bad row is one line
naming its line number and field (rc 2), never an internal error or a silently wrong value."""

from __future__ import annotations

import json

import pytest

from qa.errors import InputError
from qa.evaluation.questions import load_questions


def _file(tmp_path, *rows):
    path = tmp_path / "q.jsonl"
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"question": 42}, r'q.jsonl:2: field "question": Input should be a valid string \(got 42\)'),
        ({"question": "Who?", "sources": 5}, r'q.jsonl:2: field "sources": Input should be a valid list \(got 5\)'),
        ({"question": "Who?", "answerable": "no"}, r'q.jsonl:2: field "answerable": Input should be a valid boolean \(got "no"\)'),
        ({"question": "Who?", "answerable": 0}, r'field "answerable": Input should be a valid boolean'),
        ({"question": "Who?", "expect_any": [["Minsk", 3]]}, r'field "expect_any\[0\]\[1\]": Input should be a valid string'),
        ({"question": "Who?", "expect_any": "Minsk"}, r'field "expect_any": Input should be a valid list'),
        ({"question": "Who?", "sources": ["a.txt", None]}, r'field "sources\[1\]": Input should be a valid string'),
        ({"question": "Who?", "id": [1]}, r'field "id"'),
        ({"question": "   "}, r'field "question": must not be empty'),
        ({"id": "x"}, r'q.jsonl:2: missing field "question"'),
        ("[1, 2]", r"q.jsonl:2: each line must be a JSON object"),
        ("[" * 100_000, r"q.jsonl:2: not valid JSON"),
    ],
)
def test_a_bad_row_is_one_line_naming_line_and_field(tmp_path, row, message):
    path = _file(tmp_path, {"question": "Fine?"}, row)
    with pytest.raises(InputError, match=message) as caught:
        load_questions(path)
    assert "\n" not in str(caught.value)


def test_good_rows_and_the_shorthands_still_load(tmp_path):
    path = _file(
        tmp_path,
        {"id": "a", "question": " Who? ", "expect_any": [["Minsk", "Brest"], "Monday"], "sources": ["a.txt"], "answerable": True,
         "answer": "ignored extra field"},
        {"id": 7, "question": "Where?", "sources": "b.txt"},
        {"question": "What?", "expect_any": None, "sources": None},
    )
    a, b, c = load_questions(path)
    assert (a.id, a.question, a.expect_any, a.sources, a.answerable) == ("a", "Who?", [["Minsk", "Brest"], ["Monday"]], ["a.txt"], True)
    assert (b.id, b.sources, b.answerable) == ("7", ["b.txt"], True)
    assert (c.id, c.expect_any, c.sources, c.answerable) == ("q3", [], [], False)


def test_answerable_false_is_kept(tmp_path):
    (q,) = load_questions(_file(tmp_path, {"question": "GDP?", "sources": ["a.txt"], "answerable": False}))
    assert q.answerable is False


def test_a_fifo_is_not_opened(tmp_path):
    import os

    fifo = tmp_path / "q.jsonl"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="not a regular file"):
        load_questions(fifo)
