"""Found against a real llama.cpp server with a base model (scripts/live_server_check.sh): a model
that never stops must be capped by max_tokens, and a briefing whose replies are empty must not
claim "no key points" beside an events table that lists records."""

from __future__ import annotations

from qa.answering.answer import answer_question
from qa.config import load_settings
from tests.fake_openai import FakeOpenAI, Reply
from tests.integration.llm.scripts import model


def test_every_chat_request_caps_the_reply_length(seed_index):
    with FakeOpenAI() as server:
        server.push(model)
        s = load_settings(index_dir=seed_index, llm_base_url=server.base_url, llm_api_key="test", llm_max_tokens=200)
        answer_question("How long will the China-Belarus exercise last?", s)
        assert server.chat_requests[-1].body["max_tokens"] == 200


def test_an_empty_llm_briefing_becomes_the_extractive_one(seed_index, session_cache):
    from qa.brief.compose import write_briefing
    from qa.llm.chat import get_llm

    with FakeOpenAI() as server:
        server.push(*([lambda req: Reply("" if req.prompt_name != "events" else "{}")] * 40))
        s = load_settings(index_dir=seed_index, cache_dir=session_cache, llm_base_url=server.base_url,
                          llm_api_key="test", llm_max_retries=0)
        b = write_briefing(s, llm=get_llm(s))
    assert b.mode == "extractive" and b.key_points and b.events
