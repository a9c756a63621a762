"""Reading a structured reply out of whatever a server sent: tool arguments, bare JSON, fenced
JSON, JSON inside prose, a bare list for a one-list schema; and the reason when there is none."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from pydantic import BaseModel

from qa.llm.structured import (
    from_tool_call,
    json_candidates,
    parse_reply,
    response_format,
    schema_note,
)


class Item(BaseModel):
    name: str
    days: int | None = None


class Items(BaseModel):
    items: list[Item] = []


@pytest.mark.parametrize(
    "text",
    [
        '{"items": [{"name": "Northern Lantern", "days": 5}]}',
        '```json\n{"items": [{"name": "Northern Lantern", "days": 5}]}\n```',
        'Sure! Here it is:\n```\n{"items": [{"name": "Northern Lantern", "days": 5}]}\n```\nAnything else?',
        'The result is {"items": [{"name": "Northern Lantern", "days": 5}]} as asked.',
        '[{"name": "Northern Lantern", "days": 5}]',
    ],
)
def test_the_object_is_found_in_any_wrapping(text):
    assert parse_reply(text, Items) == Items(items=[Item(name="Northern Lantern", days=5)])


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "the reply was empty"),
        ("I could not find any exercise.", "no JSON object"),
        ('{"items": [{"name": "X", "days": "many"}]}', "does not match the schema (items.0.days"),
        ('{"items": [', "invalid JSON"),
        ('```json\n{"items": [}\n```', "invalid JSON"),
    ],
)
def test_no_usable_object_says_why(text, reason):
    with pytest.raises(ValueError, match=reason.replace("(", r"\(").replace(".", r"\.")):
        parse_reply(text, Items)


def test_tool_arguments_win_and_prose_is_the_fallback():
    call = SimpleNamespace(tool_calls=[{"name": "Items", "args": {"items": [{"name": "A"}]}}], content="")
    assert from_tool_call(call, Items).items[0].name == "A"
    prose = SimpleNamespace(tool_calls=[], content='Here:\n```json\n{"items": []}\n```')
    assert from_tool_call(prose, Items) == Items()
    broken = SimpleNamespace(tool_calls=[], invalid_tool_calls=[{"args": '{"items": [{"name": "B"}]}'}], content="")
    assert from_tool_call(broken, Items).items[0].name == "B"


def test_request_fields_per_method():
    assert response_format("tools", Items) is None and response_format("prompted", Items) is None
    assert response_format("json_object", Items) == {"type": "json_object"}
    spec = response_format("json_schema", Items)["json_schema"]
    assert spec["name"] == "Items" and spec["schema"]["properties"]["items"]
    assert "JSON" in schema_note(Items) and '"items"' in schema_note(Items)


def test_candidates_keep_fences_first_and_drop_duplicates():
    assert json_candidates('```json\n{"a": 1}\n```') == ['{"a": 1}', '```json\n{"a": 1}\n```']
