"""Fuzzed loaders: any bytes in a .txt, .md, .html or .jsonl file, and any JSON on a JSONL line,
give articles or reasons to skip, never an exception, and every string they hand on is valid
UTF-8 (what Chroma, JSON output and the terminal need)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from qa.config import IngestSettings
from qa.ingest.decode import looks_binary
from qa.ingest.load import decode_bytes, read_file
from qa.models import RawArticle, SkippedInput

from .common import any_text, budget

LIMITS = IngestSettings(max_article_bytes=4096, max_html_bytes=8192, max_title_chars=100)

# Bytes worth trying: random ones, text in the encodings users have, and BOM-led garbage.
file_bytes = st.one_of(
    st.binary(max_size=3000),
    st.tuples(any_text, st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16", "utf-32"])).map(
        lambda te: te[0].encode(te[1], errors="replace")
    ),
    st.tuples(st.sampled_from([b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf", b"\xff\xfe\x00\x00"]), st.binary(max_size=600)).map(
        lambda parts: parts[0] + parts[1]
    ),
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
article_records = st.fixed_dictionaries(
    {"text": st.one_of(any_text, json_values)},
    optional={key: json_values for key in ("id", "title", "date", "source", "url")},
)


def _valid_utf8(*texts: str | None) -> None:
    for text in texts:
        if text is not None:
            text.encode("utf-8")  # raises on lone surrogates


def _read(name: str, data: bytes) -> list:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        items = list(read_file(path, LIMITS))
    for item in items:
        assert isinstance(item, RawArticle | SkippedInput)
        if isinstance(item, RawArticle):
            assert item.text.strip()
            _valid_utf8(item.text, item.title, item.date, item.publisher, item.url, item.source, item.source_key, str(item.path))
        else:
            assert item.reason
    return items


@budget(500)
@given(st.binary(max_size=4000))
def test_decoding_any_bytes_gives_valid_text(data):
    text = decode_bytes(data)
    _valid_utf8(text)
    looks_binary(data)


@budget(300)
@given(file_bytes, st.sampled_from(["a.txt", "b.md", "c.jsonl"]))
def test_any_bytes_in_a_text_or_jsonl_file_never_crash(data, name):
    items = _read(name, data)
    if not name.endswith(".jsonl"):
        assert len(items) == 1


@budget(100)
@given(st.one_of(file_bytes, any_text.map(lambda t: f"<html><head><title>{t[:80]}</title></head><body><p>{t}</p></body></html>".encode())))
def test_any_bytes_in_an_html_file_never_crash(data):
    assert len(_read("page.html", data)) == 1


@budget(300)
@given(st.lists(st.one_of(article_records, json_values), max_size=6))
def test_any_json_lines_never_crash_and_keys_stay_unique(rows):
    data = "\n".join(json.dumps(r) for r in rows).encode()
    articles = [i for i in _read("feed.jsonl", data) if isinstance(i, RawArticle)]
    assert len({a.source_key for a in articles}) == len(articles)
