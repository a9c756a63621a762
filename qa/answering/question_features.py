"""What the learned offline answerer's abstention model sees of one question: one row of numbers.

Computed once the sentence scorer has picked the best candidate: how likely that sentence is to
hold the answer and how far ahead of the runner-up it is, the best sentence's own values of some
sentence features (:data:`qa.answering.features.SENTENCE_FEATURES`), and what the question needs
(names, numbers, a particular kind of answer) and whether retrieval found it.

:data:`QUESTION_FEATURES` names the columns of :func:`question_features`'s row; the shipped weights
(``answerer_model.json``, by ``scripts/train_answerer.py``) are checked against these names.
"""

from __future__ import annotations

import math

import numpy as np

from qa.answering.features import SENTENCE_FEATURES, Featurized

QUESTION_FEATURES = (
    "p_best",  # scorer probability of the best sentence
    "p_second",
    "logit_gap",  # logit of the best minus logit of the second
    "cos_best",  # the best sentence's cos
    "cos_max",  # the best cos among the candidates
    "cov_best",  # the best sentence's cov_soft
    "content_best",
    "rarest_best",
    "key_best",
    "key_doc_best",
    "type_ok_best",
    "has_key",  # the question has names, numbers or quoted terms
    "key_missing",  # share of them found nowhere in the retrieved passages
    "expects_any",  # the question asks for no particular kind of answer
    "neg_q_only_best",
    "neg_s_only_best",
    "contrast_missing_best",
    "uncovered_max_best",
    "soft_only_best",
    "cov_doc_best",
    "cov_prev_best",
    "counts_best",  # "how many N": a number in the best sentence counts N (1 for other questions)
    "n_terms_log",
    "top_chunk_score",  # fused retrieval score of the best chunk (x 60)
)


# Question features that are the best sentence's own value of a sentence feature.
_BEST_SENTENCE_VALUES = {
    "cos_best": "cos",
    "cov_best": "cov_soft",
    "content_best": "content",
    "rarest_best": "rarest",
    "key_best": "key",
    "key_doc_best": "key_doc",
    "type_ok_best": "type_ok",
    "neg_q_only_best": "neg_q_only",
    "neg_s_only_best": "neg_s_only",
    "contrast_missing_best": "contrast_missing",
    "uncovered_max_best": "uncovered_max",
    "soft_only_best": "soft_only",
    "cov_doc_best": "cov_doc",
    "cov_prev_best": "cov_prev",
}


def question_features(f: Featurized, logits: np.ndarray, best: int, counts_best: float = 1.0) -> np.ndarray:
    """One row for the abstention model: how good the best candidate (index ``best``) is, how
    far ahead of the rest, and what the question needs (see :data:`QUESTION_FEATURES`)."""
    row = f.x[best]
    order = np.argsort(-logits, kind="stable")
    # the runner-up, at most 5 logits behind (no runner-up, or one excluded, counts as 5 behind)
    second = max(logits[order[1]] if len(order) > 1 else -np.inf, logits[best] - 5.0)
    info = f.info
    values = {name: row[SENTENCE_FEATURES.index(src)] for name, src in _BEST_SENTENCE_VALUES.items()}
    values.update(
        p_best=float(1 / (1 + np.exp(-logits[best]))),
        p_second=1 / (1 + math.exp(-second)),
        logit_gap=logits[best] - second,
        cos_max=float(f.x[:, SENTENCE_FEATURES.index("cos")].max()),
        has_key=float(bool(info.key_terms)),
        key_missing=f.key_missing,
        expects_any=float(info.expects == "any"),
        counts_best=counts_best,
        n_terms_log=math.log(1 + len(info.terms)),
        top_chunk_score=f.top_chunk_score * 60.0,  # RRF: about 1 for first place in one channel
    )
    return np.array([values[name] for name in QUESTION_FEATURES], dtype=np.float64)
