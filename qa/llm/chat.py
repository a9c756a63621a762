"""The chat model behind LLM mode: LangChain (LCEL) over ``langchain-openai``, any OpenAI-compatible server.

One small interface (``ChatLLM``) so tests and users can swap the model. Retries on timeouts,
dropped or cut replies, 429 and 5xx use tenacity with exponential backoff, or the server's
``Retry-After`` up to ``llm.max_retry_after``; after the last try the failure is one ``LLMError``
line with the server's own reason (``qa.llm.failures``). Structured output falls back from tool
calling to JSON schema, JSON mode and a prompted JSON reply (``qa.llm.structured``); what the
server supports is remembered per instance, i.e. per run.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol, TypeVar

from qa.errors import LLMError
from qa.llm.deadline import Deadline
from qa.llm.failures import (
    StreamCut,
    check_api_key,
    check_reply,
    check_retry_after,
    describe,
    retry_after,
    retryable,
)
from qa.llm.structured import (
    METHODS,
    MethodRejected,
    UnusableReply,
    from_tool_call,
    parse_reply,
    repair_message,
    reply_text,
    response_format,
    schema_note,
)

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
        """A reply parsed into the pydantic ``schema``; ``UnusableReply`` when no method gave one."""
        ...


class _Unusable(Exception):
    """A reply arrived but does not fit the schema (internal: decides the next method)."""


class OpenAIChat:
    """``ChatOpenAI`` from langchain-openai; works with OpenAI, vLLM, Ollama and llama.cpp servers."""

    def __init__(self, settings: Settings) -> None:
        import openai
        from langchain_openai import ChatOpenAI

        check_api_key(settings)
        self.settings = settings
        self.model = settings.llm.model
        # Structured-output methods this server has not refused yet, strongest first; a refused
        # one (and why) moves to ``unsupported`` for the rest of the run.
        self.methods: list[str] = list(METHODS)
        self.unsupported: dict[str, str] = {}
        # `timeout` bounds each read; the deadline bounds each whole request (qa.llm.deadline),
        # and a 200 that is no chat completion is named by `check_reply`, not a parser's crash.
        self.deadline = Deadline(settings.llm.timeout)
        hooks = self.deadline.hooks()
        hooks["response"].append(check_reply)
        # Retries are ours (tenacity), so the client's own are off: one policy, one place.
        self.chat = ChatOpenAI(
            http_client=openai.DefaultHttpxClient(event_hooks=hooks),
            model=settings.llm.model,
            base_url=settings.llm.base_url,
            api_key=settings.llm.api_key or "not-needed",
            timeout=settings.llm.timeout,
            max_retries=0,
            temperature=settings.llm.temperature,
            # `max_tokens` as such: every OpenAI-compatible server reads it (llama.cpp, Ollama and
            # older vLLM ignore the newer `max_completion_tokens` that langchain-openai would send).
            extra_body={"max_tokens": settings.llm.max_tokens},
        )

    # ------------------------------------------------------------------ retries
    def _wait(self, state) -> float:
        from tenacity import wait_exponential

        asked = retry_after(state.outcome.exception()) if state.outcome else None
        return asked if asked is not None else wait_exponential(multiplier=0.5, min=0.2, max=8)(state)

    def _retrying(self, fn, passthrough: tuple[type[BaseException], ...] = ()):
        from tenacity import retry, retry_if_exception, stop_after_attempt

        def attempt():
            try:
                with self.deadline.guard():
                    return fn()
            except Exception as exc:
                if retryable(exc):
                    check_retry_after(exc, self.settings)  # a wait beyond the limit fails now
                raise

        tries = self.settings.llm.max_retries + 1
        wrapped = retry(
            retry=retry_if_exception(retryable),
            stop=stop_after_attempt(tries),
            wait=self._wait,
            reraise=True,
        )(attempt)
        try:
            return wrapped()
        except (LLMError, *passthrough):
            raise
        except Exception as exc:  # noqa: BLE001 - every client failure becomes one line
            raise LLMError(describe(exc, self.settings, tries)) from None

    # ------------------------------------------------------------------ plain replies
    def complete(
        self,
        prompt: Prompt,
        variables: dict,
        on_token: TokenCallback | None = None,
        on_restart: Callable[[], None] | None = None,
    ) -> str:
        from langchain_core.prompts import ChatPromptTemplate

        prompt.check(variables)
        template = ChatPromptTemplate.from_messages([("system", prompt.system), ("human", prompt.user)])
        chain = template | self.chat
        streamed = False

        def call() -> str:
            nonlocal streamed
            if on_token is None:
                return reply_text(chain.invoke(variables))
            if streamed and on_restart is not None:
                on_restart()
            streamed = False
            parts: list[str] = []
            finish = None
            for chunk in chain.stream(variables):
                self.deadline.check()
                token = reply_text(chunk)
                finish = (chunk.response_metadata or {}).get("finish_reason") or finish
                streamed = streamed or bool(token)
                parts.append(token)
                on_token(token)
            if finish is None:  # the server hung up before saying the reply was complete
                raise StreamCut("the stream ended without a finish reason")
            return "".join(parts)

        return self._retrying(call)

    # ------------------------------------------------------------------ structured replies
    def structured(self, prompt: Prompt, variables: dict, schema: type[T]) -> T:
        system, user = prompt.render(**variables)
        problems: list[tuple[str, str]] = []  # (method, why it gave nothing usable)
        for method in list(self.methods):
            last = method == self.methods[-1]

            def once(m: str = method, repair: bool = last) -> T:
                return self._structured_once(m, system, user, schema, repair=repair)

            try:
                return self._retrying(once, passthrough=(MethodRejected, _Unusable))
            except MethodRejected as exc:
                problems.append((method, f"refused: {exc.reason}"))
            except _Unusable as exc:
                problems.append((method, str(exc)))
            if not last:
                self._refuse(method, problems[-1][1])
        tried = ", ".join(m for m, _ in problems)
        raise UnusableReply(f"no usable structured reply (tried {tried}; last: {problems[-1][1]})")

    def _refuse(self, method: str, reason: str) -> None:
        if method in self.methods and len(self.methods) > 1:
            self.methods.remove(method)
            self.unsupported[method] = reason

    def _structured_once(self, method: str, system: str, user: str, schema: type[T], repair: bool) -> T:
        import openai
        from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

        from qa.llm.failures import server_reason

        note = schema_note(schema) if method in ("json_object", "prompted") else ""
        messages = [SystemMessage(system + note), HumanMessage(user)]
        runnable = self.chat
        kwargs = {}
        if method == "tools":
            runnable = self.chat.bind_tools([schema], tool_choice=schema.__name__)
        elif response_format(method, schema) is not None:
            kwargs["response_format"] = response_format(method, schema)
        try:
            reply = runnable.invoke(messages, **kwargs)
            try:
                return from_tool_call(reply, schema) if method == "tools" else parse_reply(reply_text(reply), schema)
            except ValueError as first:
                if not repair:
                    raise _Unusable(str(first)) from None
                messages += [AIMessage(reply_text(reply)), HumanMessage(repair_message(str(first)))]
                try:
                    return parse_reply(reply_text(runnable.invoke(messages, **kwargs)), schema)
                except ValueError as second:
                    raise _Unusable(f"{second}, also after one repair attempt") from None
        except (openai.BadRequestError, openai.UnprocessableEntityError) as exc:
            raise MethodRejected(method, f"HTTP {exc.status_code}: {server_reason(exc) or 'no reason given'}") from None
        except openai.LengthFinishReasonError:
            raise _Unusable("the reply hit the length limit before the JSON was complete") from None


def get_llm(settings: Settings) -> ChatLLM | None:
    """The configured chat model, or None in offline (extractive) mode."""
    return OpenAIChat(settings) if settings.use_llm else None


OFFLINE_NOTICE = (
    "note: extractive answer (no LLM configured): sentences quoted from the articles. "
    "Set OPENAI_API_KEY, or QA_LLM_BASE_URL for an OpenAI-compatible server, to use an LLM."
)
