"""``qa eval``: run a question set and report answer accuracy, abstention accuracy, retrieval
hit@k, the share of verbatim quotes and latency.

Question file: JSON lines with ``question``, ``expect_any``, ``sources``, ``answerable`` and
optionally ``id``, checked row by row in ``qa.evaluation.question_file``.

An answerable question counts as answered correctly when the answer does not abstain, contains
every expected fact, and cites at least one expected source. An unanswerable question counts as
correct when the answer abstains.
"""

from __future__ import annotations

import html
import json
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from qa.evaluation.question_file import EvalQuestion, load_questions
from qa.text.citations import is_verbatim, strip_markers
from qa.text.spans import fold_ws

if TYPE_CHECKING:
    from qa.answering.answer import Answer
    from qa.config import Settings
    from qa.llm.chat import ChatLLM


@dataclass
class ItemResult:
    id: str
    question: str
    answerable: bool
    abstained: bool
    correct: bool
    answer: str
    facts_found: bool | None = None  # answerable only
    cited_expected: bool | None = None
    retrieval_hit: bool | None = None
    quotes: int = 0
    verbatim_quotes: int = 0
    cited_sources: list[str] = field(default_factory=list)
    reason: str | None = None
    latency_s: float = 0.0
    claims_checked: int = 0  # LLM mode: cited sentences the support check judged
    claims_supported: int = 0


@dataclass
class EvalReport:
    file: str
    mode: str
    k: int
    questions: int
    answerable: int
    unanswerable: int
    answer_accuracy: float | None
    abstention_accuracy: float | None
    false_abstention_rate: float | None
    retrieval_hit_at_k: float | None
    verbatim_quote_share: float | None
    latency_mean_s: float
    latency_p50_s: float
    latency_p95_s: float
    latency_max_s: float
    items: list[ItemResult] = field(default_factory=list)
    citation_precision: float | None = None  # LLM mode: share of cited sentences supported

    def to_dict(self) -> dict:
        data = asdict(self)
        for key, value in data.items():
            if isinstance(value, float):
                data[key] = round(value, 4)
        return data


def _norm(text: str) -> str:
    return fold_ws(text).lower().replace("’", "'")


def facts_found(answer_text: str, groups: list[list[str]]) -> bool:
    """Every group has one alternative in the answer (case and whitespace aside)."""
    text = _norm(strip_markers(answer_text))
    return all(any(_norm(alt) in text for alt in group) for group in groups)


def _matches_source(found: str, path: str, expected: list[str]) -> bool:
    names = {found, found.split("#")[0], Path(path).name if path else ""}
    return any(e in names or Path(e).name in names for e in expected)


@lru_cache(maxsize=256)
def _original_texts(path: str) -> tuple[str, ...]:
    """What a quote must be verbatim in: the file as read, its text without HTML tags, or for
    JSONL each record's string fields."""
    p = Path(path)
    try:
        raw = p.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ()
    if p.suffix.lower() == ".jsonl":
        texts = []
        for line in raw.splitlines():
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(row, dict):
                texts.append("\n".join(str(v) for v in row.values() if isinstance(v, str)))
        return tuple(texts)
    if p.suffix.lower() in (".html", ".htm"):
        stripped = html.unescape(re.sub(r"<[^>]+>", " ", raw))
        return (raw, stripped)
    return (raw,)


def quote_is_verbatim(quote: str, path: str) -> bool:
    """The quote occurs in the original file (whitespace aside)."""
    return any(is_verbatim(quote, text) for text in _original_texts(path))


def score_item(q: EvalQuestion, answer: Answer) -> ItemResult:
    item = ItemResult(
        q.id,
        q.question,
        q.answerable,
        answer.abstained,
        correct=False,
        answer=answer.answer,
        reason=answer.reason,
        latency_s=answer.latency_s,
        cited_sources=[c.source for c in answer.citations],
        claims_checked=answer.claims_checked,
        claims_supported=answer.claims_checked - len(answer.unsupported),
    )
    for c in answer.citations:
        item.quotes += 1
        item.verbatim_quotes += quote_is_verbatim(c.quote, c.path)
    if q.answerable:
        item.facts_found = not answer.abstained and facts_found(answer.answer, q.expect_any)
        item.cited_expected = (
            not answer.abstained
            and (not q.sources or any(_matches_source(c.source, c.path, q.sources) for c in answer.citations))
        )
        item.correct = bool(item.facts_found and item.cited_expected)
        if q.sources:
            item.retrieval_hit = any(_matches_source(c.source, c.path, q.sources) for c in answer.retrieved)
    else:
        item.correct = answer.abstained
    return item


def _share(values: list[bool]) -> float | None:
    return sum(values) / len(values) if values else None


def run_eval(
    path: str | Path,
    settings: Settings,
    *,
    k: int | None = None,
    extractive: bool | None = None,
    llm: ChatLLM | None = None,
    on_item: Callable[[ItemResult], None] | None = None,
) -> EvalReport:
    """Answer every question of ``path`` and score the answers."""
    from qa.answering.answer import answer_question
    from qa.storage.embedders import get_embedder
    from qa.storage.store import open_store

    questions = load_questions(path)
    store = open_store(settings)  # fails once, clearly, before any question
    embedder = get_embedder(settings)
    items: list[ItemResult] = []
    mode = "extractive"
    for q in questions:
        started = time.perf_counter()
        answer = answer_question(
            q.question, settings, k=k, extractive=extractive, llm=llm, store=store, embedder=embedder
        )
        answer.latency_s = time.perf_counter() - started
        mode = answer.mode
        item = score_item(q, answer)
        items.append(item)
        if on_item is not None:
            on_item(item)
    ans = [i for i in items if i.answerable]
    unans = [i for i in items if not i.answerable]
    latencies = sorted(i.latency_s for i in items)
    quotes = sum(i.quotes for i in items)
    checked = sum(i.claims_checked for i in items)
    return EvalReport(
        file=str(path),
        mode=mode,
        k=k or settings.retrieval.top_k,
        questions=len(items),
        answerable=len(ans),
        unanswerable=len(unans),
        answer_accuracy=_share([i.correct for i in ans]),
        abstention_accuracy=_share([i.correct for i in unans]),
        false_abstention_rate=_share([i.abstained for i in ans]),
        retrieval_hit_at_k=_share([bool(i.retrieval_hit) for i in ans if i.retrieval_hit is not None]),
        verbatim_quote_share=(sum(i.verbatim_quotes for i in items) / quotes) if quotes else None,
        latency_mean_s=statistics.fmean(latencies),
        latency_p50_s=percentile(latencies, 50),
        latency_p95_s=percentile(latencies, 95),
        latency_max_s=latencies[-1],
        items=items,
        citation_precision=(sum(i.claims_supported for i in items) / checked) if checked else None,
    )


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), linearly interpolated as numpy does; 0.0 for no values.

    The one definition behind every latency figure (``qa eval`` and ``bench/``)."""
    import numpy as np

    return float(np.percentile(values, q)) if values else 0.0
