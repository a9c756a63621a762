"""LLM mode through the scripted OpenAI-compatible server (real HTTP, real openai client):
structured event extraction per article then merge, briefing map-reduce within a token budget,
bad [n] dropped, uncited bullets removed, and an LLM failure as one line."""

from __future__ import annotations

import re

import pytest

from tests.conftest import run_qa
from tests.events_helpers import assert_quote_verbatim, bullets, markers
from tests.fake_openai import FakeOpenAI, Reply


def _numbers(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"\[(\d+)\]", text)]


def _sentence_number(user: str, needle: str) -> int:
    for line in user.splitlines():
        m = re.match(r"\[(\d+)\] (.*)", line)
        if m and needle in m.group(2):
            return int(m.group(1))
    return 999  # not in this article: a number that does not exist


def respond(request) -> Reply:
    user = request.message("user")
    if request.prompt_name == "events":
        if "Vostok" in user:
            events = [
                {"kind": "exercise", "name": "Vostok", "participants": ["China", "Russia", "India", "Belarus", "Mongolia", "Tajikistan"],
                 "host": "Russia", "location": None, "start": "August 30", "end": "September 5",
                 "summary": "China joins Russia's Vostok exercise.", "evidence": [_sentence_number(user, "Vostok"), _sentence_number(user, "Mongolia")]},
                {"kind": "deployment", "name": "Invented", "participants": ["U.S."], "summary": "Not in the article.", "evidence": [999]},
            ]
        elif "Shanghai" in user:
            events = [
                {"kind": "exercise", "name": "China–Belarus joint anti-terrorist exercise", "participants": ["Chinese", "Belarus"],
                 "host": "Belarus", "location": "Brest", "summary": "Joint drills near Brest.", "evidence": [_sentence_number(user, "near Brest")]},
                {"kind": "alliance", "name": "Belarus joins the SCO", "participants": ["Belarus", "SCO"], "relation": "admitted to",
                 "summary": "Belarus was admitted to the SCO.", "evidence": [_sentence_number(user, "Shanghai")]},
            ]
        else:
            events = []
        return Reply(tool_calls=[{"name": "ArticleEvents", "arguments": {"events": events}}])
    if request.prompt_name == "brief_map":
        # One note per source: its sentence about Vostok, Brest or the SCO, else its first one.
        notes = []
        for n, text in re.findall(r'<source id="(\d+)"[^>]*>\n(.*?)\n</source>', user, re.S):
            sentences = re.split(r"(?<=[.”])\s+", " ".join(text.split()))
            said = next((x for x in sentences if re.search(r"Vostok|near Brest|Shanghai", x)), sentences[0])
            notes.append(f"- {said.rstrip('.')} [{n}].")
        notes.append("- A claim with an unknown source [99].")
        return Reply("\n".join(notes))
    if request.prompt_name == "brief_reduce":
        def cited(word: str) -> int | None:
            line = next((ln for ln in user.splitlines() if word in ln and "[99]" not in ln), "")
            return next(iter(_numbers(line)), None)

        lines = ["## Key points"]
        if (n := cited("Vostok")) is not None:
            lines.append(f"- China will take part in the Vostok exercises from August 30 to September 5 [{n}].")
        if (n := cited("Shanghai")) is not None:
            lines.append(f"- Belarus was admitted to the Shanghai Cooperation Organisation [{n}][99].")
        lines += ["- A bullet without any source.", "## Exercises"]
        if (n := cited("near Brest")) is not None:
            lines.append(f"- China and Belarus will conduct joint military training near Brest [{n}].")
        lines += ["## Alliances and alignments", "- Only an invented source here [99]."]
        return Reply("\n".join(lines))
    return Reply(status=400, error_message="unexpected prompt")


@pytest.fixture
def server():
    with FakeOpenAI() as srv:
        yield srv


def _settings(seed_index, session_cache, server, **kw):
    from qa.config import Settings

    return Settings.from_flat(index_dir=seed_index, cache_dir=session_cache, llm_base_url=server.base_url,
                    llm_api_key="test", llm_max_retries=0, llm_timeout=10, **kw)


def test_events_structured_output_then_merge(seed_index, session_cache, server):
    from qa.api import open_store
    from qa.events.extract import extract_events
    from qa.llm.chat import get_llm

    server.push(*([respond] * 10))
    s = _settings(seed_index, session_cache, server)
    events = [e.to_dict() for e in extract_events(s, llm=get_llm(s))]
    structured = [r for r in server.chat_requests if r.body.get("tools")]
    assert len(structured) == 2  # one call per article
    names = {e["name"] for e in events}
    assert "Vostok" in names and "Invented" not in names  # a record with no real evidence is dropped
    vostok = next(e for e in events if e["name"] == "Vostok")
    assert {"China", "Russia", "Mongolia"} <= set(vostok["participants"]) and vostok["start"] == "August 30"
    brest = next(e for e in events if "Brest" in (e["location"] or ""))
    assert brest["participants"] == ["China", "Belarus"]  # "Chinese" normalised
    sco = next(e for e in events if e["kind"] == "alliance")
    assert sco["type"] == "AGREE"
    texts = {c.chunk_id: c.text for c in open_store(s).all_chunks()}
    for e in events:
        assert e["citations"]
        for c in e["citations"]:
            assert_quote_verbatim(c, texts)


def test_an_event_name_or_summary_the_cited_sentences_do_not_say_is_not_kept(seed_index, session_cache, server):
    from qa.events.extract import extract_events
    from qa.llm.chat import get_llm

    def invent(request) -> Reply:
        user = request.message("user")
        n = _sentence_number(user, "Vostok") if "Vostok" in user else _sentence_number(user, "near Brest")
        events = [{"kind": "exercise", "name": "Iron Shield", "participants": ["Russia", "France"], "location": "Paris",
                   "summary": "France leads a drill in Paris with 90,000 troops.", "evidence": [n]}]
        return Reply(tool_calls=[{"name": "ArticleEvents", "arguments": {"events": events}}])

    server.push(*([invent] * 10))
    s = _settings(seed_index, session_cache, server)
    events = [e.to_dict() for e in extract_events(s, llm=get_llm(s))]
    assert len(events) == 2  # the invented name no longer merges the two articles' drills
    for e in events:
        said = f"{e['name']} {e['summary']} {e['participants']} {e['location']}"
        assert "Iron" not in said and "France" not in said and "Paris" not in said and "90" not in said, said
        assert e["name"] in ("Russia exercise", "Exercise")


def test_briefing_map_reduce(seed_index, session_cache, server):
    from qa.api import open_store
    from qa.brief.compose import write_briefing
    from qa.llm.chat import get_llm

    server.push(*([respond] * 40))
    s = _settings(seed_index, session_cache, server)
    b = write_briefing(s, llm=get_llm(s), budget=350)
    maps = [r for r in server.chat_requests if r.prompt_name == "brief_map"]
    assert len(maps) > 1  # the sources did not fit one call's budget
    data = b.to_dict()
    md = data["markdown"]
    assert data["mode"] == "llm" and 99 in data["unknown_markers"]
    assert "without any source" not in md and "invented source" not in md
    assert data["dropped_bullets"] >= 2
    assert "- China will take part in the Vostok exercises" in md and "military training near Brest [" in md
    assert all(markers(line) for line in bullets(md))
    ids = {c["id"] for c in data["citations"]}
    assert markers(md) <= ids and ids == set(range(1, len(ids) + 1))
    texts = {c.chunk_id: c.text for c in open_store(s).all_chunks()}
    for c in data["citations"]:
        assert_quote_verbatim(c, texts)


def test_the_notes_shown_when_the_final_reply_has_no_cited_bullet_are_checked_too(seed_index, session_cache, server):
    from qa.brief.compose import write_briefing
    from qa.llm.chat import get_llm

    invented = "Russia sent 40,000 troops and 900 tanks to Minsk for the drills"

    def reply(request) -> Reply:
        user = request.message("user")
        if request.prompt_name == "brief_map":
            found = re.findall(r'<source id="(\d+)"[^>]*>(.*?)</source>', user, re.S)
            notes = [f"- {invented} [{n}]." for n, _ in found[:1]]
            notes += [f"- Chinese soldiers landed in Belarus for drills [{n}]." for n, text in found if "Chinese soldiers" in text][:1]
            return Reply("\n".join(notes))
        if request.prompt_name == "brief_reduce":
            return Reply("I could not write a briefing from these notes.")
        return Reply(tool_calls=[{"name": "ArticleEvents", "arguments": {"events": []}}])

    server.push(*([reply] * 40))
    s = _settings(seed_index, session_cache, server)
    data = write_briefing(s, llm=get_llm(s)).to_dict()
    assert data["mode"] == "llm"
    assert "40,000" not in data["markdown"] and "900 tanks" not in data["markdown"]
    assert "Chinese soldiers landed in Belarus" in data["markdown"]
    assert [u["sentence"] for u in data["unsupported"]] == [f"{invented}."]


@pytest.mark.slow  # a real console process
def test_llm_failure_is_one_line(seed_index, session_cache, server):
    from qa.brief.compose import write_briefing
    from qa.errors import LLMError
    from qa.llm.chat import get_llm

    server.push(Reply(status=500))
    s = _settings(seed_index, session_cache, server)
    with pytest.raises(LLMError):
        write_briefing(s, llm=get_llm(s))
    server.push(Reply(status=500), Reply(status=500))
    res = run_qa("brief", env={"QA_INDEX_DIR": str(seed_index), "QA_LLM_BASE_URL": server.base_url,
                               "QA_LLM_API_KEY": "test", "QA_LLM_MAX_RETRIES": "0"})
    assert res.returncode == 1
    assert res.stderr.strip().startswith("qa: error:") and "500" in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1 and "Traceback" not in res.stderr


def test_a_server_failing_at_the_events_step_keeps_the_written_briefing(seed_index, session_cache, server, caplog):
    from qa.brief.compose import EVENTS_OFFLINE_NOTE, write_briefing
    from qa.llm.chat import get_llm

    def reply(request) -> Reply:
        return Reply(status=500) if request.prompt_name == "events" else respond(request)

    server.push(*([reply] * 40))
    s = _settings(seed_index, session_cache, server)
    data = write_briefing(s, llm=get_llm(s), budget=350).to_dict()
    assert [r.prompt_name for r in server.chat_requests].count("events") == 1  # no call after the failure
    assert data["mode"] == "llm" and "- China will take part in the Vostok exercises" in data["markdown"]
    assert data["label"].endswith(EVENTS_OFFLINE_NOTE) and EVENTS_OFFLINE_NOTE in data["markdown"]
    assert any(e["name"] == "Vostok" for e in data["events"])  # the offline extractor's records
    assert "events extracted offline" in caplog.text and "500" in caplog.text
