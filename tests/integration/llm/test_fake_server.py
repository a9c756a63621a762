"""The scripted server is strict: requests that break the OpenAI request shape get a 400 with the
reason (as the real API answers) and consume no scripted reply; profiles refuse what their real
servers refuse; /v1/embeddings answers floats or base64 in input order."""

from __future__ import annotations

import openai
import pytest

from tests.fake_openai import FakeOpenAI, Reply

OK = [{"role": "system", "content": "Answer in JSON."}, {"role": "user", "content": "hi"}]
TOOL = {"type": "function", "function": {"name": "Record", "parameters": {"type": "object", "properties": {}}}}


@pytest.fixture
def server():
    with FakeOpenAI() as srv:
        yield srv


def _client(srv) -> openai.OpenAI:
    return openai.OpenAI(base_url=srv.base_url, api_key="test", max_retries=0)


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"messages": []}, "'messages' must be a non-empty array"),
        ({"messages": [{"role": "wizard", "content": "x"}]}, "messages[0].role"),
        ({"messages": [{"role": "user", "content": 7}]}, "messages[0].content"),
        ({"messages": [{"role": "user", "content": [{"type": "text"}]}]}, "content[0].text"),
        ({"tool_choice": "auto"}, "only allowed when 'tools'"),
        ({"tools": [{"type": "function", "function": {"name": "has space"}}]}, "function.name"),
        ({"tools": [TOOL], "tool_choice": {"type": "function", "function": {"name": "Other"}}}, "not in 'tools'"),
        ({"response_format": {"type": "yaml"}}, "response_format.type"),
        ({"response_format": {"type": "json_schema", "json_schema": {"schema": {}}}}, "json_schema.name"),
        ({"messages": [{"role": "user", "content": "hi"}], "response_format": {"type": "json_object"}}, "must contain the word 'json'"),
        ({"stream_options": {"include_usage": True}}, "only allowed when 'stream' is true"),
        ({"temperature": 3}, "temperature"),
    ],
)
def test_malformed_chat_requests_are_refused(server, fields, reason):
    server.push("never served")
    body = {"model": "m", "messages": OK, **fields}
    with pytest.raises(openai.BadRequestError) as err:
        _client(server).chat.completions.create(**body)
    assert reason in err.value.body["message"]
    assert server.pending == 1 and server.rejected[-1][1] == err.value.body["message"]


def test_unknown_fields_are_refused(server):
    with pytest.raises(openai.BadRequestError, match="Unrecognized request argument supplied: wizardry"):
        _client(server).chat.completions.create(model="m", messages=OK, extra_body={"wizardry": 1})


def test_a_well_formed_request_is_served(server):
    server.push(Reply(data={"a": 1}))
    reply = _client(server).chat.completions.create(model="m", messages=OK, tools=[TOOL], tool_choice="required")
    assert reply.choices[0].message.tool_calls[0].function.name == "Record" and server.rejected == []


@pytest.mark.parametrize(("profile", "tools", "fmt"), [("vllm", 400, 200), ("llamacpp", 400, 400), ("ollama", 200, 200), ("openai", 200, 200)])
def test_profiles_refuse_what_their_servers_refuse(profile, tools, fmt):
    with FakeOpenAI(profile=profile) as srv:
        srv.push(Reply(data={"a": 1}), Reply(data={"a": 1}))
        client = _client(srv)
        for status, kwargs in ((tools, {"tools": [TOOL], "tool_choice": "required"}), (fmt, {"response_format": {"type": "json_object"}})):
            try:
                reply = client.chat.completions.create(model="m", messages=OK, **kwargs)
            except openai.BadRequestError:
                assert status == 400
                continue
            assert status == 200
            message = reply.choices[0].message
            if profile == "ollama" and "tools" in kwargs:  # tool_choice ignored: prose around fenced JSON
                assert message.tool_calls is None and '```json\n{"a": 1}\n```' in message.content


def test_embeddings_in_order_float_and_base64(server):
    client = _client(server)
    floats = client.embeddings.create(model="e", input=["a b", "c"], encoding_format="float")
    default = client.embeddings.create(model="e", input=["a b", "c"])  # the client asks for base64
    assert [d.index for d in sorted(floats.data, key=lambda d: d.index)] == [0, 1]
    by_index = {d.index: d.embedding for d in default.data}
    assert all(abs(x - y) < 1e-5 for d in floats.data for x, y in zip(d.embedding, by_index[d.index], strict=True))
    with pytest.raises(openai.BadRequestError, match="'input' must be"):
        client.embeddings.create(model="e", input=[])
