"""Failures told truthfully: a cut reply is retried then an error (never an abstention), the
server's own reason is shown, Retry-After is honoured up to QA_LLM_MAX_RETRY_AFTER, and a reply
that cannot be used costs one article (a warning naming it; the offline extractor fills in)."""

from __future__ import annotations

import json
import time

import pytest

from qa.answering.answer import answer_question
from qa.errors import LLMError
from tests.conftest import run_main
from tests.fake_openai import PROFILES, FakeOpenAI, Reply
from tests.integration.llm.scripts import llm_settings, model

QUESTION = "How long will the China-Belarus exercise last?"


def test_a_cut_stream_is_retried(seed_index, server):
    server.push(Reply("The joint exercise lasts", cut_after=3), model)
    shown: list[str] = []
    restarts: list[int] = []
    a = answer_question(QUESTION, llm_settings(seed_index, server, llm_max_retries=1), on_token=shown.append,
                        on_restart=lambda: (restarts.append(1), shown.clear()))
    assert not a.abstained and a.answer == "The joint exercise lasts 11 days [1]."
    assert restarts == [1] and "".join(shown) == a.answer and len(server.chat_requests) == 2


def test_a_stream_cut_every_time_is_an_error_not_an_abstention(seed_index, server):
    server.push(Reply("The joint exercise lasts", cut_after=3), Reply("The joint", cut_after=2))
    with pytest.raises(LLMError, match="cut its reply off mid-way") as err:
        answer_question(QUESTION, llm_settings(seed_index, server, llm_max_retries=1), on_token=lambda t: None)
    assert "cannot connect" not in str(err.value) and "\n" not in str(err.value)


def test_a_cut_plain_reply_is_not_cannot_connect(server, capsys, monkeypatch):
    monkeypatch.setenv("QA_LLM_MAX_RETRIES", "1")
    server.push(Reply("The joint exercise lasts 11 days [1].", cut_after=0), Reply("The joint exercise", cut_after=0))
    code, out, err = run_main(capsys, "ask", QUESTION)
    assert code == 1 and "cut its reply off mid-way (2 tries)" in err and "cannot connect" not in err
    assert "do not answer" not in out and len(err.strip().splitlines()) == 1


def test_the_servers_reason_for_a_400_is_shown(server, capsys):
    reason = "This model's maximum context length is 2048 tokens. However, you requested 5120 tokens."
    server.push(Reply(status=400, error_message=reason))
    code, _, err = run_main(capsys, "ask", QUESTION)
    assert code == 1 and "HTTP 400" in err and reason in err and len(err.strip().splitlines()) == 1


def test_retry_after_is_honoured(server, capsys, monkeypatch):
    monkeypatch.setenv("QA_LLM_MAX_RETRIES", "1")
    server.push(Reply(status=429, headers={"Retry-After": "1"}), model)
    started = time.perf_counter()
    code, out, err = run_main(capsys, "ask", QUESTION, "--json")
    assert code == 0, err
    assert time.perf_counter() - started >= 0.95 and json.loads(out)["citations"]


def test_a_retry_after_beyond_the_limit_fails_at_once(server, capsys, monkeypatch):
    monkeypatch.setenv("QA_LLM_MAX_RETRY_AFTER", "30")
    server.push(Reply(status=429, headers={"Retry-After": "3600"}), model)
    started = time.perf_counter()
    code, _, err = run_main(capsys, "ask", QUESTION)
    assert code == 1 and time.perf_counter() - started < 5 and len(server.chat_requests) == 1
    assert "retry after 3600s" in err and "QA_LLM_MAX_RETRY_AFTER=30s" in err and len(err.strip().splitlines()) == 1


def test_streams_without_usage_are_fine(seed_index):
    with FakeOpenAI(stream_usage=False) as srv:
        srv.push(model)
        tokens: list[str] = []
        a = answer_question(QUESTION, llm_settings(seed_index, srv), on_token=tokens.append)
        assert srv.chat_requests[-1].stream and not a.abstained and "".join(tokens) == a.answer


def _prose_for_vostok(request) -> Reply:
    """A model that answers one article in prose, whatever it is asked."""
    if request.prompt_name == "events" and "Vostok" in request.message("user"):
        return Reply("I found an exercise with several countries taking part.")
    return model(request)


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_an_unusable_events_reply_costs_that_article_only(seed_settings, monkeypatch, capsys, profile):
    with FakeOpenAI(profile=profile) as server:
        monkeypatch.setenv("QA_LLM_BASE_URL", server.base_url)
        server.push(*([_prose_for_vostok] * 12))
        code, out, err = run_main(capsys, "events", "--json")
    assert code == 0, err
    warnings = [line for line in err.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and "001_" in warnings[0] and "extracted offline" in warnings[0]
    events = json.loads(out)["events"]
    assert any(e["location"] == "Brest" for e in events)  # the other article, from the LLM
    vostok = [e for e in events if e["name"] == "Vostok"]  # the failed one, from the offline extractor
    assert vostok and all(c["source"].startswith("001_") for c in vostok[0]["citations"])
    # the last method got one repair attempt with the reason
    repair = [r for r in server.chat_requests if len(r.messages) == 4]
    assert repair and "could not be used" in repair[0].messages[-1]["content"]


def test_a_briefing_in_prose_falls_back_to_the_cited_notes(server, capsys):
    def reduce_in_prose(request):
        if request.prompt_name == "brief_reduce":
            return Reply("Overall, the articles describe a lot of military activity in the region.")
        return model(request)

    server.push(*([reduce_in_prose] * 30))
    code, out, err = run_main(capsys, "brief", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["mode"] == "llm" and data["key_points"] and "No key points" not in data["markdown"]
    assert "had no cited bullet" in err and "cited notes are shown instead" in err


def test_a_briefing_with_nothing_usable_is_extractive_and_says_so(server, capsys):
    def prose(request):
        if request.prompt_name in ("brief_map", "brief_reduce"):
            return Reply("The articles discuss several military matters of interest.")
        return model(request)

    server.push(*([prose] * 30))
    code, out, err = run_main(capsys, "brief", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["mode"] == "extractive" and data["key_points"] and "No key points" not in data["markdown"]
    assert "cited no passage" in err and "extractive briefing instead" in err
