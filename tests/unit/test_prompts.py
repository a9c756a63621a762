"""The prompt registry: package data, exactly the registered variables, checked renders."""

import pytest

from qa.errors import QAError
from qa.llm.prompts import PROMPTS, get_prompt


@pytest.fixture(autouse=True)
def _fresh_cache():
    get_prompt.cache_clear()
    yield
    get_prompt.cache_clear()


@pytest.mark.parametrize("name", sorted(PROMPTS))
def test_every_registered_prompt_renders_with_its_variables(name):
    prompt = get_prompt(name)
    values = {v: f"<{v} value {{not a field}}>" for v in PROMPTS[name]}
    system, user = prompt.render(**values)
    for v in PROMPTS[name]:
        assert f"<{v} value {{not a field}}>" in system + user  # inserted once, never re-parsed
    assert "{" not in (system + user).replace("{not a field}", "").replace("{{", "")


def test_every_shipped_prompt_file_is_registered():
    from importlib import resources

    shipped = {p.name.removesuffix(".md") for p in resources.files("qa.llm").joinpath("prompts").iterdir() if p.name.endswith(".md")}
    assert shipped == set(PROMPTS)


def test_rendering_with_wrong_variables_is_refused():
    prompt = get_prompt("answer")
    with pytest.raises(QAError, match="needs"):
        prompt.render(question="q", sources="s")
    with pytest.raises(QAError, match="needs"):
        prompt.render(question="q", sources="s", sentinel="x", extra="y")


def test_edited_copies_are_checked(tmp_path, monkeypatch):
    monkeypatch.setenv("QA_PROMPTS_DIR", str(tmp_path))
    (tmp_path / "answer.md").write_text("About {question}.\n=== user ===\n{sources}\n", encoding="utf-8")
    with pytest.raises(QAError, match=r"missing variables \['sentinel'\]"):
        get_prompt("answer")
    (tmp_path / "answer.md").write_text("no separator {question} {sources} {sentinel}", encoding="utf-8")
    get_prompt.cache_clear()
    with pytest.raises(QAError, match="=== user ==="):
        get_prompt("answer")
    with pytest.raises(QAError, match="prompt file missing"):
        get_prompt("events")
    with pytest.raises(QAError, match="unknown prompt"):
        get_prompt("nope")


def test_fake_server_tells_prompts_apart_by_name():
    from tests.fake_openai import prompt_name_of

    for name in PROMPTS:
        system, _ = get_prompt(name).render(**{v: "x" for v in PROMPTS[name]})
        assert prompt_name_of(system) == name
    assert prompt_name_of("You are a helpful assistant.") is None
