"""The chat model behind LLM mode: LangChain (LCEL) over ``langchain-openai``, any OpenAI-compatible server.

One small interface (``ChatLLM``) so tests and users can swap the model. Retries on timeouts,
429 and 5xx use tenacity with exponential backoff; after the last try the failure is one
``LLMError`` line.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol, TypeVar

from qa.errors import LLMError

if TYPE_CHECKING:
    from pydantic import BaseModel

    from qa.config import Settings
    from qa.llm.prompts import Prompt

T = TypeVar("T", bound="BaseModel")
TokenCallback = Callable[[str], None]


class ChatLLM(Protocol):
    model: str

    def complete(
        self,
        prompt: Prompt,
        variables: dict,
        on_token: TokenCallback | None = None,
        on_restart: Callable[[], None] | None = None,
    ) -> str:
        """The model's reply to ``prompt`` filled with ``variables``; streams tokens to ``on_token``.

        ``on_restart`` is called when a retry starts a new stream after tokens were already sent,
        so a display can drop the partial text instead of repeating it."""
        ...

    def structured(self, prompt: Prompt, variables: dict, schema: type[T]) -> T:
        """A reply parsed into the pydantic ``schema`` (structured output / tool calling)."""
        ...


def _retryable(exc: BaseException) -> bool:
    import openai

    if isinstance(exc, openai.APITimeoutError | openai.APIConnectionError | openai.RateLimitError):
        return True
    return isinstance(exc, openai.APIStatusError) and exc.status_code >= 500


def _describe(exc: BaseException, settings: Settings) -> str:
    import openai

    where = settings.llm.base_url or "api.openai.com"
    if isinstance(exc, openai.APITimeoutError):
        return f"the LLM at {where} timed out after {settings.llm.timeout:g}s ({settings.llm.max_retries + 1} tries)"
    if isinstance(exc, openai.RateLimitError):
        return f"the LLM at {where} kept answering 429 Too Many Requests ({settings.llm.max_retries + 1} tries)"
    if isinstance(exc, openai.AuthenticationError):
        return f"the LLM at {where} rejected the API key (401)"
    if isinstance(exc, openai.NotFoundError):
        return f"the LLM at {where} has no model {settings.llm.model!r} (404)"
    if isinstance(exc, openai.APIStatusError):
        return f"the LLM at {where} answered HTTP {exc.status_code}"
    if isinstance(exc, openai.APIConnectionError):
        return f"cannot connect to the LLM at {where}"
    text = str(exc).strip().splitlines()
    return f"LLM call failed: {type(exc).__name__}: {text[0] if text else ''}"


class OpenAIChat:
    """``ChatOpenAI`` from langchain-openai; works with OpenAI, vLLM, Ollama and llama.cpp servers."""

    def __init__(self, settings: Settings) -> None:
        from langchain_openai import ChatOpenAI

        self.settings = settings
        self.model = settings.llm.model
        # Retries are ours (tenacity), so the client's own are off: one policy, one place.
        self.chat = ChatOpenAI(
            model=settings.llm.model,
            base_url=settings.llm.base_url,
            api_key=settings.llm.api_key or "not-needed",
            timeout=settings.llm.timeout,
            max_retries=0,
            temperature=settings.llm.temperature,
        )

    def _template(self, prompt: Prompt):
        from langchain_core.prompts import ChatPromptTemplate

        return ChatPromptTemplate.from_messages([("system", prompt.system), ("human", prompt.user)])

    def _retrying(self, fn):
        from tenacity import (
            RetryError,
            retry,
            retry_if_exception,
            stop_after_attempt,
            wait_exponential,
        )

        wrapped = retry(
            retry=retry_if_exception(_retryable),
            stop=stop_after_attempt(self.settings.llm.max_retries + 1),
            wait=wait_exponential(multiplier=0.5, min=0.2, max=8),
            reraise=True,
        )(fn)
        try:
            return wrapped()
        except RetryError as exc:  # pragma: no cover - reraise=True makes this rare
            raise LLMError(_describe(exc.last_attempt.exception(), self.settings)) from None
        except LLMError:
            raise
        except Exception as exc:  # noqa: BLE001 - every client failure becomes one line
            raise LLMError(_describe(exc, self.settings)) from None

    def complete(
        self,
        prompt: Prompt,
        variables: dict,
        on_token: TokenCallback | None = None,
        on_restart: Callable[[], None] | None = None,
    ) -> str:
        from langchain_core.output_parsers import StrOutputParser

        prompt.check(variables)
        chain = self._template(prompt) | self.chat | StrOutputParser()
        streamed = False

        def call() -> str:
            nonlocal streamed
            if on_token is None:
                return chain.invoke(variables)
            if streamed and on_restart is not None:
                on_restart()
            streamed = False
            parts: list[str] = []
            for token in chain.stream(variables):
                streamed = streamed or bool(token)
                parts.append(token)
                on_token(token)
            return "".join(parts)

        return self._retrying(call)

    def structured(self, prompt: Prompt, variables: dict, schema: type[T]) -> T:
        prompt.check(variables)
        chain = self._template(prompt) | self.chat.with_structured_output(schema, method="function_calling")

        def call():
            result = chain.invoke(variables)
            if result is None:
                raise LLMError("the LLM returned no structured result")
            return result

        return self._retrying(call)


def get_llm(settings: Settings) -> ChatLLM | None:
    """The configured chat model, or None in offline (extractive) mode."""
    return OpenAIChat(settings) if settings.use_llm else None


OFFLINE_NOTICE = (
    "note: extractive answer (no LLM configured): sentences quoted from the articles. "
    "Set OPENAI_API_KEY, or QA_LLM_BASE_URL for an OpenAI-compatible server, to use an LLM."
)
