"""qa brief offline (extractive) on the seeds and on fixture articles: cited, verbatim, no boilerplate."""

from __future__ import annotations

import pytest

from tests.conftest import FIXTURES_DIR
from tests.events_helpers import BOILERPLATE, assert_quote_verbatim, bullets, markers


@pytest.fixture(scope="module")
def seed_brief(seed_index, session_cache):
    from qa.brief.compose import write_briefing
    from qa.config import Settings

    s = Settings.from_flat(index_dir=seed_index, cache_dir=session_cache, extractive=True)
    return s, write_briefing(s)


def _texts(settings):
    from qa.api import open_store

    return {c.chunk_id: c.text for c in open_store(settings).all_chunks()}


def check_briefing(settings, data: dict) -> None:
    md = data["markdown"]
    ids = {c["id"] for c in data["citations"]}
    assert ids == set(range(1, len(ids) + 1))
    assert markers(md) <= ids, "every [n] has its entry in citations"
    for line in bullets(md):
        assert markers(line), f"uncited bullet: {line}"
    texts = _texts(settings)
    for c in data["citations"]:
        assert_quote_verbatim(c, texts)
        assert c["title"] and c["source"]
    for junk in BOILERPLATE:
        assert junk not in md, junk
    # the sources list closes the briefing, each with title, file and quote
    tail = md.split("## Sources", 1)[1]
    for c in data["citations"]:
        assert f"{c['id']}. **{c['title']}**: `{c['source']}`" in tail


def test_seed_briefing_offline(seed_brief):
    settings, b = seed_brief
    data = b.to_dict()
    assert data["mode"] == "extractive" and "Extractive" in data["markdown"]
    md = data["markdown"]
    for word in ("Brest", "Vostok", "SCO"):
        assert word in md, word
    for heading in ("## Key points", "## Exercises", "## Alliances and alignments", "## Timeline", "## Events", "## Sources"):
        assert heading in md, heading
    assert md.startswith("# ")
    check_briefing(settings, data)
    assert any(e["name"] == "Vostok" for e in data["events"])
    assert any("August 30" in row["date"] for row in data["timeline"])


def test_topic_briefing(seed_index, session_cache):
    from qa.brief.compose import write_briefing
    from qa.config import Settings

    s = Settings.from_flat(index_dir=seed_index, cache_dir=session_cache, extractive=True)
    b = write_briefing(s, topic="Vostok")
    assert "Vostok" in b.markdown
    assert all("001_" in src for e in b.events for src in e.sources)
    check_briefing(s, b.to_dict())


def test_fixture_briefing(tmp_path_factory, session_cache):

    from qa.brief.compose import write_briefing
    from qa.config import Settings
    from qa.ingest.pipeline import ingest

    s = Settings.from_flat(index_dir=tmp_path_factory.mktemp("brief-fixtures") / "index", cache_dir=session_cache, extractive=True)
    ingest([FIXTURES_DIR / "exercises"], s)
    b = write_briefing(s)
    md = b.markdown
    for word in ("Baltic Shield", "Finland", "Darwin", "2024-03-04"):
        assert word in md, word
    assert "gym" not in md.lower().split("## events")[1]
    check_briefing(s, b.to_dict())
