"""Cited answers to one question, with an LLM or fully offline (extractive).

LLM mode: the retrieved chunks are numbered sources inside ``<source>`` delimiters in the
``answer`` prompt; the reply's ``[n]`` markers are checked by :func:`qa.cite.cite` (unknown ones
dropped and reported), every citation gets a verbatim quote from its chunk, sentences without a
valid citation are dropped, and a reply with no valid citation at all is treated as an
abstention (never shown as an answer). The model says it cannot answer with ``SENTINEL``.

Offline mode: the answer is the best one to three sentences of the retrieved chunks, each cited.
Sentences are scored by embedding similarity to the question plus coverage of the question's
terms (IDF-weighted, stemmed, names by prefix, content words also by word-embedding
similarity). It abstains when no sentence is close enough, when no sentence holds the kind of
answer asked for (a number for "how many", a date for "when", a new name for "who"/"which
city"), when a name, number or quoted term of the question appears in none of the evidence, or
when most of what the question is about (by IDF weight) is missing from the chosen sentences.
Sentences that read like instructions to an AI ("ignore your instructions ...") are never used.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from qa.errors import InputError
from qa.models import Citation, StoredChunk
from qa.retrieval.question import QuestionInfo, Term, answer_type_ok, lex_terms, stem, term_in
from qa.text.citations import MARKER_RE, citation_for, cite, strip_markers
from qa.text.spans import Span, fold_ws, sentence_spans

if TYPE_CHECKING:
    from qa.config import Settings
    from qa.llm.chat import ChatLLM
    from qa.retrieval.hybrid import Retrieval
    from qa.storage.embed import Embedder

SENTINEL = "INSUFFICIENT_EVIDENCE"
NOT_FOUND = "The indexed articles do not answer this question."

# Offline answerer thresholds (see module docstring). Chosen on questions written for the seeds
# and a BBC sample, not on the dev set's wording.
MIN_RELEVANCE = 0.40  # 0.5 * cosine + 0.5 * term coverage of the best sentence
MIN_CONTENT_COVERAGE = 1 / 3  # IDF share of the question's content words the answer must cover
WORD_MATCH = 0.70  # word-embedding similarity that counts as the same concept (troops ~ soldiers)
CONTEXT_CREDIT = 0.5  # a term found only in the sentence's passage or title counts half
MAX_SENTENCES = 3
SECOND_SENTENCE_RATIO = 0.75  # further sentences must score this share of the best one
FOCUS_BONUS = 0.1  # "which air base": a sentence that names an air base
FOCUS_MATCH = 0.5  # word similarity that counts as naming the focus ("aircraft" ~ "airlifter")
COUNT_MATCH = 0.8  # "how many soldiers": a word this close counts as soldiers ("troops")
RAREST_SHARE = 0.8  # nouns this close to the rarest one's IDF must be covered too
VERB_WEIGHT = 0.5  # the question's verb counts half: answers often paraphrase it

_INJECTION_RE = re.compile(
    r"\b(ignore|disregard|forget|override)\b.{0,40}\b(instructions?|prompts?|rules|guidelines)\b"
    r"|\b(system prompt|developer message)\b"
    r"|\byou are (now )?(an? )?(ai|assistant|language model|chatbot|llm)\b"
    r"|\b(respond|reply|answer)\s+(only\s+|always\s+|exactly\s+)?with\b",
    re.IGNORECASE,
)


def looks_like_instruction(sentence: str) -> bool:
    """A sentence addressed to an AI rather than reporting news: never evidence."""
    return bool(_INJECTION_RE.search(sentence))


@dataclass
class Answer:
    question: str
    answer: str  # text with [n] markers, or NOT_FOUND
    abstained: bool
    mode: str  # "llm" | "extractive"
    citations: list[Citation] = field(default_factory=list)
    retrieved: list[StoredChunk] = field(default_factory=list)
    reason: str | None = None  # why it abstained
    warnings: list[str] = field(default_factory=list)  # dropped citations, dropped sentences
    model: str | None = None
    latency_s: float = 0.0

    def to_dict(self) -> dict:
        return {
            "question": self.question,
            "answer": self.answer,
            "abstained": self.abstained,
            "mode": self.mode,
            "reason": self.reason,
            "citations": [
                {
                    "id": c.id,
                    "source": c.source,
                    "title": c.title,
                    "quote": c.quote,
                    "chunk_id": c.chunk_id,
                    "path": c.path,
                    "char_start": c.char_start,
                    "char_end": c.char_end,
                }
                for c in self.citations
            ],
            "retrieved": [
                {
                    "chunk_id": c.chunk_id,
                    "source": c.source,
                    "title": c.title,
                    "date": c.date,
                    "score": c.score,
                    "text": c.text,
                }
                for c in self.retrieved
            ],
            "warnings": self.warnings,
            "model": self.model,
            "latency_s": round(self.latency_s, 3),
        }


def answer_question(
    question: str,
    settings: Settings,
    *,
    k: int | None = None,
    source: str | None = None,
    since: str | None = None,
    until: str | None = None,
    extractive: bool | None = None,
    llm: ChatLLM | None = None,
    on_token: Callable[[str], None] | None = None,
    on_restart: Callable[[], None] | None = None,
    store=None,
    embedder: Embedder | None = None,
) -> Answer:
    """Answer ``question`` from the index, citing every claim.

    ``extractive``: True forces offline mode; None follows the settings (LLM when configured).
    ``llm``: a chat model to use instead of the configured one. ``on_token`` receives streamed
    tokens in LLM mode. Raises ``InputError`` for an empty question or bad filters and
    ``IndexMissingError`` when there is no index.
    """
    from qa.retrieval.hybrid import retrieve
    from qa.storage.embed import get_embedder

    started = time.perf_counter()
    if not question or not question.strip():
        raise InputError("the question is empty")
    question = " ".join(question.split())
    use_extractive = settings.llm.extractive if extractive is None else extractive
    if not use_extractive and llm is None:
        from qa.llm.chat import get_llm

        llm = get_llm(settings)
    mode = "extractive" if use_extractive or llm is None else "llm"
    embedder = embedder or get_embedder(settings)
    retrieval = retrieve(
        question, settings, store=store, embedder=embedder, k=k, source=source, since=since, until=until
    )
    if not retrieval.chunks:
        reason = (
            "no indexed article matches the filters"
            if retrieval.filters.active
            else "nothing relevant was retrieved"
        )
        result = Answer(question, NOT_FOUND, True, mode, [], [], reason=reason)
    elif mode == "llm":
        assert llm is not None
        result = _llm_answer(question, retrieval, llm, on_token, on_restart)
    else:
        result = extractive_answer(retrieval, embedder)
    result.latency_s = time.perf_counter() - started
    return result


# =========================================================================== LLM mode
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


def _llm_answer(
    question: str,
    retrieval: Retrieval,
    llm: ChatLLM,
    on_token: Callable[[str], None] | None,
    on_restart: Callable[[], None] | None,
) -> Answer:
    from qa.llm.prompts import load_prompt

    prompt = load_prompt("answer", frozenset({"question", "sources", "sentinel"}))
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
        warnings.append("unsupported model answer withheld (no valid citation): " + _clip(strip_markers(raw)))
        return abstain("the model's answer cited none of the retrieved sources", warnings)
    text, dropped = _drop_uncited(cited.text)
    if dropped:
        warnings.append(f"dropped {len(dropped)} uncited sentence(s): " + " | ".join(_clip(s) for s in dropped))
    used = {int(n) for n in re.findall(r"\[(\d+)\]", text)}
    citations = [c for c in cited.citations if c.id in used]
    text, citations = _renumber(text, citations)
    return Answer(question, text, False, "llm", citations, chunks, warnings=warnings, model=model)


def _clip(text: str, n: int = 160) -> str:
    text = fold_ws(text)
    return text if len(text) <= n else text[: n - 1] + "…"


def _drop_uncited(text: str) -> tuple[str, list[str]]:
    """Remove sentences that carry no [n] (a marker that opens the next sentence counts for the
    one before it). Headings and bullets keep their own text."""
    spans = sentence_spans(text)
    kept: list[str] = []
    dropped: list[str] = []
    for i, span in enumerate(spans):
        s = span.text
        if not re.search(r"[A-Za-z0-9]", strip_markers(s)):
            if MARKER_RE.search(s) and kept:  # a bare "[1]" after the sentence it supports
                kept[-1] = kept[-1] + " " + s.strip()
            continue
        nxt = spans[i + 1].text if i + 1 < len(spans) else ""
        if MARKER_RE.search(s) or (MARKER_RE.match(nxt.strip()) and not strip_markers(nxt)):
            kept.append(s)
        else:
            dropped.append(s)
    return " ".join(kept).strip(), dropped


def _renumber(text: str, citations: list[Citation]) -> tuple[str, list[Citation]]:
    """Markers 1..m in order of first use after sentences were dropped."""
    order: dict[int, int] = {}
    for n in (int(x) for x in re.findall(r"\[(\d+)\]", text)):
        order.setdefault(n, len(order) + 1)
    if all(k == v for k, v in order.items()):
        return text, citations
    text = re.sub(r"\[(\d+)\]", lambda m: f"[{order[int(m.group(1))]}]", text)
    renumbered = []
    for c in citations:
        c.id = order[c.id]
        renumbered.append(c)
    return text, sorted(renumbered, key=lambda c: c.id)


# =========================================================================== offline mode
@dataclass
class _Sentence:
    chunk_no: int  # position in the retrieved list
    chunk: StoredChunk
    span: Span
    context: str  # the passage before the sentence and the article title
    doc_context: str = ""  # the other retrieved passages of the same article (for names)
    cosine: float = 0.0
    coverage: float = 0.0
    covered: dict[str, float] = field(default_factory=dict)  # term text -> credit
    type_ok: bool = True

    @property
    def text(self) -> str:
        return self.span.text

    focus: float = 0.0  # the sentence names the kind of thing asked for ("air base", "airlifter")

    @property
    def relevance(self) -> float:
        return 0.5 * self.cosine + 0.5 * self.coverage + FOCUS_BONUS * self.focus


def _candidates(chunks: list[StoredChunk]) -> list[_Sentence]:
    seen: set[str] = set()
    out: list[_Sentence] = []
    for n, chunk in enumerate(chunks, start=1):
        same_doc = " ".join(c.text for c in chunks if c.doc_id == chunk.doc_id and c is not chunk)
        spans = sentence_spans(chunk.text)
        for i, span in enumerate(spans):
            key = fold_ws(span.text).lower()
            words = re.findall(r"[A-Za-z0-9]+", span.text)
            if key in seen or len(words) < 4 or looks_like_instruction(span.text):
                continue
            seen.add(key)
            before = " ".join(s.text for s in spans[max(0, i - 2) : i])
            out.append(_Sentence(n, chunk, span, f"{chunk.title}\n{before}", doc_context=same_doc))
    return out


_WORD_VECTORS: dict[tuple[str, str], np.ndarray] = {}  # (model, word) -> vector, per process
_WORD_RE = re.compile(r"[A-Za-z][A-Za-z\-]+")


def _word_vectors(embedder: Embedder, words: list[str]) -> np.ndarray:
    model = getattr(embedder, "model_name", "")
    todo = [w for w in dict.fromkeys(words) if (model, w) not in _WORD_VECTORS]
    if todo:
        if len(_WORD_VECTORS) > 100_000:
            _WORD_VECTORS.clear()
        for w, v in zip(todo, embedder.embed_documents(todo), strict=True):
            _WORD_VECTORS[(model, w)] = v
    return np.stack([_WORD_VECTORS[(model, w)] for w in words]) if words else np.zeros((0, 1), np.float32)


class _WordMatcher:
    """Question words matched to sentence words by embedding similarity (a small synonym net).
    Word vectors are cached per process, so a question set pays for each word once."""

    def __init__(self, embedder: Embedder, words: list[str], sentences: list[_Sentence]) -> None:
        self.ok = bool(words)
        if not self.ok:
            return
        from qa.retrieval.question import STOPWORDS

        vocab = sorted(
            {w.lower() for s in sentences for w in _WORD_RE.findall(s.text) if len(w) > 2}
            - STOPWORDS
        )
        self.vocab = {w: i for i, w in enumerate(vocab)}
        self.words = {w: i for i, w in enumerate(words)}
        self.q = _word_vectors(embedder, list(words))
        self.v = _word_vectors(embedder, vocab)

    def matches(self, word: str, sentence: str, threshold: float = WORD_MATCH) -> bool:
        if not self.ok or word not in self.words or not len(self.vocab):
            return False
        idx = [self.vocab[w.lower()] for w in _WORD_RE.findall(sentence) if w.lower() in self.vocab]
        if not idx:
            return False
        return float(np.max(self.v[idx] @ self.q[self.words[word]])) >= threshold


_debug: Callable | None = None  # tests and tuning scripts can look at the ranking


def extractive_answer(retrieval: Retrieval, embedder: Embedder) -> Answer:
    """The best one to three retrieved sentences that answer the question, each cited; or an
    abstention with its reason."""
    info = retrieval.info
    chunks = retrieval.chunks
    question = retrieval.question
    sentences = _candidates(chunks)

    def abstain(reason: str) -> Answer:
        return Answer(question, NOT_FOUND, True, "extractive", [], chunks, reason=reason)

    if not sentences:
        return abstain("the retrieved passages hold no usable sentence")

    vectors = embedder.embed_documents([s.text for s in sentences])
    cosines = vectors @ retrieval.query_vector
    lexicon = retrieval.lexicon
    weights = {t.text: _weight(t, lexicon) for t in info.terms}
    words = [t.text for t in info.content_terms]
    for extra in [info.counted, *info.focus]:
        if extra and extra not in words:
            words.append(extra)
    matcher = _WordMatcher(embedder, words, sentences)
    q_stems = set(lex_terms(question)) | {stem(f) for f in info.focus}
    for s, cos in zip(sentences, cosines, strict=True):
        s.cosine = float(cos)
        s.type_ok = answer_type_ok(info.expects, s.text, q_stems)
        if s.type_ok and info.counted:
            s.type_ok = _counts(s.text, info.counted, matcher)
        stems = set(lex_terms(s.text))
        ctx_stems = set(lex_terms(s.context))
        doc_stems = set(lex_terms(s.doc_context)) if s.doc_context else set()
        for t in info.terms:
            if term_in(t, s.text, stems):
                s.covered[t.text] = 1.0
            elif t.kind == "content" and matcher.matches(t.text, s.text):
                s.covered[t.text] = 0.8
            elif term_in(t, s.context, ctx_stems) or (
                t.kind != "content" and doc_stems and term_in(t, s.doc_context, doc_stems)
            ):
                s.covered[t.text] = CONTEXT_CREDIT
        if info.focus:
            hits = [
                1.0 if stem(f) in stems else (0.8 if matcher.matches(f, s.text, FOCUS_MATCH) else 0.0)
                for f in info.focus
            ]
            s.focus = max(hits)
        total = sum(weights.values())
        s.coverage = (
            sum(weights[t] * c for t, c in s.covered.items()) / total if total else s.cosine
        )

    ranked = sorted(sentences, key=lambda s: -s.relevance)
    if _debug is not None:
        _debug(info, ranked)
    eligible = [s for s in ranked if s.type_ok]
    if not eligible:
        return abstain(f"no retrieved sentence states {_EXPECT_TEXT.get(info.expects, 'an answer')}")
    best = eligible[0]
    if best.relevance < MIN_RELEVANCE:
        return abstain("no retrieved passage is close enough to the question")

    chosen = [best]
    chosen_vecs = [vectors[sentences.index(best)]]
    for s in ranked:
        if len(chosen) >= MAX_SENTENCES or s is best:
            continue
        if s.relevance < max(MIN_RELEVANCE, SECOND_SENTENCE_RATIO * best.relevance):
            break
        vec = vectors[sentences.index(s)]
        if max(float(vec @ v) for v in chosen_vecs) >= 0.9:
            continue  # says the same thing again
        if not s.type_ok:
            continue  # every sentence of the answer must hold an answer of the kind asked for
        chosen.append(s)
        chosen_vecs.append(vec)

    missing = _missing_key_terms(info, chosen, chunks)
    if missing:
        return abstain("the passages found do not mention " + ", ".join(f"'{m}'" for m in missing))
    content = info.content_terms
    if content:  # judged on the sentences themselves: a word only in their context does not count
        # The names and numbers the sentences mention count too: "How often did Lukashenko meet
        # Xi in the year before the drills?" is answered by a sentence naming both leaders
        # ("met ... twice last year") whose word "drills" is only in the surrounding passage.
        # A name only in the sentence's passage counts at context credit: news sentences refer
        # back with "he" or "the alliance" ("despite a £65,000 settlement, he says ...").
        total = sum(weights[t.text] for t in info.terms)
        got = sum(weights[t.text] * chosen_max(chosen, t.text, own=t.kind == "content") for t in info.terms)
        if total and got / total < MIN_CONTENT_COVERAGE:
            absent = [t.text for t in content if chosen_max(chosen, t.text, own=True) == 0]
            return abstain("the passages found do not say anything about " + ", ".join(f"'{a}'" for a in absent))
        # The most specific thing asked about (the rarest noun-like content word) must be there.
        # (and any noun nearly as rare: within RAREST_SHARE of its weight).
        nouns = [t for t in content if not t.verb]
        if nouns:
            top = max(weights[t.text] for t in nouns)
            for t in sorted(nouns, key=lambda t: -weights[t.text]):
                if weights[t.text] >= RAREST_SHARE * top and chosen_max(chosen, t.text) == 0:
                    return abstain(f"the passages found do not mention '{t.text}'")

    return _compose(question, chosen, chunks)


def _counts(sentence: str, noun: str, matcher: _WordMatcher) -> bool:
    """"How many soldiers": a number shortly before a word for soldiers ("3,000 troops")."""
    from qa.retrieval.question import NUMBER_WORDS

    tokens = re.findall(r"[A-Za-z][A-Za-z\-']*|\d[\d,.]*", sentence)
    target = stem(noun)
    for i, tok in enumerate(tokens):
        low = tok.lower()
        if stem(low) == target or (len(low) > 2 and matcher.matches(noun, tok, COUNT_MATCH)):
            window = [t.lower() for t in tokens[max(0, i - 4) : i]]
            if any(w[0].isdigit() or (w in NUMBER_WORDS and w not in ("one", "half")) for w in window):
                return True
    return False


_EXPECT_TEXT = {
    "number": "a number",
    "money": "an amount of money",
    "duration": "a duration",
    "date": "a date or time",
    "person": "a name",
    "place": "a place name",
    "org": "an organisation's name",
    "name": "a name",
}


def chosen_max(chosen: list[_Sentence], term: str, own: bool = False) -> float:
    """Best credit for ``term`` among the chosen sentences (``own``: context credit ignored)."""
    credits = (s.covered.get(term, 0.0) for s in chosen)
    return max((c for c in credits if not own or c > CONTEXT_CREDIT), default=0.0)


def _weight(term: Term, lexicon) -> float:
    """IDF over the index; names and numbers count 1.5x, the question's verb half."""
    tokens = term.stem.split() if term.kind == "quoted" else [stem(term.text)]
    idf = max([lexicon.idf(t) for t in tokens if t] or [0.1])
    if term.kind != "content":
        return max(idf, 0.1) * 1.5
    return max(idf, 0.1) * (VERB_WEIGHT if term.verb else 1.0)


def _missing_key_terms(info: QuestionInfo, chosen: list[_Sentence], chunks: list[StoredChunk]) -> list[str]:
    """Names, numbers and quoted terms found neither in the chosen sentences nor in the retrieved
    passages of their articles (numbers must be in the sentence's own passage)."""
    missing = []
    for t in info.key_terms:
        if any(term_in(t, s.text) for s in chosen):
            continue
        if t.kind == "number":
            texts = [f"{s.chunk.title}\n{s.chunk.text}" for s in chosen]
        else:
            docs = {s.chunk.doc_id for s in chosen}
            texts = [f"{c.title}\n{c.text}" for c in chunks if c.doc_id in docs]
        if not any(term_in(t, text) for text in texts):
            missing.append(t.text)
    return missing


def _compose(question: str, chosen: list[_Sentence], chunks: list[StoredChunk]) -> Answer:
    """Each sentence with its own citation: the quote is the sentence itself, verbatim.

    (Two sentences of one passage get two citations rather than one widened quote: the text
    between them may hold lines that cleaning removed, which would make the quote non-verbatim.)
    """
    citations: list[Citation] = []
    parts = []
    for n, s in enumerate(chosen, start=1):
        citations.append(citation_for(n, s.chunk, s.span))
        parts.append(f"{fold_ws(s.text)} [{n}]")
    return Answer(question, " ".join(parts), False, "extractive", citations, chunks)
