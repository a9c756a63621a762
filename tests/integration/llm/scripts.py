"""One scripted model for every server profile: it answers each registered prompt from what it
was sent (sources, sentences, notes), so the same script serves OpenAI, vLLM, Ollama and
llama.cpp profiles; structured answers are ``Reply(data=...)`` and each profile renders them
its own way (tool call, JSON content, fenced JSON, prose around JSON)."""

from __future__ import annotations

import re

from tests.fake_openai import Reply


def source_number(user: str, needle: str) -> int:
    """The [n] of the <source> block whose text contains ``needle``."""
    for m in re.finditer(r'<source id="(\d+)"[^>]*>\n(.*?)\n</source>', user, re.S):
        if needle in m.group(2):
            return int(m.group(1))
    raise AssertionError(f"{needle!r} is in no source of the prompt")


def sentence_number(user: str, needle: str) -> int:
    for line in user.splitlines():
        m = re.match(r"\[(\d+)\] (.*)", line)
        if m and needle in m.group(2):
            return int(m.group(1))
    return 999


def events_of(user: str) -> list[dict]:
    if "Vostok" in user:
        return [{"kind": "exercise", "name": "Vostok", "participants": ["China", "Russia"], "host": "Russia",
                 "location": None, "start": "August 30", "end": "September 5",
                 "summary": "China joins Russia's Vostok exercise.", "evidence": [sentence_number(user, "Vostok")]}]
    if "Brest" in user:
        return [{"kind": "exercise", "name": "China–Belarus joint exercise", "participants": ["Chinese", "Belarus"],
                 "host": "Belarus", "location": "Brest", "summary": "Joint drills near Brest.",
                 "evidence": [sentence_number(user, "near Brest")]}]
    return []


def model(request) -> Reply:
    """A well-behaved model: cited answers, grounded records, cited notes and briefing."""
    user = request.message("user")
    name = request.prompt_name
    if name == "answer":
        return Reply(f"The joint exercise lasts 11 days [{source_number(user, '11-day')}].")
    if name == "events":
        return Reply(data={"events": events_of(user)})
    if name == "brief_map":
        nums = sorted({int(n) for n in re.findall(r'<source id="(\d+)"', user)})
        return Reply("\n".join(f"- Passage {n} reports on exercises and alliances [{n}]." for n in nums))
    if name == "brief_reduce":
        nums = sorted({int(n) for n in re.findall(r"\[(\d+)\]", user)}) or [1]
        return Reply(f"## Key points\n- Exercises and alliances are reported [{nums[0]}].\n"
                     f"## Exercises\n- Chinese troops landed for drills [{nums[-1]}].\n")
    return Reply(status=400, error_message=f"unexpected prompt {name}")
