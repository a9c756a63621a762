"""The HTML briefing's two drawings, as inline SVG: who with whom as a graph (networkx lays it
out, matplotlib draws it) and the timeline as a chart (matplotlib).

matplotlib is imported here only, when a page is rendered, with the Agg canvas (no display).
Output is deterministic: a fixed layout seed, a fixed SVG hash salt per drawing (so element ids
are stable and never collide between the two), no creation date. Text stays text
(``svg.fonttype`` "none": the labels are searchable and selectable); matplotlib escapes it when
writing the SVG, and ``parse_math=False`` keeps a "$" in an article's name from being read as
TeX.
"""

from __future__ import annotations

import io
import re
import textwrap
from calendar import monthrange
from datetime import date, timedelta

from qa.events.record import Event
from qa.events.relations import Relation
from qa.text.dates import is_iso, month_number

# Pairs drawn in the graph: past this many edges a graph of news is a hairball.
MAX_EDGES = 40
# Bars in the timeline chart (the most recent; the list under it has them all).
MAX_BARS = 25
KIND_COLOURS = {"exercise": "#1f5fbf", "alliance": "#2e8b57", "deployment": "#c0392b"}
# Text stays text, so the browser picks the font: name common ones and the generic family.
_FONT = {"font.family": "sans-serif", "font.sans-serif": ["DejaVu Sans", "Arial", "Helvetica"], "font.size": 9}


def _svg(fig, salt: str) -> str:
    """The figure as an ``<svg>`` element, ready to sit inside an HTML page."""
    import matplotlib

    out = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": salt, "svg.fonttype": "none", "svg.id": salt}):
        fig.savefig(out, format="svg", metadata={"Date": None}, bbox_inches="tight")
    text = out.getvalue()
    # Inside HTML: no XML prolog, and no RDF metadata block (it only names vocabularies).
    text = re.sub(r"\s*<metadata>.*?</metadata>", "", text[text.index("<svg") :], flags=re.S)
    # matplotlib names elements "figure_1", "patch_1", ... in every drawing: prefix them (and
    # what refers to them) so that two drawings on one page never share an id.
    ids = set(re.findall(r'\bid="([^"]+)"', text)) - {salt}
    text = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{salt}-{m.group(1)}"' if m.group(1) in ids else m.group(0), text)
    return re.sub(r'(url\(#|href="#)([^")]+)', lambda m: m.group(1) + (f"{salt}-{m.group(2)}" if m.group(2) in ids else m.group(2)), text)


def _figure(width: float, height: float):
    import matplotlib
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    # The SVG canvas, attached directly: no pyplot, no GUI backend, no display.
    with matplotlib.rc_context(_FONT):
        fig = Figure(figsize=(width, height), dpi=72)
    FigureCanvasSVG(fig)
    return fig


def short_label(name: str) -> str:
    """"Shanghai Cooperation Organisation (SCO)" -> "SCO": a node label that fits (a long name
    without an acronym goes on two or more lines)."""
    m = re.search(r"\(([A-Z][A-Za-z]{1,9})\)$", name)
    return m.group(1) if m else "\n".join(textwrap.wrap(name, 18)) or name


def relations_svg(pairs: list[Relation], title: str = "") -> str:
    """Who with whom as a graph: one node per participant, one edge per pair (width: number of
    records; colour: kind), deployments as arrows from deployer to host; the largest connected
    group of the ``MAX_EDGES`` pairs with most records. "" without pairs."""
    import matplotlib
    import networkx as nx

    graph = nx.Graph()
    for r in pairs[:MAX_EDGES]:
        graph.add_edge(r.a, r.b)
    if graph.number_of_edges() == 0:
        return ""
    # The most connected part only: separate small groups would shrink it to a corner (they are
    # all in the list under the drawing).
    keep = max(nx.connected_components(graph), key=lambda c: (graph.subgraph(c).number_of_edges(), sorted(c)))
    graph = graph.subgraph(keep).copy()
    pairs = [r for r in pairs[:MAX_EDGES] if r.a in keep and r.b in keep]
    # Kamada-Kawai is deterministic and spreads a connected graph evenly (no seed to fix).
    pos = nx.kamada_kawai_layout(graph) if len(graph) > 2 else nx.circular_layout(graph)
    degree = dict(graph.degree())
    fig = _figure(9, 6.5 if len(graph) > 6 else 5)
    with matplotlib.rc_context(_FONT):
        ax = fig.add_axes((0.02, 0.02, 0.96, 0.96))
        ax.set_axis_off()
        for r in pairs:
            (x1, y1), (x2, y2) = pos[r.a], pos[r.b]
            colour = KIND_COLOURS[r.kinds[0]] if len(r.kinds) == 1 else "#6b4fa0"
            width = 1.2 + 1.4 * (r.count - 1)
            if r.directed:
                ax.annotate("", xy=(x2, y2), xytext=(x1, y1), arrowprops={
                    "arrowstyle": "-|>", "color": colour, "lw": width, "shrinkA": 14, "shrinkB": 14, "mutation_scale": 16,
                })
            else:
                ax.plot([x1, x2], [y1, y2], color=colour, lw=width, alpha=0.75, solid_capstyle="round", zorder=1)
        for node, (x, y) in pos.items():
            ax.scatter([x], [y], s=160 + 70 * degree[node], color="#ffffff", edgecolors="#1d2330", linewidths=1.5, zorder=2)
            ax.text(x, y - 0.07, short_label(node), ha="center", va="top", fontsize=10, color="#1d2330",
                    parse_math=False, zorder=3,
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8})
        xs = [p[0] for p in pos.values()]
        ys = [p[1] for p in pos.values()]
        ax.set_xlim(min(xs) - 0.3, max(xs) + 0.3)
        ax.set_ylim(min(ys) - 0.3, max(ys) + 0.2)
        handles = [
            ax.plot([], [], color=c, lw=2.5, label=k)[0] for k, c in KIND_COLOURS.items() if any(k in r.kinds for r in pairs)
        ]
        if any(len(r.kinds) > 1 for r in pairs):
            handles.append(ax.plot([], [], color="#6b4fa0", lw=2.5, label="several kinds")[0])
        ax.legend(handles=handles, loc="lower right", frameon=False, fontsize=9)
        if title:
            ax.set_title(title, fontsize=10, parse_math=False)
    return _svg(fig, "qa-relations")


def _loose_day(text: str | None) -> tuple[int, int | None] | None:
    """(month, day) from a date without a year ("August 30"); day None when only the month is given."""
    if not text:
        return None
    for word in re.findall(r"[A-Za-z]+", text):
        month = month_number(word)
        if month:
            day = re.search(r"\b(\d{1,2})\b", text)
            return month, int(day.group(1)) if day and 1 <= int(day.group(1)) <= 31 else None
    return None


def _spans(events: list[Event]) -> tuple[list[tuple[str, date, date, str]], bool]:
    """(label, start, end, kind) per drawable record, and whether the axis is a real calendar
    (ISO dates) or months of a year the articles do not give."""
    dated = [e for e in events if is_iso(e.start) or is_iso(e.end)]
    rows = []
    if dated:
        for e in dated:
            start = date.fromisoformat(e.start if is_iso(e.start) else e.end)
            end = date.fromisoformat(e.end) if is_iso(e.end) else start
            rows.append((e.name, start, max(end, start), e.kind))
        return rows, True
    year = 2001  # any year without 29 February: only month and day are shown
    for e in events:
        a, b = _loose_day(e.start or e.dates_text), _loose_day(e.end)
        if a is None and e.months:
            a = (min(e.months), None)
        if a is None:
            continue
        if b is None and (a[1] is None or (e.months and max(e.months) > a[0])):
            b = (max([a[0], *e.months]), None)  # a month alone spans the month
        start = date(year, a[0], min(a[1] or 1, monthrange(year, a[0])[1]))
        end = date(year, b[0], min(b[1] or 31, monthrange(year, b[0])[1])) if b else start
        rows.append((e.name, start, max(end, start), e.kind))
    return rows, False


def timeline_svg(events: list[Event]) -> str:
    """The records with dates as bars on a date axis (months only when no year is known). ""
    when no record has a date the chart can place."""
    import matplotlib
    from matplotlib import dates as mdates

    rows, calendar = _spans(events)
    if not rows:
        return ""
    rows = sorted(rows, key=lambda r: (r[1], r[2], r[0]))[-MAX_BARS:]  # the most recent
    lo = mdates.date2num(min(r[1] for r in rows))
    hi = mdates.date2num(max(r[2] for r in rows) + timedelta(days=1))
    span = max(hi - lo, 10.0)
    fig = _figure(9, 0.9 + 0.32 * len(rows))
    with matplotlib.rc_context(_FONT):
        ax = fig.add_subplot()
        for i, (label, start, end, kind) in enumerate(rows):
            colour = KIND_COLOURS.get(kind, "#555555")
            left = mdates.date2num(start)
            # A bar for the days it lasts, never thinner than can be seen; a mark where it starts.
            width = max(mdates.date2num(end + timedelta(days=1)) - left, span * 0.006)
            ax.barh(i, width, left=left, height=0.5, color=colour, alpha=0.85)
            ax.plot([left], [i], marker="D", markersize=5, color=colour)
            # Names on the left, outside the plot, in axes coordinates: never over the bars.
            ax.text(-0.01, i, textwrap.shorten(label, 48, placeholder="…"), transform=ax.get_yaxis_transform(),
                    ha="right", va="center", fontsize=9, parse_math=False)
        ax.set_ylim(len(rows) - 0.5, -0.5)
        ax.set_xlim(lo - span * 0.03, hi + span * 0.03)
        ax.set_yticks([])
        kinds = [k for k in KIND_COLOURS if any(r[3] == k for r in rows)]
        ax.legend(handles=[ax.plot([], [], color=KIND_COLOURS[k], lw=6, label=k)[0] for k in kinds],
                  loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=9)
        locator = mdates.AutoDateLocator(maxticks=8)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator) if calendar else mdates.DateFormatter("%b %d"))
        for side in ("top", "right", "left"):
            ax.spines[side].set_visible(False)
        ax.grid(axis="x", color="#dde2ea", lw=0.8)
        ax.set_axisbelow(True)
        if not calendar:
            ax.set_xlabel("month and day (the articles give no year)")
    return _svg(fig, "qa-timeline")
