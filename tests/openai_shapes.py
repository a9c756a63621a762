"""The OpenAI request shapes the scripted server (``tests.fake_openai``) enforces, and its
deterministic embedding vectors.

``check_chat_request`` and ``check_embeddings_request`` return the reason a body breaks the
rules the real API applies (roles, content parts, tools and tool_choice, response_format,
stream_options, known fields), or None.
"""

from __future__ import annotations

import base64
import hashlib
import re
import struct
from typing import Any


def _text_of(content: Any) -> str:
    if isinstance(content, list):
        return "".join(p.get("text", "") for p in content if isinstance(p, dict))
    return content or ""

_CHAT_FIELDS = {
    "model", "messages", "temperature", "top_p", "n", "stream", "stream_options", "stop", "max_tokens",
    "max_completion_tokens", "presence_penalty", "frequency_penalty", "logit_bias", "logprobs",
    "top_logprobs", "user", "tools", "tool_choice", "parallel_tool_calls", "response_format", "seed",
    "service_tier", "store", "metadata", "reasoning_effort", "modalities", "prediction", "audio",
    "web_search_options", "verbosity", "prompt_cache_key", "safety_identifier",
}
_ROLES = {"system", "developer", "user", "assistant", "tool"}
_NAME_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def _content_problem(i: int, message: dict) -> str | None:
    content = message.get("content")
    if content is None:
        if message.get("role") == "assistant" and message.get("tool_calls"):
            return None
        return f"messages[{i}].content is required"
    if isinstance(content, str):
        return None
    if isinstance(content, list) and content:
        for j, part in enumerate(content):
            if not isinstance(part, dict) or part.get("type") not in ("text", "image_url", "input_audio", "file", "refusal"):
                return f"messages[{i}].content[{j}] is not a content part"
            if part["type"] == "text" and not isinstance(part.get("text"), str):
                return f"messages[{i}].content[{j}].text must be a string"
        return None
    return f"messages[{i}].content must be a string or a non-empty list of content parts"


def _tools_problem(body: dict) -> str | None:
    tools = body.get("tools")
    names: set[str] = set()
    if tools is not None:
        if not isinstance(tools, list) or not tools:
            return "'tools' must be a non-empty array"
        for i, tool in enumerate(tools):
            fn = tool.get("function") if isinstance(tool, dict) else None
            if not isinstance(tool, dict) or tool.get("type") != "function" or not isinstance(fn, dict):
                return f"tools[{i}] must be {{'type': 'function', 'function': {{...}}}}"
            if not isinstance(fn.get("name"), str) or not _NAME_RE.match(fn["name"]):
                return f"tools[{i}].function.name must match ^[a-zA-Z0-9_-]{{1,64}}$"
            if "parameters" in fn and not isinstance(fn["parameters"], dict):
                return f"tools[{i}].function.parameters must be a JSON Schema object"
            names.add(fn["name"])
    choice = body.get("tool_choice")
    if choice is None:
        return None
    if tools is None:
        return "'tool_choice' is only allowed when 'tools' are specified"
    if choice in ("none", "auto", "required"):
        return None
    if isinstance(choice, dict) and choice.get("type") == "function" and isinstance(choice.get("function"), dict):
        if choice["function"].get("name") in names:
            return None
        return f"tool_choice names {choice['function'].get('name')!r}, which is not in 'tools'"
    return "'tool_choice' must be 'none', 'auto', 'required' or {'type': 'function', 'function': {'name': ...}}"


def _format_problem(body: dict) -> str | None:
    fmt = body.get("response_format")
    if fmt is None:
        return None
    if not isinstance(fmt, dict) or fmt.get("type") not in ("text", "json_object", "json_schema"):
        return "response_format.type must be one of 'text', 'json_object', 'json_schema'"
    if fmt["type"] == "json_schema":
        spec = fmt.get("json_schema")
        if not isinstance(spec, dict) or not isinstance(spec.get("name"), str) or not _NAME_RE.match(spec["name"]):
            return "response_format.json_schema.name is required and must match ^[a-zA-Z0-9_-]{1,64}$"
        if "schema" in spec and not isinstance(spec["schema"], dict):
            return "response_format.json_schema.schema must be a JSON Schema object"
    if fmt["type"] == "json_object":
        said = " ".join(_text_of(m.get("content")) for m in body.get("messages", []) if isinstance(m, dict))
        if "json" not in said.lower():
            return "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'."
    return None


def check_chat_request(body: Any) -> str | None:
    """Why ``body`` is not a valid chat completions request (OpenAI's rules), or None."""
    if not isinstance(body, dict):
        return "the request body must be a JSON object"
    unknown = sorted(set(body) - _CHAT_FIELDS)
    if unknown:
        return f"Unrecognized request argument supplied: {unknown[0]}"
    if not isinstance(body.get("model"), str) or not body["model"]:
        return "you must provide a model parameter"
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        return "'messages' must be a non-empty array"
    for i, m in enumerate(messages):
        if not isinstance(m, dict) or m.get("role") not in _ROLES:
            return f"messages[{i}].role must be one of {sorted(_ROLES)}"
        if m["role"] == "tool" and not m.get("tool_call_id"):
            return f"messages[{i}]: a tool message needs tool_call_id"
        problem = _content_problem(i, m)
        if problem:
            return problem
    temperature = body.get("temperature")
    if temperature is not None and (not isinstance(temperature, int | float) or not 0 <= temperature <= 2):
        return "temperature must be a number between 0 and 2"
    if "stream" in body and not isinstance(body["stream"], bool):
        return "'stream' must be a boolean"
    if "stream_options" in body and (not body.get("stream") or not isinstance(body["stream_options"], dict)):
        return "'stream_options' is only allowed when 'stream' is true"
    return _tools_problem(body) or _format_problem(body)


def check_embeddings_request(body: Any) -> str | None:
    """Why ``body`` is not a valid embeddings request, or None."""
    if not isinstance(body, dict):
        return "the request body must be a JSON object"
    unknown = sorted(set(body) - {"model", "input", "encoding_format", "dimensions", "user"})
    if unknown:
        return f"Unrecognized request argument supplied: {unknown[0]}"
    if not isinstance(body.get("model"), str) or not body["model"]:
        return "you must provide a model parameter"
    data = body.get("input")
    ok = (isinstance(data, str) and data) or (
        isinstance(data, list) and data and (
            all(isinstance(x, str) and x for x in data)
            or all(isinstance(x, int) for x in data)
            or all(isinstance(x, list) and x and all(isinstance(t, int) for t in x) for x in data)
        )
    )
    if not ok:
        return "'input' must be a non-empty string, array of strings, or array of token arrays"
    if body.get("encoding_format", "float") not in ("float", "base64"):
        return "encoding_format must be 'float' or 'base64'"
    return None



# ---------------------------------------------------------------------- embeddings
EMBEDDING_DIM = 64


def fake_vector(text: str) -> list[float]:
    """A deterministic hashed bag of words: texts sharing words point the same way."""
    vec = [0.0] * EMBEDDING_DIM
    for word in re.findall(r"\w+", text.lower()):
        h = hashlib.md5(word.encode()).digest()
        vec[h[0] % EMBEDDING_DIM] += 1.0 if h[1] % 2 else -1.0
    vec[-1] += 0.01  # never all zero
    return vec


def embedding_answer(body: dict, model: str) -> dict:
    data = body["input"]
    items = [data] if isinstance(data, str) or (data and isinstance(data[0], int)) else data
    texts = [x if isinstance(x, str) else " ".join(f"t{t}" for t in x) for x in items]
    rows = []
    for i, text in enumerate(texts):
        vec = fake_vector(text)
        if body.get("encoding_format") == "base64":
            encoded: Any = base64.b64encode(struct.pack(f"<{len(vec)}f", *vec)).decode()
        else:
            encoded = vec
        rows.append({"object": "embedding", "index": i, "embedding": encoded})
    tokens = sum(len(t.split()) for t in texts)
    return {"object": "list", "data": rows[::-1], "model": body.get("model") or model,
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens}}
