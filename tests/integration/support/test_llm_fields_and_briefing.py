"""LLM briefings and LLM event records keep only what their cited passages say (issue 12): an
invented figure in a briefing bullet and an invented participant or place in an event record are
left out and reported, through the real openai client over the scripted server."""

from __future__ import annotations

import re

import pytest

from tests.fake_openai import FakeOpenAI, Reply
from tests.integration.test_brief_llm import _sentence_number, _settings, respond


@pytest.fixture
def server():
    with FakeOpenAI() as srv:
        yield srv


_VOSTOK_SOURCE: dict[str, int] = {}


def _inventing(request) -> Reply:
    """The well-behaved script, except that the model invents: a participant and a place no
    cited sentence names, and a briefing bullet whose figure no source gives."""
    user = request.message("user")
    if request.prompt_name == "brief_map":
        for m in re.finditer(r'<source id="(\d+)"[^>]*>(.*?)</source>', user, re.S):
            if "August 30" in m.group(2):
                _VOSTOK_SOURCE["n"] = int(m.group(1))
    if request.prompt_name == "events" and "Vostok" in user:
        record = {"kind": "exercise", "name": "Vostok", "participants": ["China", "Russia", "North Korea"],
                  "host": "Russia", "location": "Pyongyang", "start": "August 30", "end": "September 5",
                  "summary": "China joins Russia's Vostok exercise.",
                  "evidence": [_sentence_number(user, "Vostok")]}
        return Reply(tool_calls=[{"name": "ArticleEvents", "arguments": {"events": [record]}}])
    if request.prompt_name == "brief_reduce":
        first = _VOSTOK_SOURCE["n"]  # the passage that gives the dates
        return Reply(
            "## Key points\n"
            f"- China takes part in the Vostok exercise from August 30 to September 5 [{first}].\n"
            f"- North Korea sends 40,000 troops to the exercise, which lasts 99 days [{first}].\n"
        )
    return respond(request)


def test_invented_event_fields_are_left_out(seed_index, session_cache, server, caplog):
    from qa.events.extract import extract_events
    from qa.llm.chat import get_llm

    server.push(*([_inventing] * 10))
    s = _settings(seed_index, session_cache, server)
    events = [e.to_dict() for e in extract_events(s, llm=get_llm(s))]
    vostok = next(e for e in events if e["name"] == "Vostok")
    assert {"China", "Russia"} <= set(vostok["participants"])
    assert "North Korea" not in vostok["participants"]
    assert vostok["location"] is None and "Pyongyang" not in (vostok["places"] or [])
    assert vostok["start"] == "August 30"  # what the sentences do say stays
    assert any("North Korea" in r.getMessage() and "Pyongyang" in r.getMessage() for r in caplog.records)


def test_an_unsupported_briefing_bullet_is_dropped_and_reported(seed_index, session_cache, server):
    from qa.brief.compose import write_briefing
    from qa.llm.chat import get_llm

    server.push(*([_inventing] * 40))
    s = _settings(seed_index, session_cache, server)
    data = write_briefing(s, llm=get_llm(s)).to_dict()
    assert data["mode"] == "llm"
    md = data["markdown"]
    assert "Vostok exercise from August 30" in md
    assert "99 days" not in md and "40,000" not in md
    [dropped] = [u for u in data["unsupported"] if "99 days" in u["sentence"]]
    assert dropped["reason"]
    assert all(re.search(r"\[\d+\]", k) for k in data["key_points"])
