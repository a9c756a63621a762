"""The HTML briefing renders in headless Chromium: briefing, who-with-whom graph and timeline
chart (inline SVG), events table, timeline, sources; and the page asks for nothing on the network."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest


def _chromium() -> str | None:
    for name in ("/usr/bin/chromium", "chromium", "chromium-browser"):
        found = shutil.which(name) if not name.startswith("/") else (name if Path(name).exists() else None)
        if found:
            return found
    return None


def _run(browser: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile'}", *args],
        capture_output=True, text=True, timeout=120,
    )


@pytest.fixture(scope="module")
def page(seed_index, session_cache, tmp_path_factory) -> Path:
    from qa.brief.compose import write_briefing
    from qa.brief.html import briefing_html
    from qa.config import Settings

    s = Settings.from_flat(index_dir=seed_index, cache_dir=session_cache, extractive=True)
    path = tmp_path_factory.mktemp("html") / "briefing.html"
    path.write_text(briefing_html(write_briefing(s), s), encoding="utf-8")
    return path


def test_self_contained(page):
    html = page.read_text(encoding="utf-8")
    assert "<style>" in html and "<script>" in html
    for external in ('src="http', "href=\"http", "@import", "url(http"):
        assert external not in html
    # every citation link has its source, with the quoted passage marked in the chunk's text
    import re

    links = set(re.findall(r'href="#(src-\d+)"', html))
    targets = set(re.findall(r'id="(src-\d+)"', html))
    assert links and links <= targets
    assert html.count("<mark") == len(targets)


def test_renders_in_headless_chromium(page, tmp_path):
    browser = _chromium()
    if browser is None:
        pytest.skip("chromium is not installed (scripts/test.sh installs it with apt-get)")
    res = _run(browser, tmp_path, "--dump-dom", page.as_uri())
    assert res.returncode == 0, res.stderr[-2000:]
    dom = res.stdout
    for part in ('id="key-points"', 'id="relations"', 'id="timeline"', 'id="events"', 'id="sources"', "Vostok", "Brest", "<table"):
        assert part in dom, part
    shot = tmp_path / "page.png"
    res = _run(browser, tmp_path, "--window-size=1200,2000", f"--screenshot={shot}", page.as_uri())
    assert res.returncode == 0, res.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000  # a real page, not a blank one


# Appended to a copy of the page: measures each drawing as laid out and writes it into the DOM,
# which --dump-dom then prints.
_PROBE = """<pre id="probe"></pre><script>
(function(){var out={};document.querySelectorAll('figure.chart').forEach(function(f){
var svg=f.querySelector('svg');var r=svg.getBoundingClientRect();var cs=getComputedStyle(svg);
var texts=Array.from(svg.querySelectorAll('text'));
out[f.id]={w:r.width,h:r.height,shown:cs.display!=='none'&&cs.visibility!=='hidden',
labels:texts.filter(function(t){var b=t.getBoundingClientRect();return b.width>0&&b.height>0}).map(function(t){return t.textContent})};});
document.getElementById('probe').textContent=JSON.stringify(out);})();
</script></body>"""


def _page_requests(netlog: Path) -> list[str]:
    """URLs the page itself asked for (Chromium's own background requests have no origin)."""
    data = json.loads(netlog.read_text(encoding="utf-8"))
    start = data["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    return [
        e["params"]["url"]
        for e in data["events"]
        if e["type"] == start and e.get("params", {}).get("initiator") != "not an origin"
        and re.match(r"(https?|wss?|ftp)://", e["params"].get("url", ""))
    ]


def _probe(browser: str, tmp_path: Path, html: str, name: str) -> tuple[dict, list[str]]:
    copy = tmp_path / f"{name}.html"
    copy.write_text(html.replace("</body>", _PROBE, 1), encoding="utf-8")
    netlog = tmp_path / f"{name}-netlog.json"
    res = _run(browser, tmp_path, f"--log-net-log={netlog}", "--window-size=1200,2000", "--dump-dom", copy.as_uri())
    assert res.returncode == 0, res.stderr[-2000:]
    found = re.search(r'<pre id="probe">([^<]*)</pre>', res.stdout)
    assert found, res.stdout[-2000:]
    return json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&")), _page_requests(netlog)


def test_graph_and_chart_render_and_nothing_is_fetched(page, tmp_path):
    browser = _chromium()
    if browser is None:
        pytest.skip("chromium is not installed (scripts/test.sh installs it with apt-get)")
    html = page.read_text(encoding="utf-8")
    drawn, requests = _probe(browser, tmp_path, html, "page")
    graph, chart = drawn["relations-graph"], drawn["timeline-chart"]
    for fig in (graph, chart):
        assert fig["shown"] and fig["w"] > 300 and fig["h"] > 100, fig
    # the seeds' participants are labelled nodes; the timeline names Vostok
    assert {"China", "Belarus", "Russia", "SCO"} <= set(graph["labels"]), graph
    assert "Vostok" in chart["labels"], chart
    assert requests == []
    # the check can fail: the same page with one remote image is caught
    _, control = _probe(browser, tmp_path, html.replace("<main>", '<main><img src="http://127.0.0.1:9/x.png">', 1), "control")
    assert control == ["http://127.0.0.1:9/x.png"]
