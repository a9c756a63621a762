"""`qa ask`, `qa events` and `qa brief` (the CLI in this process) against scripted servers that
play real servers' quirks: every command exits 0 with cited output, qa never sends a malformed
request, and a structured-output method a server refused is not tried again in the same run."""

from __future__ import annotations

import json

import pytest

from tests.conftest import run_main
from tests.fake_openai import PROFILES, FakeOpenAI
from tests.integration.llm.scripts import model


@pytest.fixture(params=sorted(PROFILES))
def server(request, seed_settings, monkeypatch):
    with FakeOpenAI(profile=request.param) as srv:
        monkeypatch.setenv("QA_LLM_BASE_URL", srv.base_url)
        monkeypatch.setenv("QA_LLM_MAX_RETRIES", "0")
        srv.push(*([model] * 60))
        yield srv


def _refusals(srv) -> set[str]:
    """What the server answered 400 to: only its profile's refusals, never a malformed request."""
    reasons = {reason for _, reason in srv.rejected}
    allowed = {srv.profile.refuse_tools} | {f"response_format type {k!r} is not supported by this server" for k in srv.profile.refuse_formats}
    assert reasons <= allowed, reasons
    return reasons


def test_ask_is_cited_on_every_profile(server, capsys):
    code, out, err = run_main(capsys, "ask", "How long will the China-Belarus exercise last?", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["mode"] == "llm" and not data["abstained"] and "11 days [1]" in data["answer"]
    assert data["citations"][0]["source"] == "000_52ce17c5f8e0b379.txt" and "11-day" in data["citations"][0]["quote"]
    assert _refusals(server) == set()  # a plain chat request is fine everywhere


def test_events_are_cited_on_every_profile(server, capsys):
    code, out, err = run_main(capsys, "events", "--json")
    assert code == 0, err
    events = json.loads(out)["events"]
    names = {e["name"] for e in events}
    assert "Vostok" in names and any(e["location"] == "Brest" for e in events), names
    assert all(e["citations"] for e in events)
    assert "warning" not in err  # every article's reply was usable
    refused = _refusals(server)
    calls = [r for r in server.chat_requests if r.prompt_name == "events"]
    tools = [r for r in calls if r.body.get("tools")]
    if server.profile.refuse_tools:
        # refused once, then remembered: the second article goes straight to a method that works
        assert len(tools) == 1 and server.profile.refuse_tools in refused
    else:
        assert len(tools) == len(calls) == 2
    if server.profile.name == "llamacpp":
        formats = [(r.body.get("response_format") or {}).get("type") for r in calls]
        assert formats == [None, "json_schema", "json_object", None, None]  # tools, schema, mode, prompted; then prompted


def test_brief_is_cited_on_every_profile(server, capsys):
    code, out, err = run_main(capsys, "brief", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["mode"] == "llm" and data["key_points"] and "No key points" not in data["markdown"]
    ids = {c["id"] for c in data["citations"]}
    assert all(any(f"[{n}]" in p for n in ids) for p in data["key_points"])
    assert any(e["name"] == "Vostok" for e in data["events"])
    _refusals(server)


def test_eval_runs_on_every_profile(server, capsys, tmp_path):
    questions = tmp_path / "questions.jsonl"
    questions.write_text(
        json.dumps({"id": "q1", "question": "How long will the China-Belarus exercise last?", "expect_any": [["11"]],
                    "sources": ["000_52ce17c5f8e0b379.txt"], "answerable": True}) + "\n",
        encoding="utf-8",
    )
    code, out, err = run_main(capsys, "eval", str(questions), "--json")
    assert code == 0, err
    [item] = json.loads(out)["items"]
    assert item["correct"] and not item["abstained"] and item["cited_sources"] == ["000_52ce17c5f8e0b379.txt"]
    assert _refusals(server) == set()
