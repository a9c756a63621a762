"""Find article files and read them into ``RawArticle`` records (decoding, HTML extraction, JSONL)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from qa.errors import InputError
from qa.models import RawArticle, SkippedInput

TEXT_SUFFIXES = {".txt", ".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm"}
JSONL_SUFFIXES = {".jsonl"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES


def discover(paths: list[str | Path]) -> tuple[list[Path], list[SkippedInput]]:
    """Expand files and folders (recursively) into supported files, in a stable order.

    A path that does not exist is an error for the whole command (nothing is written);
    an unsupported file found inside a folder is skipped silently, one named explicitly is reported.
    """
    files: list[Path] = []
    skipped: list[SkippedInput] = []
    missing = [str(p) for p in paths if not Path(p).exists()]
    if missing:
        raise InputError(f"no such file or directory: {', '.join(missing)}")
    for p in map(Path, paths):
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and f.suffix.lower() in SUPPORTED_SUFFIXES and not _hidden(f, p):
                    files.append(f)
        elif p.suffix.lower() in SUPPORTED_SUFFIXES:
            files.append(p)
        else:
            skipped.append(
                SkippedInput(str(p), f"unsupported file type '{p.suffix or p.name}' (use .txt, .md, .html, .jsonl)")
            )
    seen: set[Path] = set()
    unique = []
    for f in files:
        r = f.resolve()
        if r not in seen:
            seen.add(r)
            unique.append(f)
    return unique, skipped


def count_articles(path: Path) -> int:
    """How many articles ``read_file`` will yield at most (for progress): JSONL lines, else one."""
    if path.suffix.lower() not in JSONL_SUFFIXES:
        return 1
    try:
        with path.open("rb") as fh:
            return max(1, sum(1 for line in fh if line.strip()))
    except OSError:
        return 1


def _hidden(f: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in f.relative_to(root).parts)


def decode_bytes(data: bytes) -> str:
    """UTF-8 (with or without BOM) first; cp1252 then latin-1 for legacy files, so 'café' stays 'café'."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if b"\x00" in head:
        return True
    # Many control characters (other than whitespace) mean it is not text.
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return bool(head) and controls / len(head) > 0.05


def read_file(path: Path) -> Iterator[RawArticle | SkippedInput]:
    """Yield the articles in one file, or a ``SkippedInput`` saying why it has none."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield SkippedInput(str(path), f"cannot read: {exc.strerror or exc}")
        return
    if not data.strip():
        yield SkippedInput(str(path), "empty file")
        return
    if looks_binary(data):
        yield SkippedInput(str(path), "binary file, not text")
        return
    text = decode_bytes(data)
    suffix = path.suffix.lower()
    if suffix in HTML_SUFFIXES:
        yield from _read_html(path, text)
    elif suffix in JSONL_SUFFIXES:
        yield from _read_jsonl(path, text)
    else:
        yield RawArticle(source_key=str(path.resolve()), path=path, source=path.name, text=text)


def _read_html(path: Path, html: str) -> Iterator[RawArticle | SkippedInput]:
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False)
    except Exception as exc:  # trafilatura raises a variety of parser errors on broken markup
        yield SkippedInput(str(path), f"cannot parse HTML: {exc}")
        return
    if doc is None or not (doc.text or "").strip():
        yield SkippedInput(str(path), "no article text found in HTML")
        return
    yield RawArticle(
        source_key=str(path.resolve()),
        path=path,
        source=path.name,
        text=doc.text,
        title=(doc.title or None),
        date=(doc.date or None),
        publisher=(doc.sitename or None),
        url=(doc.url or None),
    )


def _read_jsonl(path: Path, text: str) -> Iterator[RawArticle | SkippedInput]:
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield SkippedInput(where, f"invalid JSON: {exc.msg}")
            continue
        if not isinstance(record, dict):
            yield SkippedInput(where, "not a JSON object")
            continue
        body = record.get("text")
        if not isinstance(body, str) or not body.strip():
            yield SkippedInput(where, "no 'text' field")
            continue
        record_id = str(record.get("id") or f"line{lineno}")
        yield RawArticle(
            source_key=f"{path.resolve()}#{record_id}",
            path=path,
            source=f"{path.name}#{record_id}",
            text=body,
            title=_str_or_none(record.get("title")),
            date=_str_or_none(record.get("date")),
            publisher=_str_or_none(record.get("source")),
            url=_str_or_none(record.get("url")),
        )


def _str_or_none(value: object) -> str | None:
    if value is None:
        return None
    value = str(value).strip()
    return value or None
