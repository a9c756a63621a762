"""The briefing written by an LLM, map-reduce so it scales past one context window.

Map: batches of numbered chunks within a tiktoken budget -> cited notes. Reduce: notes (again
within the budget, in rounds) -> the briefing. Every ``[n]`` is checked against the sources and
given a verbatim quote with ``qa.text.citations.cite``; unknown numbers are dropped, bullets left
without a marker are removed, and the markers that remain are renumbered 1..m.

A reply that cannot be used is told, not hidden: map notes without any ``[n]`` cost their
batch (a warning names its articles); a final briefing with no cited bullet falls back to the
cited notes; and when nothing cited is left (whatever the model said), ``unusable`` is
set so the caller writes the extractive briefing instead of "no key points".
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from qa.brief.sections import SECTIONS
from qa.models import Citation, StoredChunk
from qa.retrieval.articles import Article, is_junk
from qa.retrieval.claims import check_claims
from qa.retrieval.support import SupportChecker
from qa.text.boilerplate import is_boilerplate
from qa.text.citations import MARKER_RE, cite, parse_markers
from qa.text.numbering import renumber_markers
from qa.text.spans import clip
from qa.text.tokens import count_tokens, pack

if TYPE_CHECKING:
    from qa.llm.chat import ChatLLM

log = logging.getLogger(__name__)

# Tokens a source or a note costs in the prompt beyond its text: separators and numbering.
_ITEM_OVERHEAD = 8
# Characters of a model reply quoted in a warning.
_QUOTED = 120
_DEFAULT_SUBJECT = "military exercises, deployments and alliances in these articles"


@dataclass
class LLMBriefing:
    """The model's briefing after the citation checks; citations are numbered 1..m."""

    key_points: list[str] = field(default_factory=list)
    sections: dict[str, list[str]] = field(default_factory=dict)
    citations: list[Citation] = field(default_factory=list)
    unknown_markers: list[int] = field(default_factory=list)
    dropped_bullets: int = 0
    unusable: bool = False  # nothing cited was left to show: the caller writes the extractive briefing
    # Sentences whose cited passages do not support them: dropped, each with the reason.
    unsupported: list[dict] = field(default_factory=list)


def llm_briefing(
    articles: list[Article], llm: ChatLLM, topic: str | None, budget: int, checker: SupportChecker
) -> LLMBriefing:
    text, sources, notes = _map_reduce(articles, llm, topic, budget)
    cited = cite(text, sources)
    # Every claim against the passages it cites, as in `qa ask`: its names, numbers and dates
    # must be there, and its best supporting sentence close enough.
    supported, unsupported, _checked = check_claims(cited.text, cited.citations, sources, checker)
    cited.text = supported
    key_points, sections, dropped = parse_briefing(cited.text)
    if not key_points and not any(sections.values()) and notes:
        if text.strip():
            log.warning("the LLM's briefing had no cited bullet that its sources support (%s); its cited notes "
                        "are shown instead, checked the same way", clip(text, _QUOTED))
        cited = cite("\n".join(notes), sources)
        # The notes are the model's words too: each is checked before it is shown.
        cited.text, more_unsupported, _checked = check_claims(cited.text, cited.citations, sources, checker)
        seen = {u["sentence"] for u in unsupported}
        unsupported += [u for u in more_unsupported if u["sentence"] not in seen]
        key_points, sections, more = parse_briefing(cited.text)
        dropped += more
    if not key_points and not any(sections.values()):
        # Nothing cited is left (or the model said nothing): the caller writes the extractive
        # briefing, so key points never say "none" while the events table lists records.
        return LLMBriefing(unusable=True, dropped_bullets=dropped, unsupported=unsupported)
    # Renumber to the markers that survived (a dropped bullet may have held the only use of one).
    used = {n for line in [*key_points, *(x for v in sections.values() for x in v)] for n in parse_markers(line)}
    kept = [c for c in cited.citations if c.id in used]
    remap = {c.id: i for i, c in enumerate(kept, start=1)}
    key_points = [renumber_markers(x, remap) for x in key_points]
    sections = {h: [renumber_markers(x, remap) for x in v] for h, v in sections.items()}
    for c in kept:
        c.id = remap[c.id]
    return LLMBriefing(key_points, sections, kept, cited.unknown, dropped, unsupported=unsupported)


def _cited_notes(reply: str) -> list[str]:
    """The note lines of a map reply that carry an ``[n]``."""
    return [line.strip() for line in reply.splitlines() if MARKER_RE.search(line)]


def _map_reduce(articles: list[Article], llm: ChatLLM, topic: str | None, budget: int) -> tuple[str, list[StoredChunk], list[str]]:
    """Map over numbered chunks within ``budget`` tokens per call, then reduce the notes.
    Returns the final text, the chunks its ``[n]`` refer to (numbered from 1) and the cited notes
    of the map step."""
    from qa.llm.prompts import defuse, fence_source, get_prompt

    sources: list[StoredChunk] = []
    items: list[tuple[str, str]] = []  # (numbered passage, its article's file name)
    for art in articles:
        for chunk in art.chunks:
            if art.relevant is not None and chunk.chunk_id not in art.relevant:
                continue
            sources.append(chunk)
            n = len(sources)
            lines = [ln for ln in chunk.text.split("\n") if ln.strip() and not is_boilerplate(ln)]
            items.append((fence_source(n, "\n".join(lines), title=art.title, date=art.date), art.source))
    if not sources:
        return "", [], []
    map_prompt = get_prompt("brief_map")  # variables: topic, sources
    reduce_prompt = get_prompt("brief_reduce")  # variables: topic, notes
    subject = topic or _DEFAULT_SUBJECT

    def batches(texts: list[str]) -> list[list[str]]:
        return pack(texts, budget, text=lambda t: t, overhead=_ITEM_OVERHEAD)

    notes: list[str] = []
    said: list[str] = []  # replies with no cited note, kept to tell "unusable" from "nothing found"
    for batch in pack(items, budget, text=lambda item: item[0], overhead=_ITEM_OVERHEAD):
        reply = llm.complete(map_prompt, {"topic": subject, "sources": "\n\n".join(text for text, _ in batch)})
        cited = _cited_notes(reply)
        if reply.strip() and not cited:
            files = ", ".join(dict.fromkeys(source for _, source in batch))
            log.warning("the LLM's notes on %s cited no passage and were left out: %s", files, clip(reply, _QUOTED))
            said.append(reply)
        if cited:
            notes.append("\n".join(cited))
    if not notes:
        return "\n".join(said), sources, []
    # Reduce in rounds until the notes fit one call.
    while len(notes) > 1 and count_tokens("\n\n".join(notes)) > budget:
        groups = batches(notes)
        if len(groups) == len(notes):  # cannot shrink further by grouping: reduce pairs
            groups = [notes[i : i + 2] for i in range(0, len(notes), 2)]
        notes = [llm.complete(reduce_prompt, {"topic": subject, "notes": defuse("\n\n".join(g))}) for g in groups]
    final = llm.complete(reduce_prompt, {"topic": subject, "notes": defuse("\n\n".join(notes))})
    return final, sources, [line for note in notes for line in _cited_notes(note)]


def parse_briefing(text: str) -> tuple[list[str], dict[str, list[str]], int]:
    """Key points and sections from the model's Markdown; bullets without [n] are dropped (and
    counted)."""
    key_points: list[str] = []
    sections: dict[str, list[str]] = {}
    current = "Key points"
    dropped = 0
    aliases = {h.lower(): h for h in SECTIONS} | {"alliances": "Alliances and alignments", "alignments": "Alliances and alignments", "key points": "Key points"}
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            name = line.lstrip("#").strip().rstrip(":")
            current = aliases.get(name.lower(), name if name.lower() not in ("sources", "timeline", "events") else "_skip")
            if line.startswith("# ") and not line.startswith("## "):
                current = "Key points"
            continue
        if current == "_skip":
            continue
        bullet = re.sub(r"^(?:[-*•]|\d+[.)])\s+", "", line)
        if not MARKER_RE.search(bullet) or is_junk(MARKER_RE.sub("", bullet)) and len(bullet.split()) < 4:
            dropped += 1
            continue
        if current == "Key points":
            key_points.append(bullet)
        else:
            sections.setdefault(current, []).append(bullet)
    return key_points, sections, dropped
