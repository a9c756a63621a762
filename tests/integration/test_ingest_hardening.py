"""The whole ingest over a real Chroma index with the bundled embedder: one bad file never stops the
others, and bounds, repeated ids and unreadable dates end in the report, not in silence."""

from __future__ import annotations

import json
import os

import pytest

from qa.config import load_settings
from qa.ingest import pipeline
from qa.ingest.pipeline import ingest
from qa.storage.store import open_store
from tests.unit.ingest.conftest import fails_if_blocked, non_utf8_name

ARTICLE = "Troops arrive in {place}\n\nBelarusian troops arrived in {place} on Monday for a joint drill.\n"


@pytest.fixture
def settings(tmp_path):
    return load_settings(index_dir=tmp_path / "index")


def _stored(settings):
    store = open_store(settings)
    return {meta["source"]: meta for _id, meta, _text in store.iter_records()}


def test_a_name_that_is_not_utf8_is_indexed_with_the_others(tmp_path, settings):
    folder = tmp_path / "in"
    folder.mkdir()
    non_utf8_name(folder, b"caf\xe9").write_text(ARTICLE.format(place="Minsk"), encoding="utf-8")
    (folder / "plain.txt").write_text(ARTICLE.format(place="Brest"), encoding="utf-8")
    report = ingest([folder], settings)
    assert sorted(report.added) == ["caf\\xe9.txt", "plain.txt"] and not report.skipped
    stored = _stored(settings)
    assert stored["caf\\xe9.txt"]["path"].endswith("caf\\xe9.txt")
    json.dumps(report.to_dict(), ensure_ascii=False).encode("utf-8")
    again = ingest([folder], settings)
    assert sorted(again.unchanged) == ["caf\\xe9.txt", "plain.txt"] and again.chunks_written == 0


def test_a_fifo_never_holds_the_write_lock(tmp_path, settings):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    good = tmp_path / "good.txt"
    good.write_text(ARTICLE.format(place="Minsk"), encoding="utf-8")
    with fails_if_blocked():
        report = ingest([fifo, good], settings)
    assert report.added == ["good.txt"]
    assert [s.reason for s in report.skipped] == ["not a regular file: a named pipe (FIFO)"]


def test_an_article_that_breaks_a_stage_is_skipped_and_the_rest_goes_on(tmp_path, settings, monkeypatch):
    real_chunker = pipeline.chunk_document

    def chunker(doc, *args, **kwargs):
        if "Grodno" in doc.text:
            raise ValueError("boom\nsecond line")
        return real_chunker(doc, *args, **kwargs)

    monkeypatch.setattr(pipeline, "chunk_document", chunker)
    for place in ("Minsk", "Grodno", "Brest"):
        (tmp_path / f"{place}.txt").write_text(ARTICLE.format(place=place), encoding="utf-8")
    report = ingest([tmp_path], settings)
    assert sorted(report.added) == ["Brest.txt", "Minsk.txt"]
    assert [(s.path, s.reason) for s in report.skipped] == [("Grodno.txt", "could not be processed (ValueError: boom)")]


def test_a_title_over_the_bound_is_skipped_with_the_setting_named(tmp_path):
    settings = load_settings(index_dir=tmp_path / "index", max_title_chars=100)
    feed = tmp_path / "feed.jsonl"
    rows = [{"id": "long", "title": "T" * 200_000, "text": "Troops moved."}, {"id": "ok", "title": "Fine", "text": "Ships sailed."}]
    feed.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    report = ingest([feed], settings)
    assert report.added == ["feed.jsonl#ok"]
    assert [(s.path, s.reason) for s in report.skipped] == [
        ("feed.jsonl#long", "title too long (200000 characters; the limit is 100, set QA_MAX_TITLE_CHARS to change it)")
    ]


def test_a_repeated_jsonl_id_with_different_text_is_not_dropped(tmp_path, settings):
    feed = tmp_path / "feed.jsonl"
    rows = [{"id": "1", "text": "Troops moved north."}, {"id": "1", "text": "Ships sailed south."},
            {"id": "1", "text": "Troops moved north."}]
    feed.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    report = ingest([feed], settings)
    assert report.added == ["feed.jsonl#1", "feed.jsonl#1~2"]
    assert [(s.path, s.reason) for s in report.skipped] == [("feed.jsonl#1~3", "same article as another file in this run")]


def test_dates_that_are_not_days_are_reported_as_warnings(tmp_path, settings):
    feed = tmp_path / "feed.jsonl"
    rows = [{"id": "compact", "date": "20240101", "text": "Troops moved north."},
            {"id": "bad", "date": "2024-13-45", "text": "Ships sailed south."},
            {"id": "dateline", "date": "soon", "text": "Drills in Narva\nPublished 4 April 2023\n\nTanks rolled."}]
    feed.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    report = ingest([feed], settings)
    assert len(report.added) == 3
    assert [(w.path, w.reason) for w in report.warnings] == [
        ("feed.jsonl#bad", "date '2024-13-45' is not a day qa can read (use YYYY-MM-DD); indexed without a date"),
        ("feed.jsonl#dateline", "date 'soon' is not a day qa can read (use YYYY-MM-DD); used 2023-04-04 from the text"),
    ]
    assert report.to_dict()["warnings"][0]["path"] == "feed.jsonl#bad"
    assert _stored(settings)["feed.jsonl#compact"]["date"] == "2024-01-01"
