"""What went wrong on the wire, told truthfully, and whether trying again can help.

Every client failure ends as one ``LLMError`` line that names the server and says what it said:
a 400 carries the server's own reason, a reply cut off mid-way is not "cannot connect", and a
``Retry-After`` longer than ``llm.max_retry_after`` is refused at once instead of retried in
half a second.
"""

from __future__ import annotations

import email.utils
import time
from typing import TYPE_CHECKING

from qa.errors import LLMError
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


def _causes(exc: BaseException):
    seen = 0
    while exc is not None and seen < 8:
        yield exc
        exc = exc.__cause__ or exc.__context__
        seen += 1


def is_cut(exc: BaseException) -> bool:
    """True when ``exc`` (or what caused it) is a connection closed in the middle of a reply."""
    return any(isinstance(e, StreamCut) or type(e).__name__ in _CUT_NAMES for e in _causes(exc))


def retryable(exc: BaseException) -> bool:
    """Timeouts, dropped connections, cut replies, 429 and 5xx may succeed on another try."""
    import openai

    if isinstance(exc, RetryAfterTooLong):
        return False
    if is_cut(exc) or isinstance(exc, openai.APITimeoutError | openai.APIConnectionError | openai.RateLimitError):
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
            return max(0.0, float(millis) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value) if value.strip() else None
        return max(0.0, parsed.timestamp() - time.time()) if parsed else None


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
    if is_cut(exc):
        return f"the LLM at {where} cut its reply off mid-way ({tries} tries)"
    if isinstance(exc, openai.APITimeoutError):
        return f"the LLM at {where} timed out after {settings.llm.timeout:g}s ({tries} tries)"
    reason = server_reason(exc)
    said = f": {reason}" if reason else ""
    if isinstance(exc, openai.RateLimitError):
        return f"the LLM at {where} kept answering 429 Too Many Requests ({tries} tries){said}"
    if isinstance(exc, openai.AuthenticationError):
        return f"the LLM at {where} rejected the API key (401){said}"
    if isinstance(exc, openai.NotFoundError):
        return f"the LLM at {where} has no model {settings.llm.model!r} (404){said}"
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
