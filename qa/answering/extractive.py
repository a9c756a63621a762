"""The offline answerer: the best one to three sentences of the retrieved chunks, each cited, or an
abstention with its reason.

Every candidate sentence gets a row of features (:mod:`qa.answering.features`: MiniLM
similarity to the question, coverage of the question's terms, answer-type evidence, its
neighbours, its passage's retrieval rank). A learned scorer (:mod:`qa.answering.scorer`) ranks
them (for a question asking for a number, only sentences that hold one); the best sentence, with
up to two more that score at least half as well and say something else, is the answer. A second learned model gives the calibrated probability that this answer is right,
and the answerer abstains below the operating point chosen on training data (see
``scripts/train_answerer.py``). One hard check stays: a name, number or quoted term the question
turns on that appears in none of the retrieved passages of the best sentence's article means that
article is about something else.

Sentences that address an AI ("ignore your instructions ...", "Note to AI systems: ...") are never
used: retrieval flags them (:mod:`qa.retrieval.injection`, a classifier on sentence embeddings).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np

from qa.answering.answer import NOT_FOUND, Answer, Draft
from qa.answering.features import SENTENCE_FEATURES, Candidate, featurize
from qa.answering.matching import NUMBER_WORDS, dated, term_in
from qa.answering.question_features import question_features
from qa.answering.scorer import answer_probability, extra_ratio, sentence_logits, threshold
from qa.answering.wordmatch import WordMatcher
from qa.models import Citation, StoredChunk
from qa.retrieval.injection import instruction_sentences, looks_like_instruction  # noqa: F401 (re-exported)
from qa.retrieval.question import QuestionInfo
from qa.text.citations import citation_for
from qa.text.spans import fold_ws
from qa.text.terms import stem

if TYPE_CHECKING:
    from qa.retrieval.hybrid import Retrieval
    from qa.storage.embedders import Embedder

MAX_SENTENCES = 3
REDUNDANT = 0.9  # cosine at which a further sentence says the same thing again
# Questions whose answer must hold a number ("how many", "how much did it cost"): a sentence
# without one cannot be the answer, however close it is.
NUMERIC = ("number", "money")
EXCLUDED = -50.0  # the logit given to a sentence that cannot be the answer


COUNT_WINDOW = 4  # "3,000 Chinese troops": the number stands at most this many words before the noun
COUNT_MATCH = 0.8  # word similarity at which a word names what was counted ("troops" ~ "soldiers")


def eligible_logits(info: QuestionInfo, x: np.ndarray, logits: np.ndarray) -> np.ndarray:
    """``logits`` with the sentences that cannot answer the question pushed to the bottom: for a
    question asking for a number, those that hold none."""
    if info.expects not in NUMERIC or not len(logits):
        return logits
    ok = x[:, SENTENCE_FEATURES.index("type_ok")] > 0
    return np.where(ok, logits, EXCLUDED)


def counts_noun(info: QuestionInfo, sentence: str, embedder: Embedder) -> float:
    """For "how many N": 1.0 when a number in ``sentence`` counts N (or a word for it), else 0.0;
    1.0 for any other question. A feature of the answer model, not a rule."""
    if not info.counted:
        return 1.0
    return float(counts(sentence, info.counted, WordMatcher(embedder, [info.counted], [sentence])))


def counts(sentence: str, noun: str, matcher: WordMatcher) -> bool:
    """Whether a number stands shortly before ``noun`` or a word for it ("3,000 troops")."""
    tokens = re.findall(r"[A-Za-z][A-Za-z\-']*|\d[\d,.]*", sentence)
    target = stem(noun)
    for i, tok in enumerate(tokens):
        low = tok.lower()
        if stem(low) == target or (len(low) > 2 and matcher.matches(noun, tok, COUNT_MATCH)):
            window = [t.lower() for t in tokens[max(0, i - COUNT_WINDOW) : i]]
            if any(w[0].isdigit() or (w in NUMBER_WORDS and w not in ("one", "half")) for w in window):
                return True
    return False


def choose(logits: np.ndarray, sims: np.ndarray, ratio: float, limit: int = MAX_SENTENCES) -> list[int]:
    """Indices of the answer's sentences: the best, then up to ``limit - 1`` others whose
    probability is at least ``ratio`` times the best's and that repeat no chosen sentence."""
    order = [int(i) for i in np.argsort(-logits, kind="stable")]
    if not order:
        return []
    probs = 1.0 / (1.0 + np.exp(-logits))
    picks = [order[0]]
    for i in order[1:]:
        if len(picks) >= limit or probs[i] < ratio * probs[order[0]]:
            break
        if max(float(sims[i, j]) for j in picks) >= REDUNDANT:
            continue
        picks.append(i)
    return picks


def missing_key_terms(info: QuestionInfo, best: Candidate, chunks: list[StoredChunk]) -> list[str]:
    """Names, numbers and quoted terms of the question found in no retrieved passage (or title) of
    the best sentence's article; a year or month also counts as found in its publication date
    or period."""
    texts = [dated(f"{c.title}\n{c.text}", c.date, c.date_period) for c in chunks if c.doc_id == best.chunk.doc_id]
    return [t.text for t in info.key_terms if not any(term_in(t, text) for text in texts)]


def extractive_answer(retrieval: Retrieval, embedder: Embedder) -> Answer:
    """The best one to three retrieved sentences that answer the question, each cited; or an
    abstention with its reason. ``Answer.confidence`` is the calibrated probability that the
    answer is right (0 when a hard check failed), whether or not it was given."""
    chunks = retrieval.chunks
    question = retrieval.question
    f = featurize(retrieval, embedder)

    def abstain(reason: str, confidence: float = 0.0, draft: Draft | None = None) -> Answer:
        return Answer(
            question, NOT_FOUND, True, "extractive", [], chunks, reason=reason, confidence=confidence, draft=draft
        )

    if not f.candidates:
        return abstain("the retrieved passages hold no usable sentence")

    logits = eligible_logits(f.info, f.x, sentence_logits(f.x))
    if logits.max() <= EXCLUDED:
        return abstain("no retrieved sentence states a number")
    picks = choose(logits, f.vectors @ f.vectors.T, extra_ratio())
    chosen = [f.candidates[i] for i in picks]
    text, citations = _compose(chosen)
    draft = Draft(text, citations)
    missing = missing_key_terms(f.info, chosen[0], chunks)
    if missing:
        return abstain("the passages found do not mention " + ", ".join(f"'{m}'" for m in missing), 0.0, draft)
    p = answer_probability(question_features(f, logits, picks[0], counts_noun(f.info, chosen[0].text, embedder)))
    if p < threshold():
        return abstain(
            f"no retrieved sentence answers it with enough confidence ({p:.2f}, below {threshold():.2f})", p, draft
        )
    return Answer(question, text, False, "extractive", citations, chunks, confidence=p, draft=draft)


def _compose(chosen: list[Candidate]) -> tuple[str, list[Citation]]:
    """Each sentence with its own citation: the quote is the sentence itself, verbatim.

    (Two sentences of one passage get two citations rather than one widened quote: the text
    between them may hold lines that cleaning removed, which would make the quote non-verbatim.)
    """
    citations: list[Citation] = []
    parts = []
    for n, s in enumerate(chosen, start=1):
        citations.append(citation_for(n, s.chunk, s.span))
        parts.append(f"{fold_ws(s.text)} [{n}]")
    return " ".join(parts), citations
