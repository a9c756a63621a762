"""Read article files into ``RawArticle`` records: decoding, HTML extraction, JSONL streaming.

Every file is opened without blocking and read with a bound, so a FIFO, a device or a 50 MB
file costs nothing; whatever goes wrong with one file is a ``SkippedInput`` for it alone."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from qa.config import IngestSettings
from qa.ingest.decode import decode_bytes, looks_binary
from qa.ingest.files import (
    HTML_SUFFIXES,
    JSONL_SUFFIXES,
    NotRegularFileError,
    display_name,
    display_path,
    open_regular,
    size_limit,
    too_large,
)
from qa.ingest.front_matter import FrontMatter, split_front_matter
from qa.ingest.jsonl import read_jsonl
from qa.models import RawArticle, SkippedInput
from qa.text.controls import valid_text

__all__ = ["count_articles", "decode_bytes", "read_file"]


def read_file(path: Path, limits: IngestSettings | None = None) -> Iterator[RawArticle | SkippedInput]:
    """Yield the articles in one file, or a ``SkippedInput`` saying why it has none."""
    limits = limits or IngestSettings()
    label = display_name(path)
    try:
        fh = open_regular(path)
    except NotRegularFileError as exc:
        yield SkippedInput(label, str(exc))
        return
    except OSError as exc:
        yield SkippedInput(label, f"cannot read: {exc.strerror or exc}")
        return
    with fh:
        if path.suffix.lower() in JSONL_SUFFIXES:
            yield from read_jsonl(fh, path, limits)
            return
        limit, setting = size_limit(path, limits) or (limits.max_article_bytes, "max_article_bytes")
        size = os.fstat(fh.fileno()).st_size
        data = fh.read(limit + 1) if size <= limit else b""
    if size > limit or len(data) > limit:
        yield SkippedInput(label, too_large(limit, setting, size=max(size, len(data))))
        return
    if not data.strip():
        yield SkippedInput(label, "empty file")
        return
    if looks_binary(data):
        yield SkippedInput(label, "binary file, not text")
        return
    text = decode_bytes(data)
    if not text.strip():  # only a byte-order mark, or wide-encoded spaces
        yield SkippedInput(label, "empty file")
        return
    if path.suffix.lower() in HTML_SUFFIXES:
        yield from _read_html(path, text, limits)
    else:
        meta, body = split_front_matter(text)
        meta = meta or FrontMatter()
        yield RawArticle(
            source_key=display_name(path.resolve()),
            path=display_path(path),
            source=display_name(path.name),
            text=body,
            title=meta.title,
            date=meta.date,
            publisher=meta.publisher,
            url=meta.url,
        )


# Dates only from what the page says about itself: meta tags, JSON-LD, <time>, the URL, a full
# timestamp. htmldate's default "extensive search" also scans the running text and turns the
# first bare year it finds ("In 2003, NATO expanded") into 2003-01-01, an invented publication
# date that --since/--until would then trust. A dateline ("Published 4 April 2023") is still
# read, by ``find_dateline`` when the article is cleaned.
_PUBLISHED_DATE_ONLY = {"extensive_search": False, "original_date": True}


def _read_html(path: Path, html: str, limits: IngestSettings) -> Iterator[RawArticle | SkippedInput]:
    import trafilatura

    label = display_name(path)
    try:
        doc = trafilatura.bare_extraction(
            html, with_metadata=True, include_comments=False, date_extraction_params=_PUBLISHED_DATE_ONLY
        )
    except Exception as exc:  # trafilatura raises a variety of parser errors on broken markup
        yield SkippedInput(label, f"cannot parse HTML: {exc}")
        return
    if doc is None or not (doc.text or "").strip():
        yield SkippedInput(label, "no article text found in HTML")
        return
    size = len(doc.text.encode("utf-8", "replace"))
    if size > limits.max_article_bytes:
        yield SkippedInput(label, too_large(limits.max_article_bytes, "max_article_bytes", "article text", size))
        return
    yield RawArticle(
        source_key=display_name(path.resolve()),
        path=display_path(path),
        source=display_name(path.name),
        text=valid_text(doc.text),
        title=valid_text(doc.title) if doc.title else None,
        date=(doc.date or None),
        publisher=valid_text(doc.sitename) if doc.sitename else None,
        url=valid_text(doc.url) if doc.url else None,
    )


def count_articles(path: Path) -> int:
    """How many articles ``read_file`` will yield at most (for progress): JSONL lines, else one.

    Counted block by block, so one enormous line never sits in memory."""
    if path.suffix.lower() not in JSONL_SUFFIXES:
        return 1
    try:
        with open_regular(path) as fh:
            lines = 0
            last = b""
            while block := fh.read(1 << 20):
                lines += block.count(b"\n")
                last = block
            return max(1, lines + (bool(last) and not last.endswith(b"\n")))
    except OSError:
        return 1
