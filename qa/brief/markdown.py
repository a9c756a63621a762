"""A briefing as Markdown: key points, the sections, who with whom, the timeline, the events
table and the numbered sources with their quotes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qa.brief.sections import SECTIONS, event_when, relation_line, timeline
from qa.text.numbering import format_markers

if TYPE_CHECKING:
    from qa.brief.compose import Briefing


# Pairs listed in the text; the JSON output carries them all.
RELATIONS_SHOWN = 20


def _text(text: str | None) -> str:
    """Article text made inert as Markdown: a viewer that renders the briefing must not run the
    article's own HTML ("<img onerror=...>") or follow its links ("[here](javascript:...)").
    Backslash escapes keep the words as written; ``[n]`` citation markers stay markers."""
    return (text or "").replace("<", "\\<").replace("](", "]\\(")


def _cell(text: str | None) -> str:
    return _text(text).replace("|", "\\|").replace("\n", " ")


def render_markdown(b: Briefing) -> str:
    lines = [f"# {_text(b.title)}", "", f"_{b.label}_", ""]
    lines += ["## Key points", ""]
    lines += [f"- {_text(p)}" for p in b.key_points] or ["- No key points: the articles describe no exercise, alliance or deployment."]
    for heading in SECTIONS:
        bullets = b.sections.get(heading) or []
        if bullets:
            lines += ["", f"## {heading}", ""]
            lines += [f"- {_text(x)}" for x in bullets]
    pairs = b.relations
    if pairs:
        lines += ["", "## Who with whom", ""]
        lines += [f"- {_text(relation_line(r))}" for r in pairs[:RELATIONS_SHOWN]]
        if len(pairs) > RELATIONS_SHOWN:
            lines += ["", f"_{len(pairs) - RELATIONS_SHOWN} more pair(s) in the JSON output._"]
    rows = timeline(b.events)
    if rows:
        lines += ["", "## Timeline", ""]
        lines += [f"- **{_text(when)}**: {_text(what)} {format_markers(ids)}" for when, what, ids in rows]
    if b.events:
        lines += ["", "## Events", "", "| Kind | Name | Participants | Where | When | Type | Sources |", "|---|---|---|---|---|---|---|"]
        for ev in b.events:
            where = ", ".join(x for x in (ev.location, ev.host) if x and (x != ev.location or x != ev.host))
            refs = format_markers(c.id for c in ev.citations)  # all: every listed source is cited somewhere
            lines.append(
                f"| {ev.kind} | {_cell(ev.name)} | {_cell(', '.join(ev.participants))} | {_cell(where)} | "
                f"{_cell(event_when(ev))} | {ev.type} ({ev.cameo}) | {refs} |"
            )
    lines += ["", "## Sources", ""]
    for c in b.citations:
        source = c.source.replace("`", "'")  # a backtick in a file name would close the code span
        lines.append(f"{c.id}. **{_text(c.title)}**: `{source}`: “{_text(c.quote)}”")
    return "\n".join(lines).rstrip() + "\n"
