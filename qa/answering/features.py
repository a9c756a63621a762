"""What the learned offline answerer sees of each candidate sentence: one row of numbers.

A candidate is a sentence of a retrieved chunk (at least four words, not an instruction to an AI,
each sentence once). Its features come from what the pipeline already has: MiniLM similarity of
the question to the sentence, to its neighbours and to its passage (through the retrieval rank);
how much of the question (IDF-weighted: names, numbers, quoted phrases, content words) the
sentence, its neighbours and its passage mention, exactly or through a word-embedding match;
whether it holds the kind of answer asked for (a number for "how many", a date for "when");
what it adds beyond the question's own words; its length and position.

:data:`SENTENCE_FEATURES` names the columns of :func:`featurize`'s matrix; the shipped weights
(``answerer_model.json``, by ``scripts/train_answerer.py``) are checked against these names. The
question-level row the abstention model sees is in :mod:`qa.answering.question_features`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from qa.answering.matching import NUMBER_WORDS, answer_type_ok, dated, term_in
from qa.answering.residual import RESIDUAL_FEATURES, residual_features
from qa.answering.wordmatch import WordMatcher
from qa.retrieval.injection import instruction_sentences
from qa.retrieval.question import QuestionInfo, Term
from qa.storage.embedders import cached_vectors
from qa.text.spans import Span, fold_ws, sentence_spans
from qa.text.terms import lex_terms, stem, terms

if TYPE_CHECKING:
    from qa.models import StoredChunk
    from qa.retrieval.hybrid import Retrieval
    from qa.retrieval.lexicon import Lexicon
    from qa.storage.embedders import Embedder

# Words that turn a statement around, or single out one thing of several: a question that has one
# that its sentence lacks is often about something the sentence does not say.
NEGATIONS = frozenset("not no never none nothing nobody neither nor without cannot n't".split())
CONTRASTS = frozenset(
    """first second third fourth fifth last final only earliest latest largest smallest biggest
    highest lowest longest shortest oldest newest youngest most least best worst""".split()
) | (NUMBER_WORDS - {"half", "several", "dozens", "hundreds", "thousands", "millions", "billions"})

SOFT_CREDIT = 0.8  # a content word matched by word-embedding similarity, not by its stem
MIN_WORDS = 4  # shorter spans (datelines, bylines) are never candidates

SENTENCE_FEATURES = (
    "cos",  # MiniLM cosine, question vs sentence
    "cos_gap",  # cos minus the best cos among the candidates
    "cos_rank",  # 1 / (1 + rank of cos)
    "cos_prev",  # cosine of the sentence before it (0 when none)
    "cos_next",
    "chunk_rank",  # 1 / (1 + rank of its chunk in retrieval)
    "chunk_score",  # fused retrieval score relative to the best chunk
    "cov",  # IDF share of the question's terms the sentence mentions
    "cov_soft",  # ... content words also by word-embedding match
    "cov_gap",  # cov_soft minus the best cov_soft among the candidates
    "cov_prev",  # the sentence and the one before it together
    "cov_ctx",  # the sentence, its title and the two sentences before it
    "key",  # share of the question's names, numbers and quoted terms in the sentence
    "key_doc",  # ... in the sentence's retrieved passages of its article
    "content",  # IDF share of the question's content words in the sentence (soft)
    "rarest",  # the question's rarest content word is in the sentence (soft)
    "bigrams",  # share of the question's word pairs found as pairs in the sentence
    "type_ok",  # holds the kind of answer asked for (1 when the question asks for none)
    "type_ok_x",  # type_ok when the question asks for a kind (0 otherwise)
    "focus",  # names the kind of thing asked for ("which city": a city word)
    "new",  # share of the sentence's words that are not the question's
    "log_words",
    "first",  # first sentence of its chunk
    "density",  # question stems in the sentence / the sentence's stems
    "neg_q_only",  # the question is negated ("not", "never", "non-") and the sentence is not
    "neg_s_only",  # the sentence is negated and the question is not
    "contrast_missing",  # share of the question's ordinals, superlatives and number words it lacks
    "uncovered_max",  # weight share of the heaviest question term found nowhere near the sentence
    "soft_only",  # weight share of terms matched only by word similarity, not by stem
    "cov_doc",  # IDF share of the question's terms in the retrieved passages of its article
    *RESIDUAL_FEATURES,  # what the question asks beyond its subject sentence (qa.answering.residual)
)


@dataclass
class Candidate:
    chunk: StoredChunk
    span: Span
    chunk_rank: int
    index: int  # position of the sentence in its chunk
    prev: str = ""  # the sentence before it in the chunk ("" when first)
    next: str = ""
    context: str = ""  # title and the two sentences before it
    doc_context: str = ""  # the other retrieved passages of the same article, with the title
    covered: dict[str, float] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.span.text


@dataclass
class Featurized:
    """The candidates of one question and their feature matrix (rows follow ``candidates``)."""

    info: QuestionInfo
    candidates: list[Candidate]
    x: np.ndarray  # (n, len(SENTENCE_FEATURES))
    vectors: np.ndarray  # sentence embeddings, rows follow candidates
    weights: dict[str, float]  # question term -> IDF weight
    key_missing: float  # share of key-term weight found in no retrieved passage
    top_chunk_score: float


def candidates(chunks: list[StoredChunk], embedder: Embedder) -> list[Candidate]:
    """Every sentence of the retrieved chunks that can be an answer, once, in retrieval order."""
    seen: set[str] = set()
    out: list[Candidate] = []
    unchecked = [c.text for c in chunks if c.injection is None]
    flagged = instruction_sentences(unchecked, embedder) if unchecked else set()
    for chunk in chunks:
        flagged.update(chunk.injection or ())
    for rank, chunk in enumerate(chunks):
        same_doc = " ".join(c.text for c in chunks if c.doc_id == chunk.doc_id and c is not chunk)
        spans = sentence_spans(chunk.text)
        for i, span in enumerate(spans):
            key = fold_ws(span.text).lower()
            words = re.findall(r"[A-Za-z0-9]+", span.text)
            if key in seen or len(words) < MIN_WORDS or span.text in flagged:
                continue
            seen.add(key)
            prev = spans[i - 1].text if i > 0 and spans[i - 1].text not in flagged else ""
            nxt = spans[i + 1].text if i + 1 < len(spans) and spans[i + 1].text not in flagged else ""
            before = " ".join(s.text for s in spans[max(0, i - 2) : i] if s.text not in flagged)
            context, doc_context = f"{chunk.title}\n{before}", f"{chunk.title}\n{same_doc}"
            out.append(Candidate(chunk, span, rank, i, prev=prev, next=nxt, context=context, doc_context=doc_context))
    return out


def term_weight(term: Term, lexicon: Lexicon) -> float:
    """IDF over the index; names, numbers and quoted terms count 1.5x, the question's verb half."""
    tokens = term.stem.split() if term.kind == "quoted" else [stem(term.text)]
    idf = max([lexicon.idf(t) for t in tokens if t] or [0.1])
    if term.kind != "content":
        return max(idf, 0.1) * 1.5
    return max(idf, 0.1) * (0.5 if term.verb else 1.0)


def _negated(words: list[str]) -> bool:
    return any(w in NEGATIONS or w.endswith("n't") or w.startswith("non-") for w in words)


def _bigrams(stems: list[str]) -> set[tuple[str, str]]:
    return set(zip(stems, stems[1:], strict=False))


def featurize(retrieval: Retrieval, embedder: Embedder) -> Featurized:
    """The candidates of ``retrieval`` and one feature row each (see :data:`SENTENCE_FEATURES`)."""
    info = retrieval.info
    chunks = retrieval.chunks
    cands = candidates(chunks, embedder)
    weights = {t.text: term_weight(t, retrieval.lexicon) for t in info.terms}
    top_raw = max((c.score or 0.0 for c in chunks), default=0.0)
    top_score = top_raw or 1.0
    key_terms = info.key_terms
    key_total = sum(weights[t.text] for t in key_terms)
    all_text = "\n".join(dated(f"{c.title}\n{c.text}", c.date) for c in chunks)
    key_missing = (
        sum(weights[t.text] for t in key_terms if not term_in(t, all_text)) / key_total if key_total else 0.0
    )
    n_feat = len(SENTENCE_FEATURES)
    if not cands:
        return Featurized(info, [], np.zeros((0, n_feat)), np.zeros((0, 1)), weights, key_missing, top_raw)

    texts = [c.text for c in cands]
    neighbours = [t for c in cands for t in (c.prev, c.next) if t]
    extra = [t for t in dict.fromkeys(neighbours) if t not in set(texts)]
    vecs = cached_vectors(embedder, texts + extra)
    vectors = vecs[: len(texts)]
    q = retrieval.query_vector
    cos_of = dict(zip(texts + extra, (vecs @ q).tolist(), strict=True))
    cos = np.array([cos_of[t] for t in texts])

    words = [t.text for t in info.content_terms]
    for extra_word in [info.counted, *info.focus]:
        if extra_word and extra_word not in words:
            words.append(extra_word)
    matcher = WordMatcher(embedder, words, texts + [c.prev for c in cands if c.prev])
    q_lex = lex_terms(info.question)
    q_stems = set(q_lex) | {stem(f) for f in info.focus}
    q_bigrams = _bigrams(q_lex)
    total = sum(weights.values())
    content = info.content_terms
    content_total = sum(weights[t.text] for t in content)
    nouns = [t for t in content if not t.verb] or content
    rarest = max(nouns, key=lambda t: weights[t.text]) if nouns else None

    def credit(term: Term, text: str, stems: set[str]) -> float:
        if term_in(term, text, stems):
            return 1.0
        if term.kind == "content" and matcher.matches(term.text, text):
            return SOFT_CREDIT
        return 0.0

    def share(credits: dict[str, float], terms: list[Term], denom: float) -> float:
        return sum(weights[t.text] * credits.get(t.text, 0.0) for t in terms) / denom if denom else 1.0

    q_words = terms(info.question)
    q_neg = _negated(q_words)
    q_contrasts = {w for w in q_words if w in CONTRASTS}
    stem_memo: dict[str, set[str]] = {}
    rows = []
    for c in cands:
        stems_list = lex_terms(c.text)
        stems = set(stems_list)
        soft = {t.text: credit(t, c.text, stems) for t in info.terms}
        exact = {k: 1.0 if v == 1.0 else 0.0 for k, v in soft.items()}
        c.covered = soft
        prev_stems = set(lex_terms(c.prev)) if c.prev else set()
        with_prev = {
            t.text: max(soft[t.text], credit(t, c.prev, prev_stems) if c.prev else 0.0) for t in info.terms
        }
        ctx_stems = set(lex_terms(c.context))
        with_ctx = {t.text: max(soft[t.text], 1.0 if term_in(t, c.context, ctx_stems) else 0.0) for t in info.terms}
        doc_text = dated(f"{c.doc_context}\n{c.chunk.text}", c.chunk.date)
        doc_stems = stem_memo.get(doc_text)
        if doc_stems is None:
            doc_stems = stem_memo[doc_text] = set(lex_terms(doc_text))
        key_doc = (
            sum(weights[t.text] for t in key_terms if term_in(t, doc_text, doc_stems)) / key_total
            if key_total
            else 1.0
        )
        type_ok = answer_type_ok(info.expects, c.text, q_stems)
        focus = 0.0
        if info.focus:
            focus = max(
                1.0 if stem(f) in stems else (SOFT_CREDIT if matcher.matches(f, c.text, 0.5) else 0.0)
                for f in info.focus
            )
        new = [s for s in stems_list if s not in q_stems]
        s_words = terms(c.text)
        s_neg = _negated(s_words)
        near = {t.text: max(with_prev[t.text], with_ctx[t.text]) for t in info.terms}
        uncovered = [weights[t.text] for t in info.terms if near[t.text] == 0.0]
        soft_only = sum(weights[t.text] for t in info.terms if 0.0 < soft[t.text] < 1.0)
        in_doc = sum(weights[t.text] for t in info.terms if soft[t.text] > 0 or term_in(t, doc_text, doc_stems))
        rows.append(
            [
                0.0,  # cos, filled below
                0.0,
                0.0,
                cos_of.get(c.prev, 0.0) if c.prev else 0.0,
                cos_of.get(c.next, 0.0) if c.next else 0.0,
                1.0 / (1 + c.chunk_rank),
                (c.chunk.score or 0.0) / top_score,
                share(exact, list(info.terms), total) if total else 0.0,
                share(soft, list(info.terms), total) if total else 0.0,
                0.0,  # cov_gap, filled below
                share(with_prev, list(info.terms), total) if total else 0.0,
                share(with_ctx, list(info.terms), total) if total else 0.0,
                share(soft, key_terms, key_total),
                key_doc,
                share(soft, content, content_total),
                soft.get(rarest.text, 0.0) if rarest else 1.0,
                len(q_bigrams & _bigrams(stems_list)) / len(q_bigrams) if q_bigrams else 0.0,
                float(type_ok),
                float(type_ok) if info.expects != "any" else 0.0,
                focus,
                len(new) / len(stems_list) if stems_list else 0.0,
                math.log(1 + len(re.findall(r"[A-Za-z0-9]+", c.text))),
                float(c.index == 0),
                len(stems & q_stems) / len(stems) if stems else 0.0,
                float(q_neg and not s_neg),
                float(s_neg and not q_neg),
                len(q_contrasts - set(s_words)) / len(q_contrasts) if q_contrasts else 0.0,
                max(uncovered) / total if uncovered and total else 0.0,
                soft_only / total if total else 0.0,
                in_doc / total if total else 1.0,
                *([0.0] * len(RESIDUAL_FEATURES)),  # filled below
            ]
        )
    x = np.asarray(rows, dtype=np.float64)
    x[:, 0] = cos
    x[:, 1] = cos - cos.max()
    order = np.argsort(-cos, kind="stable")
    ranks = np.empty(len(cos))
    ranks[order] = np.arange(len(cos))
    x[:, 2] = 1.0 / (1 + ranks)
    ci = SENTENCE_FEATURES.index("cov_soft")
    x[:, SENTENCE_FEATURES.index("cov_gap")] = x[:, ci] - x[:, ci].max()
    first = SENTENCE_FEATURES.index(RESIDUAL_FEATURES[0])
    x[:, first : first + len(RESIDUAL_FEATURES)] = residual_features(info, cands, x[:, ci], cos, vectors, weights, embedder)
    return Featurized(info, cands, x, vectors, weights, key_missing, top_raw)
