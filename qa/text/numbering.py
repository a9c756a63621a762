"""Citation numbers: one ``[n]`` per distinct quoted passage, numbered in order of first use, and
the renumbering of a text's markers when some of its sources are set aside.

Briefings number the sentences they quote and then the event records' evidence in one sequence;
events number their evidence across the whole list of records. Both go through
``CitationNumbering``, so a sentence quoted twice keeps one number everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from qa.models import Citation, StoredChunk
from qa.text.citations import MARKER_RE, citation_for
from qa.text.spans import Span


def _key(chunk_id: str, start: int, end: int) -> tuple[str, int, int]:
    return (chunk_id, start, end)


class CitationNumbering:
    """Numbers quoted spans from ``start``; a span already numbered (in ``existing`` or earlier)
    keeps its number. ``citations`` holds the new citations, in the order they were numbered."""

    def __init__(self, start: int = 1, existing: Iterable[Citation] = ()) -> None:
        self.next_number = start
        self.citations: list[Citation] = []
        self._by_span: dict[tuple[str, int, int], Citation] = {
            _key(c.chunk_id, c.char_start or 0, c.char_end or 0): c for c in existing
        }

    def cite(self, chunk: StoredChunk, span: Span) -> Citation:
        """The citation of ``span`` (a span of ``chunk.text``), numbered on first use."""
        key = _key(chunk.chunk_id, chunk.char_start + span.start, chunk.char_start + span.end)
        found = self._by_span.get(key)
        if found is None:
            found = citation_for(self.next_number, chunk, span)
            self._by_span[key] = found
            self.citations.append(found)
            self.next_number += 1
        return found


def format_markers(ids: Iterable[int]) -> str:
    """``[1][4]``: the markers for citation numbers ``ids``, in the order given."""
    return "".join(f"[{i}]" for i in ids)


def renumber_markers(text: str, remap: dict[int, int]) -> str:
    """Every ``[n]`` (or ``[n, m]``) of ``text`` as ``[remap[n]]``; numbers not in ``remap`` are
    dropped (a marker left with none leaves only its leading space)."""

    def sub(m: re.Match) -> str:
        ids = [remap[int(n)] for n in re.split(r"\s*[,;]\s*", m.group(1)) if int(n) in remap]
        lead = " " if m.group(0).startswith(" ") else ""
        return lead + format_markers(ids)

    return MARKER_RE.sub(sub, text)
