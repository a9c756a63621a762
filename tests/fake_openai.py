"""A tiny OpenAI-compatible chat server for tests: scripted replies over real HTTP.

The product talks to it through the real ``openai`` client (via langchain-openai), so the
whole HTTP path is exercised; only the model's replies are scripted.

    with FakeOpenAI() as server:
        server.push(Reply("Eleven days [1]."))          # plain or streamed, as the client asks
        server.push(Reply(status=429), Reply("ok [1]"))   # a 429, then a success
        server.push(Reply("late", delay=5))               # a timeout when llm_timeout < 5
        server.push(Reply(tool_calls=[{"name": "Briefing", "arguments": {...}}]))
        settings = load_settings(llm_base_url=server.base_url, llm_api_key="test")
        ...
        server.requests[-1].messages   # what the model was sent

Replies are served in order; a reply may also be a callable ``(Request) -> Reply`` to answer from
the prompt (``request.prompt_name`` says which registered prompt it is: "answer", "events", ...). With the queue empty the server answers 400 (not retried) so a missing script fails
loudly instead of hanging. Served: ``POST /v1/chat/completions`` (JSON and SSE streaming,
content and tool calls), ``POST /v1/embeddings`` (deterministic hashed bag-of-words vectors,
float or base64) and ``GET /v1/models``.

Every chat and embeddings request is checked against the OpenAI request shape first (roles,
content, tools and tool_choice, response_format, stream_options, known fields): a malformed one
is answered 400 with the reason, recorded in ``server.rejected``, and consumes no scripted reply.

A ``profile`` plays a real server's quirks (``PROFILES``): "openai" honours everything; "vllm"
refuses tools without its tool-parser flags but honours json_schema; "ollama" ignores
``tool_choice`` and answers a tool request in prose around fenced JSON, and sends no usage in
streams; "llamacpp" refuses tools and ``response_format`` with a 400 and fences its JSON. A
``Reply(data={...})`` is a structured answer rendered the way the profile would for that request
(tool call, JSON content, or prose). ``Reply(cut_after=n)`` ends the reply after ``n`` stream
events (or half the body) and closes the connection: a reply cut off mid-way.
``Reply(drip=s)`` trickles: ``s`` seconds before each stream event, or before each byte of a plain
reply; ``server.embedding_drip = s`` does the same to every embeddings reply. ``Reply(body=b"...", content_type=...)`` answers 200 with exactly those bytes (an HTML page,
broken JSON, a completion without choices).
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.openai_shapes import (
    EMBEDDING_DIM,
    check_chat_request,
    check_embeddings_request,
    embedding_answer,
    fake_vector,
)

__all__ = ["EMBEDDING_DIM", "PROFILES", "FakeOpenAI", "Profile", "Reply", "Request", "check_chat_request", "fake_vector"]


@dataclass
class Reply:
    """One scripted answer of the fake server.

    ``content``: the assistant's text. ``tool_calls``: ``[{"name": ..., "arguments": dict | str}]``
    (a dict is JSON-encoded), as ``with_structured_output(method="function_calling")`` expects.
    ``status``: an HTTP status other than 200 answers an OpenAI-style error body (429, 500, ...).
    ``delay``: seconds to wait before answering (a timeout when longer than the client's).
    ``chunks``: how a streamed reply is split (default: word by word). ``stall_after``: when
    streaming, stop after this many chunks and wait ``delay`` seconds (a stream that hangs).
    """

    content: str | None = None
    tool_calls: list[dict[str, Any]] | None = None
    status: int = 200
    delay: float = 0.0
    chunks: list[str] | None = None
    finish_reason: str | None = None
    error_message: str = "scripted error"
    headers: dict[str, str] = field(default_factory=dict)
    stall_after: int | None = None
    data: Any = None
    cut_after: int | None = None
    drip: float = 0.0
    body: bytes | None = None
    content_type: str = "application/json"


@dataclass(frozen=True)
class Profile:
    """How a server treats structured-output requests and streams."""

    name: str
    refuse_tools: str | None = None  # a 400 with this reason when the request has tools
    refuse_formats: frozenset[str] = frozenset()  # response_format types answered 400
    tools_in_prose: bool = False  # tool_choice ignored: a tool request is answered in text
    fence_json: bool = False  # JSON content wrapped in a ```json fence
    stream_usage: bool = True  # usage chunk at the end of a stream when include_usage is asked


PROFILES: dict[str, Profile] = {
    "openai": Profile("openai"),
    "vllm": Profile(
        "vllm",
        refuse_tools='"auto" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set',
    ),
    "ollama": Profile("ollama", tools_in_prose=True, stream_usage=False),
    "llamacpp": Profile(
        "llamacpp",
        refuse_tools="tools param requires --jinja flag",
        refuse_formats=frozenset({"json_schema", "json_object"}),
        fence_json=True,
        stream_usage=False,
    ),
}


@dataclass
class Request:
    """One request the server received (recorded before it is answered)."""

    method: str
    path: str
    headers: dict[str, str]
    body: dict[str, Any]

    @property
    def messages(self) -> list[dict[str, Any]]:
        return self.body.get("messages", [])

    @property
    def stream(self) -> bool:
        return bool(self.body.get("stream"))

    @property
    def prompt_name(self) -> str | None:
        """Which registered prompt (``qa.llm.prompts.PROMPTS``) the request was rendered from, so a
        script can route on the prompt's name instead of on its wording."""
        return prompt_name_of(self.message("system"))

    def message(self, role: str) -> str:
        """The text of the first message with ``role`` ("system", "user", ...)."""
        for m in self.messages:
            if m.get("role") == role:
                return _text_of(m.get("content"))
        return ""


def prompt_name_of(system: str) -> str | None:
    """The registered prompt whose system part, variables cut out, makes up ``system``."""
    import string

    from qa.llm.prompts import PROMPTS, get_prompt

    folded = " ".join(system.split())
    for name in PROMPTS:
        fixed = [" ".join(lit.split()) for lit, *_ in string.Formatter().parse(get_prompt(name).system)]
        if all(piece in folded for piece in fixed if piece):
            return name
    return None


def _text_of(content: Any) -> str:
    if isinstance(content, list):  # content parts
        return "".join(p.get("text", "") for p in content if isinstance(p, dict))
    return content or ""


ReplySource = Reply | Callable[[Request], Reply]


class FakeOpenAI:
    """A ``ThreadingHTTPServer`` on 127.0.0.1 (free port) in a daemon thread."""

    def __init__(self, model: str = "fake-model", profile: str | Profile = "openai", *, stream_usage: bool | None = None) -> None:
        self.model = model
        self.profile = PROFILES[profile] if isinstance(profile, str) else profile
        if stream_usage is not None:
            self.profile = Profile(**{**self.profile.__dict__, "stream_usage": stream_usage})
        self.replies: deque[ReplySource] = deque()
        self.requests: list[Request] = []
        self.rejected: list[tuple[Request, str]] = []  # (request, reason) answered 400 before any script
        self.embedding_drip = 0.0  # > 0: embeddings replies trickle, one byte every so many seconds
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> FakeOpenAI:
        handler = _make_handler(self)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-openai", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server is not None, "server not started"
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        """What ``OPENAI_BASE_URL`` / ``QA_LLM_BASE_URL`` should be."""
        return f"http://127.0.0.1:{self.port}/v1"

    # ------------------------------------------------------------------ scripting
    def push(self, *replies: ReplySource | str) -> FakeOpenAI:
        """Queue replies; a plain string is ``Reply(content=string)``."""
        with self._lock:
            for r in replies:
                self.replies.append(Reply(content=r) if isinstance(r, str) else r)
        return self

    def clear(self) -> None:
        with self._lock:
            self.replies.clear()
            self.requests.clear()

    @property
    def pending(self) -> int:
        return len(self.replies)

    @property
    def chat_requests(self) -> list[Request]:
        return [r for r in self.requests if r.path.endswith("/chat/completions")]

    @property
    def embedding_requests(self) -> list[Request]:
        return [r for r in self.requests if r.path.endswith("/embeddings")]

    def _reject(self, request: Request, reason: str) -> None:
        with self._lock:
            self.rejected.append((request, reason))

    def _record(self, request: Request) -> None:
        with self._lock:
            self.requests.append(request)

    def _next(self, request: Request) -> Reply | None:
        with self._lock:
            self.requests.append(request)
            source = self.replies.popleft() if self.replies else None
        if source is None:
            return None
        return source(request) if callable(source) else source


def _make_handler(server: FakeOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet
            return

        # -------------------------------------------------------------- routes
        def do_GET(self) -> None:  # noqa: N802
            if self.path.rstrip("/").endswith("/models"):
                self._json(200, {"object": "list", "data": [{"id": server.model, "object": "model", "owned_by": "fake"}]})
            else:
                self._error(404, f"no route {self.path}", "not_found_error")

        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw or b"{}")
            except json.JSONDecodeError:
                self._error(400, "body is not JSON", "invalid_request_error")
                return
            request = Request("POST", self.path, {k.lower(): v for k, v in self.headers.items()}, body)
            route = self.path.split("?", 1)[0].rstrip("/")
            if route == "/v1/embeddings":
                server._record(request)
                self._embeddings(request)
                return
            if route != "/v1/chat/completions":
                server._record(request)
                self._error(404, f"no route {self.path}", "not_found_error")
                return
            problem = check_chat_request(body) or _profile_refusal(server.profile, body)
            if problem:
                server._record(request)
                server._reject(request, problem)
                self._error(400, problem, "invalid_request_error")
                return
            reply = server._next(request)
            if reply is None:
                self._error(400, "fake_openai: no scripted reply left", "invalid_request_error")
                return
            reply = _render(reply, body, server.profile)
            try:
                if reply.delay and reply.stall_after is None:
                    time.sleep(reply.delay)
                if reply.body is not None:
                    self._raw(reply)
                elif reply.drip and not request.stream:
                    self._drip_json(_completion(reply, body, server.model), reply.drip)
                elif reply.status != 200:
                    self._error(reply.status, reply.error_message, _error_type(reply.status), reply.headers)
                elif request.stream:
                    self._stream(reply, body)
                elif reply.cut_after is not None:
                    self._cut_json(_completion(reply, body, server.model))
                else:
                    self._json(200, _completion(reply, body, server.model), reply.headers)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout): nothing to answer

        def _embeddings(self, request: Request) -> None:
            problem = check_embeddings_request(request.body)
            if problem:
                server._reject(request, problem)
                self._error(400, problem, "invalid_request_error")
                return
            try:
                if server.embedding_drip:
                    self._drip_json(embedding_answer(request.body, server.model), server.embedding_drip)
                else:
                    self._json(200, embedding_answer(request.body, server.model))
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (its deadline)

        # -------------------------------------------------------------- writers
        def _raw(self, reply: Reply) -> None:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body or b"")))
            self.end_headers()
            self.wfile.write(reply.body or b"")
            self.wfile.flush()

        def _drip_json(self, data: dict, pause: float) -> None:
            """The whole body promised at once, then sent one byte every ``pause`` seconds."""
            payload = json.dumps(data).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.flush()
            for i in range(len(payload)):
                time.sleep(pause)
                self.wfile.write(payload[i : i + 1])
                self.wfile.flush()

        def _cut_json(self, data: dict) -> None:
            """Promise the whole body, send half of it, hang up."""
            payload = json.dumps(data).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload[: len(payload) // 2])
            self.wfile.flush()
            self.close_connection = True

        def _json(self, status: int, data: dict, headers: dict[str, str] | None = None) -> None:
            payload = json.dumps(data).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(payload)
            self.wfile.flush()

        def _error(self, status: int, message: str, kind: str, headers: dict[str, str] | None = None) -> None:
            self._json(status, {"error": {"message": message, "type": kind, "param": None, "code": None}}, headers)

        def _stream(self, reply: Reply, body: dict) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.send_header("Connection", "close")
            for k, v in reply.headers.items():
                self.send_header(k, v)
            self.end_headers()
            self.close_connection = True
            for i, event in enumerate(_stream_events(reply, body, server.model, server.profile.stream_usage)):
                if reply.cut_after is not None and i == reply.cut_after:
                    return  # hang up: no finish reason, no [DONE]
                if reply.stall_after is not None and i == reply.stall_after:
                    time.sleep(reply.delay)
                if reply.drip:
                    time.sleep(reply.drip)
                self.wfile.write(b"data: " + json.dumps(event).encode() + b"\n\n")
                self.wfile.flush()
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()

    return Handler


def _error_type(status: int) -> str:
    return {
        400: "invalid_request_error",
        401: "authentication_error",
        404: "not_found_error",
        429: "rate_limit_error",
    }.get(status, "server_error")


def _tool_calls(reply: Reply) -> list[dict]:
    out = []
    for i, call in enumerate(reply.tool_calls or []):
        args = call.get("arguments", {})
        out.append(
            {
                "index": i,
                "id": call.get("id") or f"call_{uuid.uuid4().hex[:12]}",
                "type": "function",
                "function": {
                    "name": call["name"],
                    "arguments": args if isinstance(args, str) else json.dumps(args),
                },
            }
        )
    return out


def _usage(reply: Reply, body: dict) -> dict:
    prompt = sum(len(_text_of(m.get("content")).split()) for m in body.get("messages", []))
    completion = len((reply.content or "").split())
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def _finish(reply: Reply) -> str:
    return reply.finish_reason or ("tool_calls" if reply.tool_calls else "stop")


def _completion(reply: Reply, body: dict, model: str) -> dict:
    message: dict[str, Any] = {"role": "assistant", "content": reply.content}
    calls = _tool_calls(reply)
    if calls:
        message["tool_calls"] = [{k: v for k, v in c.items() if k != "index"} for c in calls]
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex[:16]}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model") or model,
        "choices": [{"index": 0, "message": message, "finish_reason": _finish(reply), "logprobs": None}],
        "usage": _usage(reply, body),
    }


def _split(text: str) -> list[str]:
    """Word-by-word pieces that join back to ``text`` exactly."""
    pieces, current = [], ""
    for ch in text:
        current += ch
        if ch == " ":
            pieces.append(current)
            current = ""
    if current:
        pieces.append(current)
    return pieces


def _stream_events(reply: Reply, body: dict, model: str, usage: bool = True) -> list[dict]:
    cid = f"chatcmpl-{uuid.uuid4().hex[:16]}"
    created = int(time.time())
    name = body.get("model") or model

    def chunk(delta: dict, finish: str | None = None) -> dict:
        return {
            "id": cid,
            "object": "chat.completion.chunk",
            "created": created,
            "model": name,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}],
        }

    events = [chunk({"role": "assistant", "content": ""})]
    if reply.content:
        for piece in reply.chunks if reply.chunks is not None else _split(reply.content):
            events.append(chunk({"content": piece}))
    for call in _tool_calls(reply):
        events.append(
            chunk(
                {
                    "tool_calls": [
                        {
                            "index": call["index"],
                            "id": call["id"],
                            "type": "function",
                            "function": {"name": call["function"]["name"], "arguments": call["function"]["arguments"]},
                        }
                    ]
                }
            )
        )
    events.append(chunk({}, _finish(reply)))
    if usage and (body.get("stream_options") or {}).get("include_usage"):
        events.append({"id": cid, "object": "chat.completion.chunk", "created": created, "model": name, "choices": [], "usage": _usage(reply, body)})
    return events


# ---------------------------------------------------------------------- profiles
def _profile_refusal(profile: Profile, body: dict) -> str | None:
    if body.get("tools") and profile.refuse_tools:
        return profile.refuse_tools
    kind = (body.get("response_format") or {}).get("type")
    if kind in profile.refuse_formats:
        return f"response_format type {kind!r} is not supported by this server"
    return None


def _render(reply: Reply, body: dict, profile: Profile) -> Reply:
    """A ``Reply(data=...)`` as this server would send it for this request."""
    if reply.data is None:
        return reply
    text = json.dumps(reply.data)
    tools = body.get("tools") or []
    if tools and not profile.tools_in_prose:
        choice = body.get("tool_choice")
        name = choice["function"]["name"] if isinstance(choice, dict) else tools[0]["function"]["name"]
        return Reply(tool_calls=[{"name": name, "arguments": reply.data}], delay=reply.delay, cut_after=reply.cut_after)
    if tools:  # tool_choice ignored: the model talks about the tool's arguments instead
        content = f"Sure! Here is the result:\n\n```json\n{text}\n```\n\nLet me know if you need more."
    elif profile.fence_json:
        content = f"```json\n{text}\n```"
    else:
        content = text
    return Reply(content=content, delay=reply.delay, cut_after=reply.cut_after)
