"""``qa eval``: run a question set (read and checked in ``qa.evaluation.question_file``) and
report answer accuracy, abstention accuracy, retrieval hit@k, the share of verbatim quotes and
latency.

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
    # Extractive mode: the calibrated probability that the answer is right, and whether the answer
    # it gave or would have given (when it abstained) is right; for an unanswerable question any
    # answer is wrong.
    confidence: float | None = None
    draft_correct: bool | None = None


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
    # Extractive mode: accuracy of the answers given at several confidence levels (see coverage_table)
    coverage: list[dict] = field(default_factory=list)
    operating_point: float | None = None  # the shipped threshold

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


def matches_source(found: str, path: str, expected: list[str]) -> bool:
    names = {found, found.split("#")[0], Path(path).name if path else ""}
    return any(e in names or Path(e).name in names for e in expected)


def _original_texts(path: str) -> tuple[str, ...]:
    """What a quote must be verbatim in: the file as read, its text without HTML tags, or for
    JSONL each record's string fields; cached by path, mtime and size (a file edited since an
    earlier run in this process is read again)."""
    try:
        st = Path(path).stat()
    except OSError:
        return ()
    return _read_texts(path, st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=256)
def _read_texts(path: str, _mtime_ns: int, _size: int) -> tuple[str, ...]:
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


def _answer_correct(q: EvalQuestion, text: str, citations: list) -> bool:
    """An answer (not an abstention) to ``q`` holds every expected fact and cites an expected source."""
    if not q.answerable:
        return False
    cited = not q.sources or any(matches_source(c.source, c.path, q.sources) for c in citations)
    return cited and facts_found(text, q.expect_any)


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
        confidence=answer.confidence,
    )
    if answer.confidence is not None:
        if not answer.abstained:
            item.draft_correct = _answer_correct(q, answer.answer, answer.citations)
        elif answer.draft is not None:
            item.draft_correct = _answer_correct(q, answer.draft.answer, answer.draft.citations)
        else:
            item.draft_correct = False
    for c in answer.citations:
        item.quotes += 1
        item.verbatim_quotes += quote_is_verbatim(c.quote, c.path)
    if q.answerable:
        item.facts_found = not answer.abstained and facts_found(answer.answer, q.expect_any)
        item.cited_expected = (
            not answer.abstained
            and (not q.sources or any(matches_source(c.source, c.path, q.sources) for c in answer.citations))
        )
        item.correct = bool(item.facts_found and item.cited_expected)
        if q.sources:
            item.retrieval_hit = any(matches_source(c.source, c.path, q.sources) for c in answer.retrieved)
    else:
        item.correct = answer.abstained
    return item


COVERAGE_LEVELS = (0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.0)


def coverage_table(items: list[ItemResult], levels: tuple[float, ...] = COVERAGE_LEVELS) -> list[dict]:
    """For each confidence level: how many questions would be answered if the answerer answered
    at and above it, how many of those answers are right, and what that means for answerable
    questions (answered correctly) and unanswerable ones (refused). Needs per-item confidence
    (extractive mode); an item with none is left out."""
    scored = [i for i in items if i.confidence is not None]
    rows = []
    ans = [i for i in scored if i.answerable]
    unans = [i for i in scored if not i.answerable]
    for level in levels:
        given = [i for i in scored if i.confidence >= level and i.confidence > 0]
        taken = {id(i) for i in given}
        rows.append(
            {
                "confidence_at_least": level,
                "answered": len(given),
                "coverage": _share([id(i) in taken for i in scored]),
                "accuracy_of_answers": _share([bool(i.draft_correct) for i in given]),
                "answerable_correct": _share([id(i) in taken and bool(i.draft_correct) for i in ans]),
                "unanswerable_refused": _share([id(i) not in taken for i in unans]),
            }
        )
    return rows


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
        coverage=_coverage(items, mode),
        operating_point=_operating_point() if mode == "extractive" else None,
    )


def _coverage(items: list[ItemResult], mode: str) -> list[dict]:
    if mode != "extractive" or not any(i.confidence is not None for i in items):
        return []
    op = _operating_point()
    levels = sorted(set(COVERAGE_LEVELS) | ({round(op, 4)} if op is not None else set()), reverse=True)
    return coverage_table(items, tuple(levels))


def _operating_point() -> float | None:
    from qa.answering.scorer import threshold

    try:
        return threshold()
    except (OSError, KeyError, RuntimeError):
        return None


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), linearly interpolated as numpy does; 0.0 for no values.

    The one definition behind every latency figure (``qa eval`` and ``bench/``)."""
    import numpy as np

    return float(np.percentile(values, q)) if values else 0.0
