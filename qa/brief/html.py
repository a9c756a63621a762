"""One self-contained HTML page for a briefing, from ``templates/briefing.html.j2`` (Jinja2,
autoescaped): inline CSS, inline SVG drawings (``charts``: who with whom as a graph, the timeline
as a chart) and a few lines of inline script, no external resources. Each ``[n]`` links to its
source, where the chunk's text is embedded with the quoted passage marked; following a link
opens that source and highlights the passage."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

from qa.brief.charts import relations_svg, timeline_svg
from qa.brief.markdown import RELATIONS_SHOWN
from qa.brief.sections import SECTIONS, relation_text, timeline
from qa.models import Citation
from qa.text.citations import MARKER_RE
from qa.text.numbering import format_markers

if TYPE_CHECKING:
    from qa.brief.compose import Briefing


@lru_cache(maxsize=1)
def _template():
    """The page template, read as package data (so an installed wheel finds it)."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("qa.brief", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    return env.get_template("briefing.html.j2")


def _linkify(text: str, known: set[int]) -> Markup:
    """Escape ``text`` and turn its [n] markers into links to the sources."""
    out = []
    pos = 0
    for m in MARKER_RE.finditer(text):
        out.append(escape(text[pos : m.start()]))
        for n in re.findall(r"\d+", m.group(1)):
            if int(n) in known:
                out.append(Markup('<a class="cite" href="#src-{0}" title="source {0}">[{0}]</a>').format(n))
        pos = m.end()
    out.append(escape(text[pos:]))
    return Markup("").join(out)


def _passage(c: Citation, chunk_texts: dict[str, str]) -> Markup:
    """The cited chunk's text with the quote marked (the quote alone when the chunk is unknown)."""
    marked = Markup('<mark id="quote-{}">{}</mark>').format(c.id, c.quote)
    text = chunk_texts.get(c.chunk_id)
    if text:
        i = text.find(c.quote)
        if i >= 0:
            return escape(text[:i]) + marked + escape(text[i + len(c.quote) :])
    return marked


def render_html(b: Briefing, chunk_texts: dict[str, str] | None = None) -> str:
    """The briefing as one self-contained page."""
    chunk_texts = chunk_texts or {}
    known = {c.id for c in b.citations}
    sections = [
        {"slug": re.sub(r"\W+", "-", heading.lower()), "heading": heading, "bullets": [_linkify(x, known) for x in bullets]}
        for heading in SECTIONS
        if (bullets := b.sections.get(heading) or [])
    ]
    events = [
        {
            "kind": ev.kind,
            "type": ev.type,
            "cameo": ev.cameo,
            "name": ev.name,
            "participants": ", ".join(ev.participants),
            "where": ", ".join(dict.fromkeys(x for x in (ev.location, ev.host) if x)),
            "when": f"{ev.start} – {ev.end}" if ev.start and ev.end else ev.start or ev.dates_text or "",
            "summary": ev.summary,
            "refs": _linkify(format_markers(c.id for c in ev.citations), known),  # all, as in the list of sources
        }
        for ev in b.events
    ]
    pairs = b.relations
    return _template().render(
        relations=[Markup("<strong>{}</strong>: ").format(r.label) + _linkify(relation_text(r), known) for r in pairs[:RELATIONS_SHOWN]],
        relations_more=max(len(pairs) - RELATIONS_SHOWN, 0),
        relations_graph=Markup(relations_svg(pairs)),  # written by matplotlib, which escapes text
        timeline_chart=Markup(timeline_svg(b.events)),
        title=b.title,
        label=b.label,
        mode=b.mode,
        articles=b.articles,
        key_points=[_linkify(p, known) for p in b.key_points],
        sections=sections,
        timeline=[{"when": when, "what": _linkify(f"{what} {format_markers(ids)}", known)} for when, what, ids in timeline(b.events)],
        events=events,
        sources=[
            {"id": c.id, "title": c.title, "source": c.source, "quote": c.quote, "passage": _passage(c, chunk_texts)}
            for c in b.citations
        ],
    )


def briefing_html(b: Briefing, settings) -> str:
    """The page, with each cited chunk's text read back from the index."""
    from qa.storage.store import open_store

    ids = list(dict.fromkeys(c.chunk_id for c in b.citations))
    texts = {c.chunk_id: c.text for c in open_store(settings).get_chunks(ids)} if ids else {}
    return render_html(b, texts)
