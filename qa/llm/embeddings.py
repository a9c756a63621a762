"""The client of an OpenAI-compatible ``/v1/embeddings`` endpoint (``embedding_backend=openai``).

Only the HTTP side lives here, because only ``qa.llm`` may import ``openai``; the embedder the
pipeline uses (normalised float32 rows, the model's input limit) is
``qa.storage.embedders.OpenAIEmbedder``, built on this client.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from qa.config import OPENAI_EMBEDDING_MODEL
from qa.errors import QAError
from qa.llm.deadline import Deadline
from qa.llm.failures import check_api_key, describe

if TYPE_CHECKING:
    from qa.config import Settings


class OpenAIEmbeddingClient:
    """Raw embedding vectors from the endpoint the LLM settings name, ``batch_size`` texts a call."""

    def __init__(self, settings: Settings) -> None:
        import openai

        if not (settings.llm.api_key or settings.llm.base_url):
            raise QAError("embedding_backend=openai needs OPENAI_API_KEY or QA_LLM_BASE_URL")
        check_api_key(settings)
        # As for chat: `timeout` bounds each read, the deadline each whole request, so a server
        # trickling its vectors cannot hold an ingest for ever (qa.llm.deadline).
        self.deadline = Deadline(settings.llm.timeout)
        self.client = openai.OpenAI(
            http_client=openai.DefaultHttpxClient(event_hooks=self.deadline.hooks()),
            api_key=settings.llm.api_key or "not-needed",
            base_url=settings.llm.base_url,
            timeout=settings.llm.timeout,
            max_retries=settings.llm.max_retries,
        )
        self.settings = settings
        self.model_name = settings.embedding.model or OPENAI_EMBEDDING_MODEL
        self.batch_size = settings.embedding.batch_size

    def embed(self, texts: list[str]) -> list[list[float]]:
        """One vector per text, in the order of ``texts``."""
        rows: list[list[float]] = []
        for start in range(0, len(texts), self.batch_size):
            try:
                with self.deadline.guard():
                    resp = self.client.embeddings.create(model=self.model_name, input=texts[start : start + self.batch_size])
            except Exception as exc:  # noqa: BLE001 - every client failure becomes one line
                what = describe(exc, self.settings, self.settings.llm.max_retries + 1)
                raise QAError(f"embedding with {self.model_name!r} failed: {what}") from None
            # The API may answer out of order; each item carries the index of its input.
            rows.extend(d.embedding for d in sorted(resp.data, key=lambda d: d.index))
        return rows
