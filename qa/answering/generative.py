"""The LLM answerer: the retrieved chunks become numbered sources inside ``<source>`` delimiters
in the ``answer`` prompt; the reply's ``[n]`` markers are checked by
:func:`qa.text.citations.cite` (unknown ones dropped and reported), every citation gets a
verbatim quote from its chunk, sentences without a valid citation are dropped, and a reply with
no valid citation at all is treated as an abstention (never shown as an answer). The model says
it cannot answer with ``SENTINEL``. Every cited sentence is then checked against the passages
it cites (:mod:`qa.retrieval.support`: its numbers, dates and names must be there, and its best
supporting sentence close enough); unsupported sentences are dropped and reported, and each
quote is the best supporting sentence (never one that addresses the model).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from qa.answering.answer import NOT_FOUND, SENTINEL, Answer
from qa.models import Citation, StoredChunk
from qa.retrieval.claims import check_claims
from qa.retrieval.support import SupportChecker
from qa.text.citations import MARKER_RE, cite, cited_sentences, strip_markers
from qa.text.numbering import renumber_markers
from qa.text.spans import clip

# Characters of a model's sentence quoted in a warning.
_QUOTED = 160

if TYPE_CHECKING:
    from qa.llm.chat import ChatLLM
    from qa.retrieval.hybrid import Retrieval
    from qa.storage.embedders import Embedder

_DELIM_RE = re.compile(r"<\s*/?\s*source\b", re.IGNORECASE)


def _safe(text: str) -> str:
    """Article text cannot close or open a source block ("</source>" is defused)."""
    return _DELIM_RE.sub(lambda m: m.group(0).replace("<", "‹"), text)


def _attr(text: str) -> str:
    return _safe(text).replace('"', "'").replace("\n", " ")


def format_sources(chunks: list[StoredChunk]) -> str:
    """The numbered sources block of the prompt: each chunk between <source> delimiters."""
    blocks = []
    for n, chunk in enumerate(chunks, start=1):
        date = f' date="{chunk.date}"' if chunk.date else ""
        blocks.append(
            f'<source id="{n}" file="{_attr(chunk.source)}" title="{_attr(chunk.title)}"{date}>\n'
            f"{_safe(chunk.text.strip())}\n</source>"
        )
    return "\n\n".join(blocks)


def _is_sentinel(text: str) -> bool:
    core = re.sub(r"[^A-Z_]", "", strip_markers(text).upper())
    return core == SENTINEL or text.strip().upper().startswith(SENTINEL)


def llm_answer(
    question: str,
    retrieval: Retrieval,
    llm: ChatLLM,
    on_token: Callable[[str], None] | None,
    on_restart: Callable[[], None] | None,
    embedder: Embedder | None = None,
) -> Answer:
    """The model's cited answer to ``question`` from the retrieved chunks, or an abstention.

    With ``embedder``, every cited sentence is checked against the passages it cites
    (:mod:`qa.retrieval.support`): unsupported ones are dropped and listed in ``unsupported``,
    and each citation quotes its chunk's best supporting sentence."""
    from qa.llm.prompts import get_prompt

    prompt = get_prompt("answer")
    variables = {"question": question, "sources": format_sources(retrieval.chunks), "sentinel": SENTINEL}
    if on_restart is not None:
        raw = llm.complete(prompt, variables, on_token=on_token, on_restart=on_restart)
    else:
        raw = llm.complete(prompt, variables, on_token=on_token)
    model = getattr(llm, "model", None)
    chunks = retrieval.chunks

    def abstain(reason: str, warnings: list[str] | None = None) -> Answer:
        return Answer(question, NOT_FOUND, True, "llm", [], chunks, reason=reason, warnings=warnings or [], model=model)

    if not raw.strip():
        return abstain("the model returned an empty answer")
    if _is_sentinel(raw):
        return abstain("the model found no answer in the retrieved passages")
    warnings: list[str] = []
    if SENTINEL in raw:
        raw = raw.replace(SENTINEL, "").strip()
        warnings.append("the model marked part of the question as not covered by the sources")
    cited = cite(raw, chunks)
    if cited.unknown:
        warnings.append(
            "dropped citation(s) to nonexistent source(s): "
            + ", ".join(f"[{n}]" for n in cited.unknown)
            + f" (only [1]-[{len(chunks)}] were given)"
        )
    if not cited.citations:
        warnings.append("unsupported model answer withheld (no valid citation): " + clip(strip_markers(raw), _QUOTED))
        return abstain("the model's answer cited none of the retrieved sources", warnings)
    text, dropped = _drop_uncited(cited.text)
    if dropped:
        warnings.append(f"dropped {len(dropped)} uncited sentence(s): " + " | ".join(clip(s, _QUOTED) for s in dropped))
    unsupported: list[dict] = []
    checked = 0
    if embedder is not None:
        text, unsupported, checked = check_claims(
            text, cited.citations, chunks, SupportChecker(embedder), context=question
        )
        if unsupported:
            warnings.append(
                f"dropped {len(unsupported)} unsupported sentence(s): "
                + " | ".join(f"{clip(u['sentence'], 100)} ({u['reason']})" for u in unsupported)
            )
        if not re.search(r"[A-Za-z0-9]", strip_markers(text)):
            result = abstain("no sentence of the model's answer is supported by the passages it cites", warnings)
            result.unsupported, result.claims_checked = unsupported, checked
            return result
    used = {int(n) for n in re.findall(r"\[(\d+)\]", text)}
    citations = [c for c in cited.citations if c.id in used]
    text, citations = _renumber(text, citations)
    return Answer(
        question, text, False, "llm", citations, chunks, warnings=warnings, model=model,
        unsupported=unsupported, claims_checked=checked,
    )


def _drop_uncited(text: str) -> tuple[str, list[str]]:
    """Remove sentences that carry no [n]; a marker written after the full stop ("... Minsk. [1]")
    belongs to the sentence before it (:func:`qa.text.citations.cited_sentences`)."""
    kept: list[str] = []
    dropped: list[str] = []
    for span in cited_sentences(text):
        s = span.text
        if not re.search(r"[A-Za-z0-9]", strip_markers(s)):
            if MARKER_RE.search(s) and kept:  # a bare "[1]" on a line of its own
                kept[-1] = kept[-1] + " " + s.strip()
            continue
        (kept if MARKER_RE.search(s) else dropped).append(s)
    return " ".join(kept).strip(), dropped


def _renumber(text: str, citations: list[Citation]) -> tuple[str, list[Citation]]:
    """Markers 1..m in order of first use after sentences were dropped."""
    order: dict[int, int] = {}
    for n in (int(x) for x in re.findall(r"\[(\d+)\]", text)):
        order.setdefault(n, len(order) + 1)
    if all(k == v for k, v in order.items()):
        return text, citations
    for c in citations:
        c.id = order[c.id]
    return renumber_markers(text, order), sorted(citations, key=lambda c: c.id)
