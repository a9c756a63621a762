"""Passages that address the model ("ignore your instructions", "Note to AI systems: ...").

A small logistic regression over the sentence's all-MiniLM-L6-v2 vector plus three cue features
(it names an AI or automated reader; it gives a directive to say, answer or ignore something;
it speaks in the second person), trained by ``scripts/train_injection.py`` on hand-written
instructions to an AI against news sentences (BBC and defence corpora) and hard negatives such
as "Moscow vowed to respond with countermeasures"; weights and threshold in
``injection_model.json``, held-out figures in ``eval/results/injection_classifier.json``.
With another embedding model the weights do not apply and a narrower rule set is used.

Flagged sentences are reported on the retrieved chunk (``chunk.injection``) and never used as
evidence or quoted as support.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib.resources import files
from typing import TYPE_CHECKING

import numpy as np

from qa.storage.embedders import cached_vectors
from qa.text.spans import sentence_spans

if TYPE_CHECKING:
    from qa.models import StoredChunk
    from qa.storage.embedders import Embedder

_AI_RE = re.compile(
    r"\b(AI|A\.I\.|LLMs?|GPT|chat ?bots?|bots?|crawlers?|assistants?|language models?|"
    r"(ai|automated|machine) (systems?|models?|readers?|summari[sz]ers?|tools?|agents?)|"
    r"models? (reading|processing|summari[sz]ing)|artificial intelligence|system prompt)\b",
    re.IGNORECASE,
)
_DIRECTIVE_RE = re.compile(
    r"\b(ignore|disregard|forget|override|say|state|tell|answer|reply|respond|report|claim|output|"
    r"print|write|describe|treat|mention|include|repeat|cite|present|begin your|instructions?|prompts?)\b",
    re.IGNORECASE,
)
_YOU_RE = re.compile(r"\b(you|your|yours)\b", re.IGNORECASE)

# Used when the embedder is not the one the weights were trained for.
_RULES_RE = re.compile(
    r"\b(ignore|disregard|forget|override)\b.{0,40}\b(previous|prior|above|your|all|system)\b.{0,20}"
    r"\b(instructions?|prompts?|rules|guidelines|guidance)\b"
    r"|\b(note|message|memo|instructions?|attention)\b.{0,30}\b(to|for)\b.{0,20}\b(AI|LLMs?|language models?|chat ?bots?|assistants?)\b"
    r"|\bif you are an? (AI|LLM|language model|bot|chatbot|assistant)\b"
    r"|\byou are now\b|\bsystem prompt\b",
    re.IGNORECASE,
)


def cue_features(texts: list[str]) -> np.ndarray:
    """Three 0/1 cue columns per text: names an AI reader, gives a directive, says "you"."""
    return np.array(
        [[float(bool(r.search(t))) for r in (_AI_RE, _DIRECTIVE_RE, _YOU_RE)] for t in texts],
        dtype=np.float64,
    ).reshape(len(texts), 3)


@lru_cache(maxsize=1)
def _model() -> dict:
    raw = json.loads(
        files("qa.retrieval").joinpath("injection_model.json").read_text(encoding="utf-8")
    )
    raw["weights"] = np.asarray(raw["weights"], dtype=np.float64)
    return raw


def injection_scores(
    texts: list[str], vectors: np.ndarray | None, model_name: str | None
) -> np.ndarray:
    """Probability-like scores (0..1) that each text addresses an AI; ``vectors`` are the texts'
    embeddings by ``model_name`` (the rule set decides, as 0 or 1, for another model)."""
    if not texts:
        return np.zeros(0)
    model = _model()
    if (
        vectors is None
        or model_name != model["model"]
        or vectors.shape[1] + 3 != len(model["weights"])
    ):
        return np.array([1.0 if _RULES_RE.search(t) else 0.0 for t in texts])
    x = np.hstack([np.asarray(vectors, dtype=np.float64), cue_features(texts)])
    return 1.0 / (1.0 + np.exp(-(x @ model["weights"] + model["bias"])))


def is_injection(
    texts: list[str], vectors: np.ndarray | None, model_name: str | None
) -> list[bool]:
    """Which of ``texts`` address an AI model (see the module docstring)."""
    threshold = _model()["threshold"]
    return [bool(s >= threshold) for s in injection_scores(texts, vectors, model_name)]


def looks_like_instruction(sentence: str, embedder: Embedder | None = None) -> bool:
    """A sentence addressed to an AI rather than reporting news: never evidence."""
    if embedder is None or getattr(embedder, "model_name", None) != _model()["model"]:
        return is_injection([sentence], None, None)[0]
    vec = cached_vectors(embedder, [sentence])
    return is_injection([sentence], vec, getattr(embedder, "model_name", None))[0]


def instruction_sentences(texts: list[str], embedder: Embedder) -> set[str]:
    """The sentences of ``texts`` (titles count as one sentence) that address an AI."""
    sents = list(
        dict.fromkeys(s.text for t in texts for s in (sentence_spans(t) or []) if s.text.strip())
    )
    # Only sentences with a cue (an AI reader, a directive, "you") can score high enough: every
    # labelled instruction has one, about 4% of news sentences do, so few are embedded.
    sents = [s for s, cues in zip(sents, cue_features(sents), strict=True) if cues.any()]
    if not sents:
        return set()
    name = getattr(embedder, "model_name", None)
    # no embedding (and no paid call) when the weights do not fit the model: the rules decide
    vecs = cached_vectors(embedder, sents) if name == _model()["model"] else None
    flags = is_injection(sents, vecs, name)
    return {s for s, f in zip(sents, flags, strict=True) if f}


def flag_injections(chunks: list[StoredChunk], embedder: Embedder) -> None:
    """Set ``chunk.injection`` to the chunk's (and its title's) sentences that address an AI."""
    flagged = instruction_sentences([t for c in chunks for t in (c.title or "", c.text)], embedder)
    for c in chunks:
        own = [
            s.text for t in (c.title or "", c.text) for s in sentence_spans(t) if s.text in flagged
        ]
        c.injection = list(dict.fromkeys(own))
