"""What went wrong on the wire, told truthfully, and whether trying again can help.

Every client failure ends as one ``LLMError`` line that names the server and says what it said:
a 400 carries the server's own reason, a reply cut off mid-way is not "cannot connect", and a
``Retry-After`` longer than ``llm.max_retry_after`` is refused at once instead of retried in
half a second. ``llm.timeout`` bounds each whole request (``Deadline``), not only each read, so a
server that trickles its reply cannot hold a command for ever (``qa.llm.deadline``); a reply that is not a chat
completion (not JSON, no ``choices``) is named as such instead of surfacing as a parser crash.
"""

from __future__ import annotations

import email.utils
import json
import math
import time
from typing import TYPE_CHECKING

from qa.errors import LLMError
from qa.llm.deadline import TookTooLong
from qa.text.spans import clip

if TYPE_CHECKING:
    from qa.config import Settings

# Exceptions (from httpx underneath the openai client) that mean the peer hung up mid-reply.
_CUT_NAMES = ("RemoteProtocolError", "ReadError", "IncompleteRead", "ChunkedEncodingError")
_REASON_CHARS = 300


class StreamCut(Exception):
    """The server ended a reply before it was complete (no finish reason, or the body cut short)."""


class RetryAfterTooLong(LLMError):
    """The server asked to wait longer than the configured limit."""


class BadReply(Exception):
    """The server answered 200 with something that is not a chat completion (not retried)."""


def _causes(exc: BaseException):
    seen = 0
    while exc is not None and seen < 8:
        yield exc
        exc = exc.__cause__ or exc.__context__
        seen += 1


def is_cut(exc: BaseException) -> bool:
    """True when ``exc`` (or what caused it) is a connection closed in the middle of a reply."""
    return any(isinstance(e, StreamCut) or type(e).__name__ in _CUT_NAMES for e in _causes(exc))


def is_timeout(exc: BaseException) -> bool:
    """True for the whole-request deadline, and for httpx's read timeout mid-stream (which the
    openai client does not wrap in its own ``APITimeoutError``)."""
    return any(
        isinstance(e, TookTooLong) or any(c.__name__ == "TimeoutException" for c in type(e).__mro__)
        for e in _causes(exc)
    )


def retryable(exc: BaseException) -> bool:
    """Timeouts, dropped connections, cut replies, 429 and 5xx may succeed on another try."""
    import openai

    if isinstance(exc, RetryAfterTooLong) or any(isinstance(e, BadReply) for e in _causes(exc)):
        return False
    if is_timeout(exc) or is_cut(exc) or isinstance(exc, openai.APITimeoutError | openai.APIConnectionError | openai.RateLimitError):
        return True
    return isinstance(exc, openai.APIStatusError) and exc.status_code >= 500


def retry_after(exc: BaseException) -> float | None:
    """Seconds the server asked to wait (``Retry-After``: seconds or an HTTP date;
    ``retry-after-ms``), or None when it did not say."""
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if not headers:
        return None
    millis = headers.get("retry-after-ms")
    if millis:
        try:
            wait = _seconds(float(millis) / 1000)
        except ValueError:
            wait = None
        if wait is not None:
            return wait
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return _seconds(float(value))
    except ValueError:
        pass
    try:  # an HTTP date; an unreadable one is as good as none (the backoff applies)
        parsed = email.utils.parsedate_to_datetime(value)
        return _seconds(parsed.timestamp() - time.time())
    except (TypeError, ValueError, OverflowError, IndexError):
        return None


def _seconds(value: float) -> float | None:
    return max(0.0, value) if math.isfinite(value) else None


def server_reason(exc: BaseException) -> str:
    """The server's own error message, on one line (OpenAI's ``{"error": {"message"}}``, or
    ``{"error": "..."}``, ``{"detail": ...}`` and ``{"message": ...}`` as other servers answer)."""
    body = getattr(exc, "body", None)
    reason = ""
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict):
            reason = str(inner.get("message") or inner.get("detail") or "")
        elif inner:
            reason = str(inner)
        reason = reason or str(body.get("detail") or body.get("message") or "")
    elif isinstance(body, str):
        reason = body
    if not reason:
        response = getattr(exc, "response", None)
        try:
            reason = response.text if response is not None else ""
        except Exception:  # noqa: BLE001 - a streamed body may be unreadable; the status still says enough
            reason = ""
    return clip(reason, _REASON_CHARS)


def describe(exc: BaseException, settings: Settings, tries: int) -> str:
    """One line for the user: where, what happened, and what the server said."""
    import openai

    where = settings.llm.base_url or "api.openai.com"
    if isinstance(exc, LLMError):
        return str(exc)
    bad = next((e for e in _causes(exc) if isinstance(e, BadReply)), None)
    if bad is not None:
        return f"the LLM at {where} {bad}"
    if any(isinstance(e, TookTooLong) for e in _causes(exc)):
        return f"LLM request took longer than {settings.llm.timeout:g} s (QA_LLM_TIMEOUT) at {where} ({tries} tries)"
    if is_cut(exc):
        return f"the LLM at {where} cut its reply off mid-way ({tries} tries)"
    if is_timeout(exc) or isinstance(exc, openai.APITimeoutError):
        return f"the LLM at {where} timed out after {settings.llm.timeout:g}s ({tries} tries)"
    reason = server_reason(exc)
    said = f": {reason}" if reason else ""
    if isinstance(exc, openai.RateLimitError):
        return f"the LLM at {where} kept answering 429 Too Many Requests ({tries} tries){said}"
    if isinstance(exc, openai.AuthenticationError):
        return f"the LLM at {where} rejected the API key (401){said}"
    if isinstance(exc, openai.NotFoundError):
        return _not_found(exc, settings, where, reason)
    if isinstance(exc, openai.APIStatusError):
        return f"the LLM at {where} answered HTTP {exc.status_code}{said}"
    if isinstance(exc, openai.APIConnectionError):
        return f"cannot connect to the LLM at {where}"
    text = str(exc).strip().splitlines()
    return f"LLM call failed: {type(exc).__name__}: {text[0] if text else ''}"


def check_retry_after(exc: BaseException, settings: Settings) -> None:
    """Refuse to wait when the server asks for longer than ``llm.max_retry_after``."""
    wait = retry_after(exc)
    limit = settings.llm.max_retry_after
    if wait is not None and wait > limit:
        where = settings.llm.base_url or "api.openai.com"
        status = getattr(exc, "status_code", "")
        raise RetryAfterTooLong(
            f"the LLM at {where} answered {status} and asked to retry after {wait:g}s, more than "
            f"QA_LLM_MAX_RETRY_AFTER={limit:g}s; try again later or raise the limit"
        ) from None


def _not_found(exc: BaseException, settings: Settings, where: str, reason: str) -> str:
    """A 404 about the model says so; any other 404 is the endpoint missing (a base URL
    without ``/v1`` is the usual cause)."""
    request = getattr(getattr(exc, "response", None), "request", None)
    model = settings.llm.model
    try:
        model = json.loads(request.content).get("model") or model
    except Exception:  # noqa: BLE001 - no readable request body: the configured model it is
        pass
    said = f": {reason}" if reason else ""
    if model in reason or "model" in reason.lower():
        return f"the LLM at {where} has no model {model!r} (404){said}"
    path = request.url.path if request is not None else "the endpoint"
    hint = ""
    if not (settings.llm.base_url or "/v1").rstrip("/").endswith("/v1"):
        hint = "; check that QA_LLM_BASE_URL ends in /v1 (e.g. http://host:8000/v1)"
    return f"the LLM at {where} answered 404 Not Found for {path}{said}{hint}"


def check_api_key(settings: Settings) -> None:
    """An API key HTTP headers cannot carry (a pasted line break, non-ASCII letters) fails here,
    named, instead of as "cannot connect" or a ``UnicodeEncodeError`` on the first request."""
    key = settings.llm.api_key or ""
    bad = [c for c in key if not (" " <= c <= "~" or c == "\t")]
    if not bad:
        return
    what = "a line break" if any(c in "\r\n" for c in bad) else (
        "non-ASCII characters" if any(ord(c) > 127 for c in bad) else "control characters")
    raise LLMError(
        f"the LLM API key (QA_LLM_API_KEY / OPENAI_API_KEY) has {what}, which HTTP headers cannot "
        "carry; check the key for a stray newline or a copy-paste error"
    )


def check_reply(response) -> None:
    """httpx response hook: a 200 from the chat endpoint that is not an OpenAI chat completion
    (an HTML page, invalid JSON, no ``choices``) raises ``BadReply`` naming what came back."""
    if response.status_code != 200 or not response.request.url.path.endswith("/chat/completions"):
        return
    kind = response.headers.get("content-type", "")
    if "event-stream" in kind:
        return
    response.read()
    try:
        data = json.loads(response.content)
    except ValueError:
        text = response.content.decode("utf-8", "replace")
        raise BadReply(
            f"answered 200 with a body that is not JSON ({kind or 'no Content-Type'}: "
            f"{clip(text, 80) or 'empty'}); is QA_LLM_BASE_URL its OpenAI-compatible API address?"
        ) from None
    if not isinstance(data, dict) or not data.get("choices"):
        what = "no reply object" if not isinstance(data, dict) else "no 'choices'"
        if isinstance(data, dict) and isinstance(data.get("choices"), list):
            what = "an empty 'choices' list"
        raise BadReply(f"answered 200 with {what}: no chat completion to read")
