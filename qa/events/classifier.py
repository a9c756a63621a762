"""The learned sentence classifier for event kinds: does a sentence report an exercise, an
alliance or a deployment (one-vs-rest logistic regression on all-MiniLM-L6-v2 sentence vectors
plus four cue features)?

Fitted by ``scripts/train_events.py`` on the gold evidence sentences of the choosing split of
``../shared/eval/defence_dev_events.json`` (positives), the other sentences of those articles and
BBC business / politics sentences (negatives): four classifiers, each without one fold of the
choosing split, whose thresholds were chosen on the folds they did not see; the shipped weights
are their mean. The weights ship as ``qa/events/kind_model.json``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import TYPE_CHECKING

import numpy as np

from qa.events.cues import ALIGNMENT_RE, DEPLOYED_FORCE_RE, DEPLOYMENT_RE, MILITARY_RE, exercise_cue
from qa.storage.embedders import cached_vectors

if TYPE_CHECKING:
    from qa.storage.embedders import Embedder

MODEL_FILE = "kind_model.json"


def cue_features(texts: list[str]) -> np.ndarray:
    """Four 0/1 features per sentence: an exercise word, an alignment word, a deployment verb
    with something deployable, a military word. The embedding alone blurs these."""
    rows = []
    for t in texts:
        rows.append(
            [
                float(exercise_cue(t) is not None),
                float(ALIGNMENT_RE.search(t) is not None),
                float(DEPLOYMENT_RE.search(t) is not None and DEPLOYED_FORCE_RE.search(t) is not None),
                float(MILITARY_RE.search(t) is not None),
            ]
        )
    return np.array(rows, dtype=np.float64).reshape(len(texts), 4)


@dataclass(frozen=True)
class KindClassifier:
    kinds: tuple[str, ...]
    coef: np.ndarray  # (kinds, features)
    intercept: np.ndarray  # (kinds,)
    thresholds: dict[str, float]
    model: str  # the embedding model the weights were fitted on

    def probabilities(self, vectors: np.ndarray, texts: list[str]) -> np.ndarray:
        """(sentences, kinds) probabilities from sentence vectors and the texts they embed."""
        if not texts:
            return np.zeros((0, len(self.kinds)))
        x = np.hstack([np.asarray(vectors, dtype=np.float64), cue_features(texts)])
        return 1.0 / (1.0 + np.exp(-(x @ self.coef.T + self.intercept)))

    def predict(self, embedder: Embedder, texts: list[str]) -> list[dict[str, float]]:
        """Per sentence, the kinds whose probability reaches its threshold, with the probability."""
        if not texts:
            return []
        probs = self.probabilities(cached_vectors(embedder, texts), texts)
        return [
            {k: float(p[i]) for i, k in enumerate(self.kinds) if p[i] >= self.thresholds[k]} for p in probs
        ]

    @classmethod
    def from_dict(cls, data: dict) -> KindClassifier:
        kinds = tuple(data["kinds"])
        return cls(
            kinds,
            np.array(data["coef"], dtype=np.float64),
            np.array(data["intercept"], dtype=np.float64),
            {k: float(data["thresholds"][k]) for k in kinds},
            data.get("model", ""),
        )


@lru_cache(maxsize=1)
def load_classifier() -> KindClassifier | None:
    """The shipped classifier, None when the weights file is absent (the rules then decide)."""
    try:
        text = files("qa.events").joinpath(MODEL_FILE).read_text(encoding="utf-8")
    except (FileNotFoundError, OSError):
        return None
    return KindClassifier.from_dict(json.loads(text))
