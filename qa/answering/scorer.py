"""The learned parts of the offline answerer, read from ``answerer_model.json``.

* :func:`sentence_logits`: how likely each candidate sentence is to hold the answer (logistic
  regression over :data:`qa.answering.features.SENTENCE_FEATURES`).
* :func:`answer_probability`: the calibrated probability that the composed answer is right
  (logistic regression over :data:`qa.answering.question_features.QUESTION_FEATURES`, then Platt
  scaling fitted on out-of-fold scores), and :func:`threshold`, the operating point below which the answerer abstains.

Both are fitted by ``scripts/train_answerer.py`` (fixed seed) on SQuAD 2.0 questions of ten
articles (``../shared/eval/squad2/train.jsonl``); the figures it reports on the six other
articles are in ``eval/results/answerer.json``.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib.resources import files

import numpy as np

from qa.answering.features import SENTENCE_FEATURES
from qa.answering.question_features import QUESTION_FEATURES


@lru_cache(maxsize=1)
def model() -> dict:
    raw = json.loads(files("qa.answering").joinpath("answerer_model.json").read_text(encoding="utf-8"))
    if tuple(raw["sentence"]["features"]) != SENTENCE_FEATURES or tuple(raw["answer"]["features"]) != QUESTION_FEATURES:
        raise RuntimeError("answerer_model.json does not match the feature code: run scripts/train_answerer.py")
    return raw


def _linear(part: dict, x: np.ndarray) -> np.ndarray:
    mean = np.asarray(part["mean"], dtype=np.float64)
    scale = np.asarray(part["scale"], dtype=np.float64)
    coef = np.asarray(part["coef"], dtype=np.float64)
    return ((np.asarray(x, dtype=np.float64) - mean) / scale) @ coef + float(part["intercept"])


def sentence_logits(x: np.ndarray) -> np.ndarray:
    """Log-odds that each row's sentence holds the answer."""
    if len(x) == 0:
        return np.zeros(0)
    return _linear(model()["sentence"], x)


def answer_probability(q: np.ndarray) -> float:
    """Calibrated probability that the answer composed from the best sentence is right."""
    part = model()["answer"]
    cal = part["calibration"]
    z = float(cal["a"]) * float(_linear(part, q[None, :])[0]) + float(cal["b"])
    return float(1.0 / (1.0 + np.exp(-z)))


def threshold() -> float:
    """The operating point: answer when the probability is at least this."""
    return float(model()["threshold"])


def extra_ratio() -> float:
    """A further sentence joins the answer when its probability is at least this share of the best's."""
    return float(model()["compose"]["extra_ratio"])
