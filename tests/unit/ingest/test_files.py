"""Which files ingest reads: regular files only (a FIFO never blocks), names that are not UTF-8
kept safely, size bounds judged before anything is opened, and a hint for an empty folder."""

from __future__ import annotations

import json
import os
import socket

import pytest

from qa.config import IngestSettings, load_settings
from qa.errors import InputError
from qa.ingest.files import discover, display_name, display_path
from qa.ingest.load import count_articles, read_file
from qa.models import RawArticle, SkippedInput

from .conftest import fails_if_blocked, non_utf8_name

ARTICLE = "Troops arrive in Minsk\n\nBelarusian troops arrived in Minsk on Monday for a joint drill.\n"


def test_a_fifo_named_explicitly_is_skipped_without_being_opened(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    good = tmp_path / "good.txt"
    good.write_text(ARTICLE, encoding="utf-8")
    with fails_if_blocked():
        files, skipped = discover([fifo, good])
    assert files == [good]
    assert [(s.path, s.reason) for s in skipped] == [(str(fifo), "not a regular file: a named pipe (FIFO)")]


def test_reading_a_fifo_never_blocks(tmp_path):
    """Even a file swapped for a FIFO after discovery: opened non-blocking, refused by fstat."""
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)
    with fails_if_blocked():
        (item,) = list(read_file(fifo))
        assert count_articles(fifo) == 1
    assert isinstance(item, SkippedInput) and "named pipe" in item.reason


def test_special_files_inside_a_folder_are_reported_once(tmp_path):
    os.mkfifo(tmp_path / "pipe.md")
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(tmp_path / "sock.txt"))
        (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
        files, skipped = discover([tmp_path, tmp_path / "pipe.md"])
    assert [f.name for f in files] == ["a.txt"]
    assert sorted(s.reason for s in skipped) == ["not a regular file: a named pipe (FIFO)", "not a regular file: a socket"]


def test_a_name_that_is_not_utf8_is_escaped_stably(tmp_path):
    path = non_utf8_name(tmp_path, b"caf\xe9")
    path.write_bytes(ARTICLE.encode())
    (raw,) = list(read_file(path))
    assert isinstance(raw, RawArticle)
    assert raw.source == "caf\\xe9.txt"
    for text in (raw.source, raw.source_key, str(raw.path)):
        text.encode("utf-8")  # valid UTF-8: Chroma, JSON and the terminal accept it
    assert str(raw.path).endswith("caf\\xe9.txt") and raw.path.is_absolute()
    assert list(read_file(path)) == [raw], "the same name gives the same keys on every run"
    assert display_name("plain.txt") == "plain.txt" and display_path(tmp_path / "a.txt") == tmp_path / "a.txt"


def test_a_folder_without_article_files_says_what_is_supported(tmp_path):
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    files, skipped = discover([tmp_path])
    assert files == []
    (only,) = skipped
    assert only.path == str(tmp_path) and "no article files" in only.reason
    assert all(ext in only.reason for ext in (".txt", ".md", ".html", ".jsonl"))


def test_a_missing_path_is_still_an_error_for_the_whole_command(tmp_path):
    with pytest.raises(InputError, match="no such file or directory"):
        discover([tmp_path / "missing.txt"])


def test_oversized_files_are_skipped_before_opening_with_the_setting_named(tmp_path):
    limits = IngestSettings(max_article_bytes=2048, max_html_bytes=4096)
    big = tmp_path / "big.txt"
    big.write_text("word " * 1000, encoding="utf-8")
    page = tmp_path / "page.html"
    page.write_text("<p>" + "word " * 1000 + "</p>", encoding="utf-8")
    small = tmp_path / "small.txt"
    small.write_text(ARTICLE, encoding="utf-8")
    files, skipped = discover([tmp_path], limits)
    assert files == [small]
    reasons = {s.path: s.reason for s in skipped}
    assert reasons[str(big)] == "file too large (4.9 KiB; the limit is 2.0 KiB, set QA_MAX_ARTICLE_BYTES to change it)"
    assert "(4.9 KiB; the limit is 4.0 KiB, set QA_MAX_HTML_BYTES" in reasons[str(page)]
    # read_file keeps the bound itself, for a file that grew after discovery.
    (item,) = list(read_file(big, limits))
    assert isinstance(item, SkippedInput) and "too large" in item.reason


def test_a_huge_jsonl_is_not_refused_as_a_whole(tmp_path):
    """JSONL is bounded per line: a big file of normal articles is fine."""
    path = tmp_path / "many.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for i in range(40):
            fh.write(json.dumps({"id": i, "title": f"T{i}", "text": f"Article number {i}. " * 10}) + "\n")
    files, skipped = discover([path], IngestSettings(max_article_bytes=1024))
    assert files == [path] and skipped == []


def test_bounds_are_settings_with_env_variables(monkeypatch):
    monkeypatch.setenv("QA_MAX_ARTICLE_BYTES", "4096")
    monkeypatch.setenv("QA_MAX_TITLE_CHARS", "80")
    s = load_settings()
    assert s.ingest.max_article_bytes == 4096 and s.ingest.max_title_chars == 80
    assert load_settings(max_article_bytes=8192).ingest.max_article_bytes == 8192
    monkeypatch.setenv("QA_MAX_ARTICLE_BYTES", "10")
    with pytest.raises(InputError, match="QA_MAX_ARTICLE_BYTES"):
        load_settings()
