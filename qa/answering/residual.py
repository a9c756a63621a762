"""What a question asks beyond its subject sentence.

News questions name their subject at length ("... the 2016 springtime drills, billed as the
largest ever, that prompted North Korea's threat") and ask for one detail that the article gives in
another sentence, often the next one. The candidate that covers most of the question's terms is
taken as its subject sentence; the terms it lacks, with the question's wh-phrase, are what is
still asked. SQuAD-style questions, written from one sentence, have little left over, so the
features below cost them nothing: the learned scorer weighs them.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np

from qa.storage.embedders import cached_vectors
from qa.text.spans import fold_ws, sentence_spans

if TYPE_CHECKING:
    from qa.answering.features import Candidate
    from qa.retrieval.question import QuestionInfo
    from qa.storage.embedders import Embedder

RESIDUAL_FEATURES = (
    "is_subject",  # the candidate that covers most of the question (ties: the closer by cosine)
    "after_subject",  # 1 / distance for the two sentences after the subject sentence in its passage
    "rest_cov",  # weight share of the terms the subject sentence lacks that this sentence covers
    "cos_rest",  # MiniLM cosine to what is still asked (the wh-phrase and the terms left over)
)
AFTER_WINDOW = 2  # sentences after the subject sentence that may carry the detail asked for

_WH_RE = re.compile(r"\b(?:how (?:many|much|often|long|far|old)|what|which|who|whom|whose|when|where|why|how)\b", re.I)


def _key(text: str) -> str:
    return fold_ws(text).lower()


def residual_features(
    info: QuestionInfo,
    cands: list[Candidate],
    cov_soft: np.ndarray,
    cos: np.ndarray,
    vectors: np.ndarray,
    weights: dict[str, float],
    embedder: Embedder,
) -> np.ndarray:
    """One row of :data:`RESIDUAL_FEATURES` per candidate. ``cov_soft`` and ``cos`` are the
    candidates' question coverage and cosine; ``c.covered`` holds each term's credit."""
    out = np.zeros((len(cands), len(RESIDUAL_FEATURES)))
    if not cands:
        return out
    subject_i = max(range(len(cands)), key=lambda i: (cov_soft[i], cos[i]))
    subject = cands[subject_i]
    out[subject_i, 0] = 1.0
    # The sentences after the subject sentence, read from its passage: a candidate is kept once,
    # under the first passage that holds it, which for overlapping passages may be another one.
    following = sentence_spans(subject.chunk.text)[subject.index + 1 : subject.index + 1 + AFTER_WINDOW]
    distance = {_key(s.text): n for n, s in enumerate(following, start=1)}
    for i, c in enumerate(cands):
        if c.chunk.doc_id == subject.chunk.doc_id and _key(c.text) in distance:
            out[i, 1] = 1.0 / distance[_key(c.text)]
    rest = [t for t in info.terms if subject.covered.get(t.text, 0.0) < 1.0]
    rest_total = sum(weights[t.text] for t in rest)
    if not rest or rest_total <= 0:
        out[:, 3] = cos  # nothing left over: what is asked is the question itself
        return out
    out[:, 2] = [sum(weights[t.text] * c.covered.get(t.text, 0.0) for t in rest) / rest_total for c in cands]
    wh = " ".join(m.group(0).lower() for m in _WH_RE.finditer(info.question)) or "what"
    asked = f"{wh} {' '.join(t.text for t in rest)}?"
    out[:, 3] = vectors @ cached_vectors(embedder, [asked])[0]
    return out
