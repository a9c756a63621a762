"""JSONL article files, streamed line by line with a bound per line, so memory stays flat
however large the file is. One article per line: ``text``, optional ``id``, ``title``, ``date``,
``source``, ``url``."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from qa.config import IngestSettings
from qa.ingest.decode import decode_bytes, wide_encoding
from qa.ingest.files import display_name, display_path, too_large
from qa.models import RawArticle, SkippedInput
from qa.text.controls import valid_text


def read_jsonl(fh: BinaryIO, path: Path, limits: IngestSettings) -> Iterator[RawArticle | SkippedInput]:
    """Articles of an open JSONL file, or a ``SkippedInput`` for each line that holds none.

    An id listed again gets a suffix (``id~2``, ``id~3``) by order of appearance, so two
    different articles under one id are both kept and each keeps a stable key."""
    name = display_name(path.name)
    key_base = display_name(path.resolve())
    shown = display_path(path)
    label = display_name(path)
    limit = limits.max_article_bytes
    ids: set[str] = set()
    for lineno, line in _bounded_lines(fh, limit):
        where = f"{label}:{lineno}"
        if line is None:
            yield SkippedInput(where, too_large(limit, "max_article_bytes", "line"))
            continue
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except (ValueError, RecursionError) as exc:  # RecursionError: absurdly deep nesting
            yield SkippedInput(where, f"invalid JSON: {getattr(exc, 'msg', None) or type(exc).__name__}")
            continue
        if not isinstance(record, dict):
            yield SkippedInput(where, "not a JSON object")
            continue
        body = record.get("text")
        if not isinstance(body, str) or not body.strip():
            yield SkippedInput(where, _why_no_text(record))
            continue
        record_id = _field(record.get("id")) or f"line{lineno}"
        if len(record_id) > limits.max_title_chars:
            yield SkippedInput(where, f"id longer than {limits.max_title_chars} characters (QA_MAX_TITLE_CHARS)")
            continue
        record_id = _unused(record_id, ids)
        yield RawArticle(
            source_key=f"{key_base}#{record_id}",
            path=shown,
            source=f"{name}#{record_id}",
            text=valid_text(body),
            title=_field(record.get("title")),
            date=_field(record.get("date")),
            publisher=_field(record.get("source")),
            url=_field(record.get("url")),
        )


def _bounded_lines(fh: BinaryIO, limit: int) -> Iterator[tuple[int, str | None]]:
    """(line number, decoded line) for each line, or None in place of a line over ``limit``
    bytes, which is read past in pieces and never held whole."""
    wide = wide_encoding(fh.peek(4)[:4]) if hasattr(fh, "peek") else None
    stream: BinaryIO | io.TextIOWrapper = io.TextIOWrapper(fh, encoding=wide, errors="replace", newline="\n") if wide else fh
    lineno = 0
    while line := stream.readline(limit + 1):
        lineno += 1
        end = "\n" if wide else b"\n"
        if len(line) > limit and not line.endswith(end):
            while (rest := stream.readline(limit)) and not rest.endswith(end):
                pass
            yield lineno, None
            continue
        yield lineno, line if isinstance(line, str) else decode_bytes(line)


def _field(value: object) -> str | None:
    if value is None:
        return None
    text = valid_text(str(value)).strip()
    return text or None


def _unused(record_id: str, ids: set[str]) -> str:
    candidate, n = record_id, 1
    while candidate in ids:
        n += 1
        candidate = f"{record_id}~{n}"
    ids.add(candidate)
    return candidate


def _why_no_text(record: dict) -> str:
    """Why a record has no text to index, in the words of what its ``text`` holds."""
    if "text" not in record:
        return "no 'text' field"
    body = record["text"]
    if isinstance(body, str):
        return "empty 'text'"
    return "'text' is null" if body is None else "'text' is not a string"
