"""Structured output that degrades instead of aborting.

Servers differ: OpenAI does everything; vLLM honours ``response_format`` json_schema; Ollama
may ignore ``tool_choice`` and answer a tool request in prose; a llama.cpp server without
``--jinja`` rejects ``tools`` with a 400. So a structured call tries, strongest first:

1. ``tools``: tool calling with the schema as the one forced tool;
2. ``json_schema``: ``response_format`` with the JSON schema;
3. ``json_object``: JSON mode, the schema given in the prompt;
4. ``prompted``: a plain reply asked to be JSON, the schema in the prompt.

Whatever the method, a reply is accepted when its tool arguments or its text (Markdown fence and
prose around the object stripped) validate against the pydantic schema. A method the server
rejects (HTTP 400) or does not honour (no usable reply) is remembered for the rest of the run and
not tried again; the last method gets one repair attempt with the validation error. A reply that
still cannot be used is an ``UnusableReply``: the caller loses that one item, not the run.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any, TypeVar

from qa.errors import LLMError
from qa.text.controls import drop_unprintable

if TYPE_CHECKING:
    from pydantic import BaseModel

T_Model = TypeVar("T_Model", bound="BaseModel")

METHODS = ("tools", "json_schema", "json_object", "prompted")

_FENCE_RE = re.compile(r"```(?:json|JSON)?\s*\n?(.*?)```", re.S)
_SCHEMA_NOTE = (
    "\n\nReply with one JSON object and nothing else (no prose, no Markdown fence). "
    "It must match this JSON Schema:\n{schema}"
)
_REPAIR = (
    "Your reply could not be used: {error}. Reply again with only the corrected JSON object, "
    "matching the JSON Schema given above."
)


class UnusableReply(LLMError):
    """The server answered, but no method gave a reply that fits the schema."""


class MethodRejected(Exception):
    """The server refused a structured-output method (HTTP 400): do not try it again this run."""

    def __init__(self, method: str, reason: str) -> None:
        super().__init__(f"{method}: {reason}")
        self.method = method
        self.reason = reason


def schema_note(schema: type[BaseModel]) -> str:
    """What the prompt says about the JSON shape when the server cannot be told directly."""
    return _SCHEMA_NOTE.format(schema=json.dumps(schema.model_json_schema(), separators=(",", ":")))


def repair_message(error: str) -> str:
    return _REPAIR.format(error=error)


def response_format(method: str, schema: type[BaseModel]) -> dict[str, Any] | None:
    """The ``response_format`` request field for ``method`` (None: not sent)."""
    if method == "json_schema":
        return {
            "type": "json_schema",
            "json_schema": {"name": schema.__name__, "schema": schema.model_json_schema(), "strict": False},
        }
    if method == "json_object":
        return {"type": "json_object"}
    return None


def json_candidates(text: str) -> list[str]:
    """Pieces of ``text`` that may be the JSON object: fenced blocks first, then the whole text,
    then the outermost ``{...}`` (prose around it dropped)."""
    out = [m.group(1).strip() for m in _FENCE_RE.finditer(text)]
    out.append(text.strip())
    first, last = text.find("{"), text.rfind("}")
    if 0 <= first < last:
        out.append(text[first : last + 1])
    return [c for c in dict.fromkeys(out) if c]


def parse_reply(text: str, schema: type[T_Model]) -> T_Model:
    """The schema object in ``text``; raises ``ValueError`` with a short reason when there is none."""
    from pydantic import ValidationError

    text = drop_unprintable(text)
    if not text or not text.strip():
        raise ValueError("the reply was empty")
    error = "no JSON object in the reply"
    for candidate in json_candidates(text):
        if not candidate.startswith(("{", "[")):
            continue  # prose: not worth a JSON error message
        try:
            data = json.loads(candidate)
        except json.JSONDecodeError as exc:
            error = f"invalid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
            continue
        try:
            return validate(data, schema)
        except ValidationError as exc:
            error = _validation_error(exc)
    raise ValueError(error)


def validate(data: Any, schema: type[T_Model]) -> T_Model:
    """``data`` as ``schema``; a bare list is taken as the schema's one list field (small models
    often answer ``[...]`` for ``{"events": [...]}``)."""
    data = clean_data(data)
    if isinstance(data, list):
        lists = [name for name, f in schema.model_fields.items() if "list" in str(f.annotation).lower()]
        if len(lists) == 1:
            data = {lists[0]: data}
    return schema.model_validate(data)


def _validation_error(exc) -> str:
    first = exc.errors()[0] if exc.errors() else {}
    where = ".".join(str(x) for x in first.get("loc", ())) or "reply"
    return f"does not match the schema ({where}: {first.get('msg', 'invalid')})"


def from_tool_call(message: Any, schema: type[T_Model]) -> T_Model:
    """The schema object from a tool call in ``message``, else from its text (a server that
    answered the tool request in prose or fenced JSON)."""
    from pydantic import ValidationError

    for call in getattr(message, "tool_calls", None) or []:
        try:
            return validate(call.get("args") or {}, schema)
        except ValidationError as exc:
            raise ValueError(_validation_error(exc)) from None
    for call in getattr(message, "invalid_tool_calls", None) or []:  # arguments that were not JSON
        return parse_reply(call.get("args") or "", schema)
    return parse_reply(reply_text(message), schema)


def reply_text(message: Any) -> str:
    """The text of a LangChain message (content parts joined), cleaned (``qa.text.controls.drop_unprintable``)."""
    content = getattr(message, "content", "")
    if isinstance(content, list):
        content = "".join(p.get("text", "") if isinstance(p, dict) else str(p) for p in content)
    return drop_unprintable(content or "")


def clean_data(data: Any) -> Any:
    """``qa.text.controls.drop_unprintable`` on every string in parsed JSON (keys and values)."""
    if isinstance(data, str):
        return drop_unprintable(data)
    if isinstance(data, list):
        return [clean_data(v) for v in data]
    if isinstance(data, dict):
        return {clean_data(k): clean_data(v) for k, v in data.items()}
    return data
