"""Prompt files: present, split into system and user parts, with exactly the variables the code fills."""

import pytest

from qa.errors import QAError
from qa.llm.prompts import load_prompt, prompts_dir


def test_every_prompt_file_parses():
    files = sorted(prompts_dir().glob("*.md"))
    assert files, "no prompt files"
    for f in files:
        text = f.read_text(encoding="utf-8")
        assert "=== user ===" in text, f.name


def test_variables_are_checked(tmp_path, monkeypatch):
    (tmp_path / "demo.md").write_text("System about {topic}.\n=== user ===\nQ: {question}\n", encoding="utf-8")
    monkeypatch.setenv("QA_PROMPTS_DIR", str(tmp_path))
    load_prompt.cache_clear()
    p = load_prompt("demo", frozenset({"topic", "question"}))
    assert p.render(topic="drills", question="{evil}") == ("System about drills.", "Q: {evil}")
    with pytest.raises(QAError, match="missing variables \\['sources'\\]"):
        load_prompt("demo", frozenset({"topic", "question", "sources"}))
    with pytest.raises(QAError, match="prompt file missing"):
        load_prompt("nope", frozenset())
    load_prompt.cache_clear()
