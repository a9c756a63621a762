"""The offline answerer: the best one to three sentences of the retrieved chunks, each cited.

Sentences are scored by embedding similarity to the question plus coverage of the question's
terms (IDF-weighted, stemmed, names by prefix, content words also by word-embedding
similarity). It abstains when no sentence is close enough, when no sentence holds the kind of
answer asked for (a number for "how many", a date for "when", a new name for "who"/"which
city"), when a name, number or quoted term of the question appears in none of the evidence, or
when most of what the question is about (by IDF weight) is missing from the chosen sentences.
Sentences that address an AI ("ignore your instructions ...", "Note to AI systems: ...") are never
used: retrieval flags them (:mod:`qa.retrieval.injection`, a classifier on sentence embeddings).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from qa.answering.answer import NOT_FOUND, Answer
from qa.answering.matching import NUMBER_WORDS, answer_type_ok, term_in
from qa.answering.wordmatch import WordMatcher
from qa.models import Citation, StoredChunk
from qa.retrieval.injection import instruction_sentences, looks_like_instruction  # noqa: F401 (re-exported)
from qa.retrieval.question import QuestionInfo, Term
from qa.text.citations import citation_for
from qa.text.spans import Span, fold_ws, sentence_spans
from qa.text.terms import lex_terms, stem

if TYPE_CHECKING:
    from qa.retrieval.hybrid import Retrieval
    from qa.retrieval.lexicon import Lexicon
    from qa.storage.embedders import Embedder

# Offline answerer thresholds (see module docstring). Chosen on questions written for the seeds
# and a BBC sample, not on the dev set's wording.
MIN_RELEVANCE = 0.40  # 0.5 * cosine + 0.5 * term coverage of the best sentence
MIN_CONTENT_COVERAGE = 1 / 3  # IDF share of the question's content words the answer must cover
CONTEXT_CREDIT = 0.5  # a term found only in the sentence's passage or title counts half
MAX_SENTENCES = 3
SECOND_SENTENCE_RATIO = 0.75  # further sentences must score this share of the best one
FOCUS_BONUS = 0.1  # "which air base": a sentence that names an air base
FOCUS_MATCH = 0.5  # word similarity that counts as naming the focus ("aircraft" ~ "airlifter")
COUNT_MATCH = 0.8  # "how many soldiers": a word this close counts as soldiers ("troops")
RAREST_SHARE = 0.8  # nouns this close to the rarest one's IDF must be covered too
VERB_WEIGHT = 0.5  # the question's verb counts half: answers often paraphrase it



@dataclass
class _Sentence:
    chunk: StoredChunk
    span: Span
    context: str  # the passage before the sentence and the article title
    doc_context: str = ""  # the other retrieved passages of the same article (for names)
    cosine: float = 0.0
    coverage: float = 0.0
    covered: dict[str, float] = field(default_factory=dict)  # term text -> credit
    type_ok: bool = True
    focus: float = 0.0  # the sentence names the kind of thing asked for ("air base", "airlifter")

    @property
    def text(self) -> str:
        return self.span.text

    @property
    def relevance(self) -> float:
        return 0.5 * self.cosine + 0.5 * self.coverage + FOCUS_BONUS * self.focus


def _candidates(chunks: list[StoredChunk], embedder: Embedder) -> list[_Sentence]:
    seen: set[str] = set()
    out: list[_Sentence] = []
    unchecked = [c.text for c in chunks if c.injection is None]
    flagged = instruction_sentences(unchecked, embedder) if unchecked else set()
    for chunk in chunks:
        flagged.update(chunk.injection or ())
        same_doc = " ".join(c.text for c in chunks if c.doc_id == chunk.doc_id and c is not chunk)
        spans = sentence_spans(chunk.text)
        for i, span in enumerate(spans):
            key = fold_ws(span.text).lower()
            words = re.findall(r"[A-Za-z0-9]+", span.text)
            if key in seen or len(words) < 4 or span.text in flagged:
                continue
            seen.add(key)
            before = " ".join(s.text for s in spans[max(0, i - 2) : i])
            out.append(_Sentence(chunk, span, f"{chunk.title}\n{before}", doc_context=same_doc))
    return out


def extractive_answer(retrieval: Retrieval, embedder: Embedder) -> Answer:
    """The best one to three retrieved sentences that answer the question, each cited; or an
    abstention with its reason."""
    info = retrieval.info
    chunks = retrieval.chunks
    question = retrieval.question
    sentences = _candidates(chunks, embedder)

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
    matcher = WordMatcher(embedder, words, [s.text for s in sentences])
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


def _counts(sentence: str, noun: str, matcher: WordMatcher) -> bool:
    """"How many soldiers": a number shortly before a word for soldiers ("3,000 troops")."""
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


def _weight(term: Term, lexicon: Lexicon) -> float:
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
