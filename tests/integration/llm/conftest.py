"""The scripted OpenAI-compatible server most LLM tests talk to, over real HTTP, with
``QA_LLM_BASE_URL`` pointing at it and the seed index as the default index."""

from __future__ import annotations

import pytest

from tests.fake_openai import FakeOpenAI


@pytest.fixture
def server(seed_settings, monkeypatch):
    with FakeOpenAI() as srv:
        monkeypatch.setenv("QA_LLM_BASE_URL", srv.base_url)
        yield srv
