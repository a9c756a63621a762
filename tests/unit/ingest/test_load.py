"""Reading article files: wide Unicode, JSONL streamed with a bound per line, repeated ids,
compact dates, and JSON strings that are not valid UTF-8."""

from __future__ import annotations

import json
import tracemalloc

from qa.config import IngestSettings
from qa.ingest.clean import clean_article, normalise_date
from qa.ingest.decode import looks_binary
from qa.ingest.load import decode_bytes, read_file
from qa.models import RawArticle, SkippedInput

TEXT = "Drills begin near Narva\n\nEstonian troops began drills near Narva on Monday, café included.\n"


def _articles(path, limits=None):
    return [i for i in read_file(path, limits) if isinstance(i, RawArticle)]


def test_utf16_files_with_a_bom_are_decoded_not_called_binary(tmp_path):
    for encoding in ("utf-16", "utf-16-be", "utf-32"):
        data = TEXT.encode(encoding)
        if encoding == "utf-16-be":
            data = b"\xfe\xff" + data
        path = tmp_path / f"{encoding}.txt"
        path.write_bytes(data)
        assert not looks_binary(data)
        (raw,) = list(read_file(path))
        assert isinstance(raw, RawArticle), raw
        assert raw.text == TEXT
    assert decode_bytes("café".encode("utf-16")) == "café"


def test_utf16_jsonl_is_read_line_by_line(tmp_path):
    path = tmp_path / "wide.jsonl"
    lines = [json.dumps({"id": "a", "text": "Første linje."}, ensure_ascii=False), json.dumps({"id": "b", "text": "Second."})]
    path.write_bytes("\n".join(lines).encode("utf-16"))
    assert [(r.source, r.text) for r in _articles(path)] == [("wide.jsonl#a", "Første linje."), ("wide.jsonl#b", "Second.")]


def test_nul_bytes_still_mean_binary(tmp_path):
    path = tmp_path / "blob.txt"
    path.write_bytes(b"abc\x00def" * 100)
    (item,) = list(read_file(path))
    assert isinstance(item, SkippedInput) and item.reason == "binary file, not text"


def test_a_repeated_jsonl_id_with_different_text_keeps_both(tmp_path):
    path = tmp_path / "feed.jsonl"
    rows = [{"id": "7", "text": "First story."}, {"id": "7", "text": "Another story."}, {"id": "7~2", "text": "Third."},
            {"id": 7, "text": "Fourth."}]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    arts = _articles(path)
    assert [a.source for a in arts] == ["feed.jsonl#7", "feed.jsonl#7~2", "feed.jsonl#7~2~2", "feed.jsonl#7~3"]
    assert len({a.source_key for a in arts}) == 4
    assert _articles(path) == arts, "the disambiguated keys are the same on every run"


def test_compact_and_impossible_dates():
    assert normalise_date("20240101") == "2024-01-01"
    assert normalise_date("20241345") is None
    assert normalise_date("2024-13-45") is None
    assert normalise_date("x" * 10_000 + " 2024") is None  # a page of text is not handed to dateparser


def test_jsonl_compact_date_reaches_the_document(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps({"id": "a", "title": "T", "date": 20240101, "text": "Troops moved."}) + "\n", encoding="utf-8")
    (raw,) = _articles(path)
    assert clean_article(raw).date == "2024-01-01"


def test_lone_surrogates_in_json_strings_become_replacement_characters(tmp_path):
    path = tmp_path / "s.jsonl"
    path.write_text('{"id": "x\\ud800", "title": "T\\udfff", "text": "Troops \\ud83d moved. \\ud83d\\ude00"}\n', encoding="utf-8")
    (raw,) = _articles(path)
    for value in (raw.text, raw.title, raw.source, raw.source_key):
        value.encode("utf-8")
    assert raw.text == "Troops \ufffd moved. 😀"


def test_hostile_jsonl_lines_are_skipped_and_the_rest_goes_on(tmp_path):
    path = tmp_path / "h.jsonl"
    lines = ["[" * 100_000 + "]" * 100_000, '"just a string"', '{"text": 5}', "{bad json",
             json.dumps({"id": "ok", "text": "Troops moved."})]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = list(read_file(path))
    assert [i.source for i in items if isinstance(i, RawArticle)] == ["h.jsonl#ok"]
    assert [i.path.rsplit(":", 1)[1] for i in items if isinstance(i, SkippedInput)] == ["1", "2", "3", "4"]


def test_a_jsonl_record_without_text_says_what_its_text_is(tmp_path):
    path = tmp_path / "t.jsonl"
    records = [{"title": "x"}, {"text": "  "}, {"text": None}, {"text": ["a"]}]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    reasons = [i.reason for i in read_file(path) if isinstance(i, SkippedInput)]
    assert reasons == ["no 'text' field", "empty 'text'", "'text' is null", "'text' is not a string"]


def test_a_huge_jsonl_line_is_skipped_while_memory_stays_bounded(tmp_path):
    path = tmp_path / "huge.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        fh.write(json.dumps({"id": "first", "text": "Troops moved."}) + "\n")
        fh.write('{"id": "huge", "text": "' + "word " * 4_000_000 + '"}\n')  # 20 MB on one line
        fh.write(json.dumps({"id": "last", "text": "Ships sailed."}) + "\n")
    limits = IngestSettings(max_article_bytes=1024 * 1024)
    tracemalloc.start()
    try:
        items = list(read_file(path, limits))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [i.source for i in items if isinstance(i, RawArticle)] == ["huge.jsonl#first", "huge.jsonl#last"]
    (skip,) = [i for i in items if isinstance(i, SkippedInput)]
    assert skip.path.endswith("huge.jsonl:2")
    assert skip.reason == "line too large (the limit is 1.0 MiB, set QA_MAX_ARTICLE_BYTES to change it)"
    assert peak < 8 * 1024 * 1024, f"peak {peak / 2**20:.1f} MiB while skipping a 20 MB line"
