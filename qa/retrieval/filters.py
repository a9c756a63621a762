"""Which chunks a question may be answered from: ``--source`` (a file name, a JSONL record or a
path) and ``--since``/``--until`` (the article's date), as one Chroma ``where`` clause for the
dense channel and one mask over the lexicon for the lexical channels.

An article dated only by a month, a year or a span of years (``date_period``) is kept when its
period overlaps the bounds: "2004/2005" may be from any day of those years, and dropping it
would hide it from every dated question."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from qa.errors import InputError
from qa.text.dates import day_ord, parse_range

if TYPE_CHECKING:
    from qa.retrieval.lexicon import Lexicon


@dataclass(frozen=True)
class Filters:
    sources: tuple[str, ...] | None = None  # exact ``source`` values
    since: int | None = None  # YYYYMMDD
    until: int | None = None

    @classmethod
    def between(cls, since: date | None, until: date | None, sources: tuple[str, ...] | None = None) -> Filters:
        """Articles dated from ``since`` to ``until``, both days included (None: open)."""
        return cls(sources, day_ord(since) if since else None, day_ord(until) if until else None)

    @property
    def active(self) -> bool:
        return self.sources is not None or self.since is not None or self.until is not None

    def where(self) -> dict | None:
        clauses: list[dict] = []
        if self.sources is not None:
            clauses.append({"source": {"$in": list(self.sources)}})
        if self.since is not None or self.until is not None:
            day = _all([{"date_ord": {"$gte": self.since}}] * (self.since is not None)
                       + [{"date_ord": {"$lte": self.until}}] * (self.until is not None))
            period = _all([{"period_last_ord": {"$gte": self.since}}] * (self.since is not None)
                          + [{"period_first_ord": {"$lte": self.until}}] * (self.until is not None))
            clauses.append({"$or": [day, period]})
        return _all(clauses) if clauses else None

    def mask(self, lexicon: Lexicon) -> np.ndarray:
        keep = np.ones(lexicon.n, dtype=bool)
        if self.sources is not None:
            wanted = set(self.sources)
            keep &= np.array([s in wanted for s in lexicon.sources], dtype=bool)
        dated = lexicon.date_ords > 0
        first = np.where(dated, lexicon.date_ords, lexicon.period_first_ords)
        last = np.where(dated, lexicon.date_ords, lexicon.period_last_ords)
        if self.since is not None:
            keep &= last >= self.since
        if self.until is not None:
            keep &= (first <= self.until) & (first > 0)
        return keep


def _all(clauses: list[dict]) -> dict:
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def resolve_sources(selector: str, lexicon: Lexicon) -> tuple[str, ...]:
    """The ``source`` values a --source selector names: a file name, a JSONL record, or a path."""
    resolved = str(Path(selector).expanduser().resolve())
    name = Path(selector).name
    found = []
    for source, path, key in zip(lexicon.sources, lexicon.paths, lexicon.source_keys, strict=True):
        base = source.split("#")[0]
        if (
            selector in (source, base, key)
            or path == resolved
            or key == resolved
            or key.startswith(resolved + "#")
            or (os.sep in selector and name == base and path.endswith(os.sep + name))
        ):
            found.append(source)
    if not found:
        raise InputError(f"no indexed document matches --source {selector!r} (see 'qa sources')")
    return tuple(sorted(set(found)))


def make_filters(lexicon: Lexicon, source: str | None, since: str | None, until: str | None) -> Filters:
    """The filters of ``--source``, ``--since`` and ``--until``; raises ``InputError`` for a bad
    date or a selector that names no indexed document."""
    start, stop = parse_range(since, until)
    sources = resolve_sources(source, lexicon) if source else None
    return Filters.between(start, stop, sources)
