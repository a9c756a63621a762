"""One self-contained HTML page for a briefing: inline CSS and a few lines of inline script, no
external resources. Each ``[n]`` links to its source, where the chunk's text is embedded with the
quoted passage marked; following a link opens that source and highlights the passage."""

from __future__ import annotations

import html
import re

from qa.brief.compose import SECTIONS, Briefing, timeline
from qa.models import Citation
from qa.text.citations import MARKER_RE

_CSS = """
:root { --ink:#1d2330; --muted:#5b6477; --line:#dde2ea; --accent:#1f5fbf; --mark:#fff1a8; --bg:#f6f7f9; }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--ink); font:16px/1.55 "Source Serif Pro", Georgia, serif; }
main { max-width: 60rem; margin: 0 auto; padding: 2rem 1.5rem 4rem; background:#fff; min-height:100vh;
       box-shadow: 0 0 0 1px var(--line); }
h1 { font:700 1.9rem/1.2 system-ui, sans-serif; margin:.2rem 0 .4rem; }
h2 { font:600 1.15rem/1.3 system-ui, sans-serif; margin:2rem 0 .6rem; padding-bottom:.25rem;
     border-bottom:2px solid var(--line); text-transform: uppercase; letter-spacing:.04em; color:#2c3548; }
.label { color:var(--muted); font:italic .95rem/1.4 system-ui, sans-serif; margin:0 0 1rem; }
.meta { color:var(--muted); font:.85rem system-ui, sans-serif; }
ul { padding-left: 1.2rem; } li { margin:.35rem 0; }
.key li { font-size:1.05rem; }
a.cite { font:600 .75rem system-ui, sans-serif; color:var(--accent); text-decoration:none;
         vertical-align: super; padding:0 .08rem; }
a.cite:hover { text-decoration: underline; }
table { width:100%; border-collapse: collapse; font:.88rem/1.4 system-ui, sans-serif; }
th, td { text-align:left; vertical-align:top; padding:.45rem .5rem; border-bottom:1px solid var(--line); }
th { background:#eef1f6; font-weight:600; }
td.kind { text-transform: capitalize; white-space: nowrap; }
.type { color:var(--muted); font-size:.8rem; }
ol.timeline { list-style:none; padding:0; margin:0; border-left:3px solid var(--accent); }
ol.timeline li { position:relative; padding:.2rem 0 .6rem 1.1rem; }
ol.timeline li::before { content:""; position:absolute; left:-.45rem; top:.55rem; width:.7rem; height:.7rem;
                         border-radius:50%; background:#fff; border:3px solid var(--accent); }
.when { font:600 .9rem system-ui, sans-serif; color:var(--accent); display:block; }
details.source { border:1px solid var(--line); border-radius:6px; margin:.5rem 0; padding:.4rem .7rem; background:#fff; }
details.source summary { cursor:pointer; font:.9rem/1.4 system-ui, sans-serif; }
details.source summary .n { display:inline-block; min-width:2rem; font-weight:700; color:var(--accent); }
details.source blockquote { margin:.4rem 0; padding:.2rem .8rem; border-left:3px solid var(--line); color:#333; }
details.source .passage { white-space: pre-wrap; font-size:.92rem; color:#333; background:#fafbfc;
                          padding:.6rem .8rem; border-radius:4px; }
details.source:target, details.source.flash { border-color: var(--accent); box-shadow: 0 0 0 3px #c9dcff; }
mark { background:var(--mark); padding:0 .1rem; }
.file { font-family: ui-monospace, monospace; font-size:.8rem; color:var(--muted); }
@media print { details.source { break-inside: avoid; } a.cite { color:#000; } }
"""

_JS = """
function openSource(id){var d=document.getElementById(id);if(!d)return;d.open=true;
d.classList.add('flash');setTimeout(function(){d.classList.remove('flash')},1600);
var m=d.querySelector('mark');(m||d).scrollIntoView({block:'center'});}
document.addEventListener('click',function(e){var a=e.target.closest('a.cite');if(!a)return;
e.preventDefault();var id=a.getAttribute('href').slice(1);history.replaceState(null,'','#'+id);openSource(id);});
if(location.hash){openSource(location.hash.slice(1));}
"""


def _linkify(text: str, known: set[int]) -> str:
    """Escape ``text`` and turn its [n] markers into links to the sources."""
    out = []
    pos = 0
    for m in MARKER_RE.finditer(text):
        out.append(html.escape(text[pos : m.start()]))
        for n in re.findall(r"\d+", m.group(1)):
            if int(n) in known:
                out.append(f'<a class="cite" href="#src-{n}" title="source {n}">[{n}]</a>')
        pos = m.end()
    out.append(html.escape(text[pos:]))
    return "".join(out)


def _passage(c: Citation, chunk_texts: dict[str, str]) -> str:
    """The cited chunk's text with the quote marked (the quote alone when the chunk is unknown)."""
    text = chunk_texts.get(c.chunk_id)
    if text:
        i = text.find(c.quote)
        if i >= 0:
            return (
                html.escape(text[:i]) + f'<mark id="quote-{c.id}">' + html.escape(c.quote) + "</mark>" + html.escape(text[i + len(c.quote) :])
            )
    return f'<mark id="quote-{c.id}">{html.escape(c.quote)}</mark>'


def render_html(b: Briefing, chunk_texts: dict[str, str] | None = None) -> str:
    """The briefing as one self-contained page."""
    chunk_texts = chunk_texts or {}
    known = {c.id for c in b.citations}
    e = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(b.title)}</title><style>{_CSS}</style></head><body><main>",
        f"<h1>{e(b.title)}</h1>",
        f'<p class="label">{e(b.label)}</p>',
        f'<p class="meta">{b.articles} article(s) · {len(b.events)} event record(s) · {len(b.citations)} source passage(s) · mode: {e(b.mode)}</p>',
        '<section id="key-points"><h2>Key points</h2><ul class="key">',
    ]
    parts += [f"<li>{_linkify(p, known)}</li>" for p in b.key_points] or ["<li>No key points.</li>"]
    parts.append("</ul></section>")
    for heading in SECTIONS:
        bullets = b.sections.get(heading) or []
        if bullets:
            slug = re.sub(r"\W+", "-", heading.lower())
            parts.append(f'<section id="{slug}"><h2>{e(heading)}</h2><ul>')
            parts += [f"<li>{_linkify(x, known)}</li>" for x in bullets]
            parts.append("</ul></section>")
    rows = timeline(b.events)
    if rows:
        parts.append('<section id="timeline"><h2>Timeline</h2><ol class="timeline">')
        for when, what, ids in rows:
            refs = "".join(f"[{i}]" for i in ids)
            parts.append(f'<li><span class="when">{e(when)}</span>{_linkify(f"{what} {refs}", known)}</li>')
        parts.append("</ol></section>")
    if b.events:
        parts.append('<section id="events"><h2>Events</h2><table><thead><tr><th>Kind</th><th>Name</th>'
                     "<th>Participants</th><th>Where</th><th>When</th><th>Summary</th><th>Sources</th></tr></thead><tbody>")
        for ev in b.events:
            where = ", ".join(dict.fromkeys(x for x in (ev.location, ev.host) if x))
            when = (f"{ev.start} – {ev.end}" if ev.start and ev.end else ev.start or ev.dates_text or "")
            refs = "".join(f"[{c.id}]" for c in ev.citations[:6])
            parts.append(
                f'<tr><td class="kind">{e(ev.kind)}<div class="type">{e(ev.type)} · CAMEO {e(ev.cameo)}</div></td>'
                f"<td>{e(ev.name)}</td><td>{e(', '.join(ev.participants))}</td><td>{e(where)}</td>"
                f"<td>{e(when)}</td><td>{e(ev.summary)}</td><td>{_linkify(refs, known)}</td></tr>"
            )
        parts.append("</tbody></table></section>")
    parts.append('<section id="sources"><h2>Sources</h2>')
    for c in b.citations:
        parts.append(
            f'<details class="source" id="src-{c.id}"><summary><span class="n">[{c.id}]</span>{e(c.title)} '
            f'<span class="file">{e(c.source)}</span></summary>'
            f"<blockquote>“{e(c.quote)}”</blockquote>"
            f'<div class="passage">{_passage(c, chunk_texts)}</div></details>'
        )
    parts.append("</section></main>")
    parts.append(f"<script>{_JS}</script></body></html>")
    return "\n".join(parts) + "\n"


def briefing_html(b: Briefing, settings) -> str:
    """The page, with each cited chunk's text read back from the index."""
    from qa.storage.store import open_store

    ids = list(dict.fromkeys(c.chunk_id for c in b.citations))
    texts = {c.chunk_id: c.text for c in open_store(settings).get_chunks(ids)} if ids else {}
    return render_html(b, texts)
