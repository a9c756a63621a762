"""A model's sentence with its [n] after the full stop ("... near Minsk. [1]") is checked against
the passage it cites, over real HTTP through the real ask and brief paths: an invented claim is
reported unsupported and never shown as a checked answer or key point."""

from __future__ import annotations

import json
import re

import pytest

from qa.answering.answer import NOT_FOUND, answer_question
from qa.config import Settings, load_settings
from tests.conftest import run_main
from tests.fake_openai import FakeOpenAI, Reply

QUESTION = "How long will the China-Belarus exercise last?"
INVENTED = "China and Belarus held a 30-day exercise with 50,000 troops near Minsk."
REPLY = f"{INVENTED} [1]"


@pytest.fixture
def server():
    with FakeOpenAI() as srv:
        yield srv


def _first_source(request) -> str:
    m = re.search(r'<source id="1"[^>]*>\n(.*?)\n</source>', request.message("user"), re.S)
    assert m, "the prompt numbers its sources from 1"
    return m.group(1)


def test_ask_reports_the_invented_sentence_unsupported(seed_index, server):
    server.push(Reply(REPLY))
    a = answer_question(QUESTION, load_settings(index_dir=seed_index, llm_base_url=server.base_url,
                                                llm_api_key="t", llm_model="fake"))
    source = _first_source(server.chat_requests[-1])
    assert "30-day" not in source and "50,000" not in source  # [1] does not say it
    assert a.abstained and a.answer == NOT_FOUND and a.citations == []
    assert a.claims_checked == 1
    assert [u["sentence"] for u in a.unsupported] == [INVENTED]
    assert "30" in a.unsupported[0]["reason"] and "50000" in a.unsupported[0]["reason"]
    assert any(w.startswith("dropped 1 unsupported sentence") for w in a.warnings)


def test_ask_json_does_not_present_it_as_checked(seed_index, server, capsys, monkeypatch):
    monkeypatch.setenv("QA_INDEX_DIR", str(seed_index))
    monkeypatch.setenv("QA_LLM_BASE_URL", server.base_url)
    monkeypatch.setenv("QA_LLM_API_KEY", "t")
    server.push(Reply(REPLY))
    code, out, _ = run_main(capsys, "ask", QUESTION, "--json")
    assert code == 0
    data = json.loads(out)
    assert data["abstained"] and "50,000" not in data["answer"]
    assert [u["sentence"] for u in data["unsupported"]] == [INVENTED]
    assert data["claims_checked"] == 1


def _brief_model(request) -> Reply:
    """Notes and key points with the marker after the full stop: the invented sentence cites the
    first passage of each map call, a true one the passage it comes from."""
    user = request.message("user")
    if request.prompt_name == "events":
        return Reply(tool_calls=[{"name": "ArticleEvents", "arguments": {"events": []}}])
    if request.prompt_name == "brief_map":
        sources = re.findall(r'<source id="(\d+)"[^>]*>\n(.*?)\n</source>', user, re.S)
        notes = [f"- {INVENTED} [{sources[0][0]}]"]
        notes += [f"- The joint exercise lasts 11 days. [{n}]" for n, text in sources if "11-day" in text]
        return Reply("\n".join(notes))
    if request.prompt_name == "brief_reduce":
        notes = dict.fromkeys(line.strip() for line in user.splitlines() if re.match(r"\s*- .*\[\d+\]$", line))
        return Reply("## Key points\n" + "\n".join(notes) + "\n")
    return Reply(status=400, error_message=f"unexpected prompt {request.prompt_name}")


def test_brief_drops_the_invented_key_point(seed_index, session_cache, server):
    from qa.brief.compose import write_briefing
    from qa.llm.chat import get_llm

    server.push(*([_brief_model] * 40))
    s = Settings.from_flat(index_dir=seed_index, cache_dir=session_cache, llm_base_url=server.base_url,
                           llm_api_key="t", llm_max_retries=0, llm_timeout=10)
    data = write_briefing(s, topic="Belarus", llm=get_llm(s)).to_dict()
    assert data["mode"] == "llm" and any("11 days" in k for k in data["key_points"])
    assert INVENTED in [u["sentence"] for u in data["unsupported"]]
    assert "50,000" not in data["markdown"] and not any("50,000" in k for k in data["key_points"])
