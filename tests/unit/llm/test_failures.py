"""One truthful line per failure: the server's reason, cut replies, Retry-After and its limit."""

from __future__ import annotations

from types import SimpleNamespace

import httpx
import openai
import pytest

from qa.config import load_settings
from qa.llm.failures import (
    RetryAfterTooLong,
    StreamCut,
    check_retry_after,
    describe,
    is_cut,
    retry_after,
    retryable,
    server_reason,
)


def _status_error(status: int, body, headers: dict | None = None) -> openai.APIStatusError:
    request = httpx.Request("POST", "http://127.0.0.1:9/v1/chat/completions")
    response = httpx.Response(status, headers=headers or {}, request=request, json=body if isinstance(body, dict) else None)
    cls = {400: openai.BadRequestError, 429: openai.RateLimitError}.get(status, openai.InternalServerError)
    return cls("error", response=response, body=body)


@pytest.fixture
def settings():
    return load_settings(llm_base_url="http://127.0.0.1:9/v1", llm_max_retry_after=30)


@pytest.mark.parametrize(
    "body",
    [{"message": "context too long"}, {"error": {"message": "context too long"}}, {"error": "context too long"},
     {"detail": "context too long"}, "context too long"],
)
def test_the_servers_reason_in_every_body_shape(body):
    assert server_reason(_status_error(400, body)) == "context too long"


def test_a_400_line_carries_the_reason(settings):
    line = describe(_status_error(400, {"message": "tools param requires --jinja flag"}), settings, 1)
    assert line == "the LLM at http://127.0.0.1:9/v1 answered HTTP 400: tools param requires --jinja flag"


def test_cut_replies_are_told_apart_from_connection_failures(settings):
    request = httpx.Request("POST", "http://x")
    try:
        try:
            raise httpx.RemoteProtocolError("peer closed connection without sending complete message body")
        except httpx.RemoteProtocolError as inner:
            raise openai.APIConnectionError(request=request) from inner
    except openai.APIConnectionError as exc:
        cut = exc
    assert is_cut(cut) and retryable(cut) and "cut its reply off mid-way (3 tries)" in describe(cut, settings, 3)
    refused = openai.APIConnectionError(request=request)
    assert not is_cut(refused) and describe(refused, settings, 3).startswith("cannot connect")
    assert is_cut(StreamCut("no finish reason")) and retryable(StreamCut("x"))


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [({"retry-after": "3"}, 3.0), ({"retry-after-ms": "1500"}, 1.5), ({}, None),
     ({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}, 0.0)],
)
def test_retry_after_forms(headers, seconds):
    assert retry_after(_status_error(429, {}, headers)) == seconds


def test_a_wait_beyond_the_limit_is_refused(settings):
    check_retry_after(_status_error(429, {}, {"retry-after": "30"}), settings)  # at the limit: waited
    with pytest.raises(RetryAfterTooLong, match=r"retry after 3600s, more than QA_LLM_MAX_RETRY_AFTER=30s"):
        check_retry_after(_status_error(429, {}, {"retry-after": "3600"}), settings)
    assert not retryable(RetryAfterTooLong("x"))
    assert retryable(_status_error(503, {})) and not retryable(_status_error(400, {}))
    assert retry_after(SimpleNamespace()) is None
