"""The HTML briefing renders in headless Chromium: briefing, events table, timeline, sources."""

from __future__ import annotations

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
    for part in ('id="key-points"', 'id="timeline"', 'id="events"', 'id="sources"', "Vostok", "Brest", "<table"):
        assert part in dom, part
    shot = tmp_path / "page.png"
    res = _run(browser, tmp_path, "--window-size=1200,2000", f"--screenshot={shot}", page.as_uri())
    assert res.returncode == 0, res.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000  # a real page, not a blank one
