"""Helpers for the ingest tests: a guard that turns a read blocking forever into a failure, and
file names that are not valid UTF-8."""

from __future__ import annotations

import os
import signal
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def fails_if_blocked(seconds: int = 20):
    """SIGALRM interrupts a blocking ``open()`` of a FIFO, so a hang becomes a test failure."""

    def _timeout(signum, frame):
        raise TimeoutError(f"blocked for {seconds} s")

    previous = signal.signal(signal.SIGALRM, _timeout)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def non_utf8_name(folder: Path, stem: bytes, suffix: bytes = b".txt") -> Path:
    """A file name that is not valid UTF-8 (``caf\\xe9.txt``), as Python sees it."""
    return Path(os.fsdecode(os.fsencode(folder) + b"/" + stem + suffix))
