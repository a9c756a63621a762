"""Faults on the wire, over real HTTP through the real openai client: a server that trickles its
reply is stopped at QA_LLM_TIMEOUT for the whole request; an unreadable Retry-After is no
Retry-After; a 200 that is no chat completion, a 404 for the endpoint and an API key headers
cannot carry are each one line saying what was wrong; control characters and lone surrogates in
a reply never get past the LLM client."""

from __future__ import annotations

import json
import time

import pytest
from pydantic import BaseModel

from qa.answering.answer import answer_question
from qa.config import load_settings
from qa.errors import LLMError
from tests.conftest import run_main
from tests.fake_openai import Reply
from tests.integration.llm.scripts import llm_settings, model, source_number

QUESTION = "How long will the China-Belarus exercise last?"
LONG = " ".join(["The joint exercise lasts eleven days."] * 20)  # 120 words


def _one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


# ---------------------------------------------------------------- 1. a whole-request deadline
def test_a_trickling_stream_stops_at_the_timeout(seed_index, server):
    server.push(Reply(LONG, drip=0.2))  # 120 words, one every 0.2 s: 24 s, each read well in time
    started = time.perf_counter()
    with pytest.raises(LLMError) as err:
        answer_question(QUESTION, llm_settings(seed_index, server, llm_timeout=1, llm_max_retries=0), on_token=lambda t: None)
    assert time.perf_counter() - started < 10
    assert str(err.value).startswith("LLM request took longer than 1 s") and "\n" not in str(err.value)


def test_a_trickling_plain_reply_stops_at_the_timeout(server, capsys, monkeypatch):
    monkeypatch.setenv("QA_LLM_TIMEOUT", "1")
    monkeypatch.setenv("QA_LLM_MAX_RETRIES", "0")
    server.push(Reply(LONG, drip=0.02))  # a JSON body of ~1 kB, one byte every 0.02 s: 20 s
    started = time.perf_counter()
    code, out, err = run_main(capsys, "ask", QUESTION)
    assert time.perf_counter() - started < 10
    assert code == 1 and "LLM request took longer than 1 s" in _one_line(err) and not out.strip()


def test_the_deadline_is_per_request_and_each_try_gets_its_own(server, capsys, monkeypatch):
    monkeypatch.setenv("QA_LLM_TIMEOUT", "1")
    monkeypatch.setenv("QA_LLM_MAX_RETRIES", "1")
    server.push(Reply(LONG, drip=0.02), model)  # the first try is stopped, the retry answers
    code, out, err = run_main(capsys, "ask", QUESTION, "--json")
    assert code == 0, err
    assert json.loads(out)["citations"] and len(server.chat_requests) == 2


# ---------------------------------------------------------------- 2. Retry-After that is no date
@pytest.mark.parametrize("value", ["Mon, 99 Foo 2030 99:99:99 GMT", "soon", "inf"])
def test_an_unreadable_retry_after_falls_back_to_the_backoff(server, capsys, monkeypatch, value):
    monkeypatch.setenv("QA_LLM_MAX_RETRIES", "1")
    server.push(Reply(status=429, headers={"Retry-After": value}), model)
    code, out, err = run_main(capsys, "ask", QUESTION, "--json")
    assert code == 0, err
    assert json.loads(out)["citations"] and len(server.chat_requests) == 2


# ---------------------------------------------------------------- 3. one clear line
def _completion_body(choices: list) -> bytes:
    return json.dumps({"id": "c", "object": "chat.completion", "created": 1, "model": "m", "choices": choices}).encode()


@pytest.mark.parametrize(
    ("reply", "said"),
    [
        (Reply(body=_completion_body([])), "answered 200 with an empty 'choices' list"),
        (Reply(body=b'{"id": "c", "object": "chat.completion"}'), "answered 200 with no 'choices'"),
        (Reply(body=b"[1, 2]"), "answered 200 with no reply object"),
        (Reply(body=b"<html>hello</html>", content_type="text/html"), "a body that is not JSON (text/html: <html>hello</html>)"),
        (Reply(body=b"<html>hello</html>"), "a body that is not JSON (application/json: <html>hello</html>)"),
    ],
)
def test_a_200_that_is_no_chat_completion_says_so(server, capsys, reply, said):
    server.push(reply)
    code, _, err = run_main(capsys, "ask", QUESTION)
    line = _one_line(err)
    assert code == 1 and said in line and server.base_url in line
    assert "Error:" not in line and len(server.chat_requests) == 1  # named, and not retried


def test_a_base_url_without_v1_is_not_a_missing_model(server, capsys, monkeypatch):
    monkeypatch.setenv("QA_LLM_BASE_URL", server.base_url.removesuffix("/v1"))
    code, _, err = run_main(capsys, "ask", QUESTION)
    line = _one_line(err)
    assert code == 1 and "answered 404 Not Found for /chat/completions" in line
    assert "check that QA_LLM_BASE_URL ends in /v1" in line and "has no model" not in line


def test_a_404_about_the_model_still_names_the_model(server, capsys):
    server.push(Reply(status=404, error_message="The model `fake-model` does not exist"))
    code, _, err = run_main(capsys, "ask", QUESTION)
    line = _one_line(err)
    assert code == 1 and "has no model 'gpt-4o-mini' (404)" in line and "/v1" not in line.split("(404)")[1]


@pytest.mark.parametrize(("key", "what"), [("sk-abc\n", "a line break"), ("ключ", "non-ASCII characters")])
def test_an_api_key_headers_cannot_carry_is_named(server, capsys, monkeypatch, key, what):
    monkeypatch.setenv("QA_LLM_API_KEY", key)
    code, _, err = run_main(capsys, "ask", QUESTION)
    line = _one_line(err)
    assert code == 1 and f"API key (QA_LLM_API_KEY / OPENAI_API_KEY) has {what}" in line
    assert "HTTP headers cannot carry" in line and "cannot connect" not in line and not server.requests


# ---------------------------------------------------------------- 4. clean reply text
def _dirty(request) -> Reply:
    n = source_number(request.message("user"), "11-day")
    return Reply(f"The joint exercise\x00 lasts\x1b 11 days\ud800 [{n}].\r\nIt is near Brest\x0b [{n}].")


def test_control_characters_and_lone_surrogates_never_leave_a_reply(server, capsys):
    server.push(_dirty)
    code, out, err = run_main(capsys, "ask", QUESTION, "--json")
    assert code == 0, err
    answer = json.loads(out)["answer"]
    assert answer.startswith("The joint exercise lasts 11 days") and "It is near Brest" in answer
    assert not any(ord(c) < 32 and c not in "\n\t" or 0xD800 <= ord(c) <= 0xDFFF for c in answer)


def test_a_streamed_reply_is_cleaned_token_by_token(seed_index, server):
    server.push(_dirty)
    shown: list[str] = []
    a = answer_question(QUESTION, llm_settings(seed_index, server), on_token=shown.append)
    streamed = "".join(shown)
    assert not a.abstained and "\x00" not in streamed and "\ud800" not in streamed and "\x1b" not in streamed
    assert streamed.startswith("The joint exercise lasts 11 days")


class Thing(BaseModel):
    name: str
    notes: list[str]


def test_structured_replies_are_cleaned(server):
    from qa.llm.chat import OpenAIChat
    from qa.llm.prompts import get_prompt

    server.push(Reply(tool_calls=[{"name": "Thing", "arguments": {"name": "Bre\x00st\ud800", "notes": ["a\x07b\tc"]}}]))
    llm = OpenAIChat(load_settings(llm_base_url=server.base_url, llm_api_key="test"))
    prompt = get_prompt("answer")
    thing = llm.structured(prompt, dict.fromkeys(prompt.variables, "x"), Thing)
    assert thing.name == "Brest" and thing.notes == ["ab\tc"]
