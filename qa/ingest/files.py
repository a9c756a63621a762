"""Which paths ``qa ingest`` reads: regular article files only, found before the write lock is
taken, opened so that nothing can block, and named safely even when a name is not UTF-8."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import BinaryIO

from qa.config import IngestSettings
from qa.errors import InputError
from qa.models import SkippedInput

TEXT_SUFFIXES = {".txt", ".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm"}
JSONL_SUFFIXES = {".jsonl"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES
SUPPORTED_LIST = ", ".join(sorted(SUPPORTED_SUFFIXES))


class NotRegularFileError(OSError):
    """A FIFO, socket, device or folder where an article file was expected."""


def display_name(name: str | Path) -> str:
    """``name`` as valid UTF-8 text: bytes that are not UTF-8 become ``\\xNN``.

    Python keeps such bytes as lone surrogates ("surrogateescape"), which Chroma, JSON on a
    UTF-8 terminal and rich all refuse. The escaped form is readable, valid everywhere and the
    same on every run, so ids and source keys built from it are stable."""
    text = os.fspath(name)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(text).decode("utf-8", "backslashreplace")
    return text


def on_disk(shown: str) -> Path:
    """The path that ``display_name`` showed as ``shown``: its ``\\xNN`` escapes back to bytes."""
    raw = re.sub(rb"\\x([0-9a-f]{2})", lambda m: bytes([int(m[1], 16)]), shown.encode("utf-8"))
    return Path(os.fsdecode(raw))


def display_path(path: Path) -> Path:
    """``path`` itself when its name is valid UTF-8, else its absolute form with escaped bytes
    (absolute, because the escaped name no longer resolves on disk)."""
    if display_name(path) == str(path):
        return path
    return Path(display_name(path.absolute()))


def file_kind(mode: int) -> str | None:
    """What a non-regular file is, for the skip reason; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    kinds = [
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a named pipe (FIFO)"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    ]
    return next((name for test, name in kinds if test(mode)), "an unknown kind of file")


def size_limit(path: Path, limits: IngestSettings) -> tuple[int, str] | None:
    """The byte bound for a whole file of this type and the setting that sets it; None for
    JSONL, which streams and is bounded line by line."""
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        return None
    if suffix in HTML_SUFFIXES:
        return limits.max_html_bytes, "max_html_bytes"
    return limits.max_article_bytes, "max_article_bytes"


def too_large(limit: int, setting: str, what: str = "file", size: int | None = None) -> str:
    """The skip reason for something over a size bound, naming the variable that sets it."""
    actual = f"{_human(size)}; " if size is not None else ""
    return f"{what} too large ({actual}the limit is {_human(limit)}, set QA_{setting.upper()} to change it)"


def _human(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MiB"
    return f"{n / 1024:.1f} KiB" if n >= 1024 else f"{n} bytes"


def open_regular(path: Path) -> BinaryIO:
    """Open ``path`` for reading without ever blocking.

    ``O_NONBLOCK`` makes opening a FIFO return at once instead of waiting for a writer, and the
    open file is checked with ``fstat``: a file swapped for a special one after ``discover``
    looked at it is refused here. Raises ``NotRegularFileError`` or ``OSError``."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        kind = file_kind(os.fstat(fd).st_mode)
        if kind is not None:
            raise NotRegularFileError(f"not a regular file: {kind}")
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def discover(
    paths: list[str | Path], limits: IngestSettings | None = None
) -> tuple[list[Path], list[SkippedInput]]:
    """Expand files and folders (recursively) into supported regular files, in a stable order.

    Nothing is opened here, so it is safe before the write lock. A path that does not exist is
    an error for the whole command (nothing is written). Named explicitly, an unsupported,
    special or oversized file is reported as skipped; inside a folder, only unsupported files are
    passed over silently, and a folder with no supported file at all says what is supported."""
    limits = limits or IngestSettings()
    missing = [display_name(p) for p in paths if not Path(p).exists()]
    if missing:
        raise InputError(f"no such file or directory: {', '.join(missing)}")
    candidates: list[Path] = []
    skipped: list[SkippedInput] = []
    for root in map(Path, paths):
        if root.is_dir():
            found = [f for f in sorted(root.rglob("*")) if f.suffix.lower() in SUPPORTED_SUFFIXES and not _hidden(f, root)]
            found = [f for f in found if not f.is_dir()]
            if not found:
                skipped.append(SkippedInput(display_name(root), f"no article files in this folder (qa reads {SUPPORTED_LIST})"))
            candidates.extend(found)
        elif root.suffix.lower() in SUPPORTED_SUFFIXES:
            candidates.append(root)
        else:
            reason = f"unsupported file type '{display_name(root.suffix or root.name)}' (qa reads {SUPPORTED_LIST})"
            skipped.append(SkippedInput(display_name(root), reason))
    files: list[Path] = []
    for f in _unique(candidates):
        reason = _refusal(f, limits)
        if reason:
            skipped.append(SkippedInput(display_name(f), reason))
        else:
            files.append(f)
    return files, skipped


def _refusal(path: Path, limits: IngestSettings) -> str | None:
    """Why ``path`` will not be read, judged from ``stat`` alone (nothing is opened)."""
    try:
        info = path.stat()
    except OSError as exc:
        return f"cannot read: {exc.strerror or exc}"
    kind = file_kind(info.st_mode)
    if kind is not None:
        return f"not a regular file: {kind}"
    bound = size_limit(path, limits)
    if bound and info.st_size > bound[0]:
        return too_large(*bound, size=info.st_size)
    return None


def _unique(files: list[Path]) -> list[Path]:
    seen: set[Path] = set()
    unique = []
    for f in files:
        try:
            resolved = f.resolve()
        except (OSError, RuntimeError):
            # A symlink loop (RuntimeError before Python 3.13) or a path that cannot be walked:
            # kept under its own name, so that ``_refusal``'s stat skips it with the reason.
            resolved = f.absolute()
        if resolved not in seen:
            seen.add(resolved)
            unique.append(f)
    return unique


def _hidden(f: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in f.relative_to(root).parts)
