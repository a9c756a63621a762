"""One scripted model for every server profile: it answers each registered prompt from what it
was sent (sources, sentences, notes), so the same script serves OpenAI, vLLM, Ollama and
llama.cpp profiles; structured answers are ``Reply(data=...)`` and each profile renders them
its own way (tool call, JSON content, fenced JSON, prose around JSON)."""

from __future__ import annotations

import re

from tests.fake_openai import Reply


def llm_settings(seed_index, srv, **extra):
    """Settings over the seed index with the scripted server as the LLM."""
    from qa.config import load_settings

    return load_settings(index_dir=seed_index, llm_base_url=srv.base_url, llm_api_key="test", **extra)


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
    if name == "brief_map":  # a note per source: its first sentence, which the claim check can find
        notes = []
        for m in re.finditer(r'<source id="(\d+)"[^>]*>\n(.*?)\n</source>', user, re.S):
            first = re.split(r"(?<=[.”])\s+", " ".join(m.group(2).split()))[0]
            notes.append(f"- {first.rstrip('.')} [{m.group(1)}].")
        return Reply("\n".join(notes))
    if name == "brief_reduce":  # the notes, first as the key point, the rest as exercises
        notes = [ln.strip() for ln in user.splitlines() if re.match(r"\s*- .*\[\d+\]", ln)] or ["- Drills [1]."]
        return Reply("## Key points\n" + notes[0] + "\n## Exercises\n" + "\n".join(notes[1:]) + "\n")
    return Reply(status=400, error_message=f"unexpected prompt {name}")
