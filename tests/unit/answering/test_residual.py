"""What a question asks beyond its subject sentence (qa.answering.residual), on one small
passage: the subject sentence is the one covering most of the question, the detail asked for is
in the sentence after it."""

from __future__ import annotations

import numpy as np

from qa.answering.features import Candidate
from qa.answering.residual import RESIDUAL_FEATURES, residual_features
from qa.models import StoredChunk
from qa.retrieval.question import analyse
from qa.text.spans import sentence_spans

TEXT = (
    "The Army ran its Strong Bonds program for married soldiers in 1997. "
    "About 90 couples took part in the first year. "
    "Chaplains lead the weekend retreats."
)
QUESTION = "How many couples took part in the Army's Strong Bonds program?"


class BagOfWordsEmbedder:
    """Deterministic word-count vectors: enough to tell which sentence shares which words."""

    model_name = "bag-of-words-test"
    dim = 64

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        rows = np.zeros((len(texts), self.dim), dtype=np.float32)
        for n, t in enumerate(texts):
            for w in t.lower().replace("?", " ").replace(".", " ").split():
                rows[n, sum(map(ord, w)) % self.dim] += 1.0
        return rows / np.clip(np.linalg.norm(rows, axis=1, keepdims=True), 1e-9, None)


def _candidates() -> list[Candidate]:
    chunk = StoredChunk("c1", "d1", TEXT, "a.txt", "Strong Bonds", "a.txt", 0, 0, len(TEXT))
    return [Candidate(chunk, span, 0, i) for i, span in enumerate(sentence_spans(TEXT))]


def _features(covered: list[dict[str, float]]) -> np.ndarray:
    info = analyse(QUESTION)
    cands = _candidates()
    weights = {t.text: 1.0 for t in info.terms}
    for c, cov in zip(cands, covered, strict=True):
        c.covered = {t.text: cov.get(t.text, 0.0) for t in info.terms}
    cov_soft = np.array([sum(c.covered.values()) / len(weights) for c in cands])
    emb = BagOfWordsEmbedder()
    vectors = emb.embed_documents([c.text for c in cands])
    cos = vectors @ emb.embed_documents([QUESTION])[0]
    return residual_features(info, cands, cov_soft, cos, vectors, weights, emb)


def _col(name: str) -> int:
    return RESIDUAL_FEATURES.index(name)


def test_the_sentence_after_the_subject_covers_what_is_left():
    terms = [t.text for t in analyse(QUESTION).terms]
    subject = {t: 1.0 for t in terms if t not in ("couples", "took", "part")}
    detail = {t: 1.0 for t in terms if t in ("couples", "took", "part")}
    x = _features([subject, detail, {}])
    assert x[:, _col("is_subject")].tolist() == [1.0, 0.0, 0.0]
    assert x[:, _col("after_subject")].tolist() == [0.0, 1.0, 0.5]
    assert x[1, _col("rest_cov")] == 1.0 and x[2, _col("rest_cov")] == 0.0
    # what is still asked ("how many couples took part") is closest to the sentence that says it
    assert x[1, _col("cos_rest")] > max(x[0, _col("cos_rest")], x[2, _col("cos_rest")])


def test_nothing_left_over_means_what_is_asked_is_the_question():
    everything = {t.text: 1.0 for t in analyse(QUESTION).terms}
    x = _features([everything, {}, {}])
    assert x[:, _col("rest_cov")].tolist() == [0.0, 0.0, 0.0]
    emb = BagOfWordsEmbedder()
    cos = emb.embed_documents([c.text for c in _candidates()]) @ emb.embed_documents([QUESTION])[0]
    assert np.allclose(x[:, _col("cos_rest")], cos)


def test_no_candidates_gives_no_rows():
    info = analyse(QUESTION)
    out = residual_features(info, [], np.zeros(0), np.zeros(0), np.zeros((0, 4)), {}, BagOfWordsEmbedder())
    assert out.shape == (0, len(RESIDUAL_FEATURES))


def test_the_next_sentence_counts_when_another_overlapping_passage_holds_it():
    """Overlapping passages: the sentence after the subject was kept under the passage retrieved
    first, not under the subject's own."""
    first, second = TEXT.split(". ", 1)[0] + ".", TEXT.split(". ", 1)[1]
    later = StoredChunk("c2", "d1", second, "a.txt", "Strong Bonds", "a.txt", 1, len(first) + 1, len(TEXT))
    earlier = StoredChunk("c1", "d1", TEXT, "a.txt", "Strong Bonds", "a.txt", 0, 0, len(TEXT))
    cands = [Candidate(later, span, 0, i) for i, span in enumerate(sentence_spans(second))]
    cands.append(Candidate(earlier, sentence_spans(TEXT)[0], 1, 0))  # the subject, from the other passage
    info = analyse(QUESTION)
    weights = {t.text: 1.0 for t in info.terms}
    for c in cands:
        c.covered = {t.text: (1.0 if c is cands[-1] else 0.0) for t in info.terms}
    emb = BagOfWordsEmbedder()
    vectors = emb.embed_documents([c.text for c in cands])
    x = residual_features(info, cands, np.array([0.0, 0.0, 1.0]), vectors @ vectors[0], vectors, weights, emb)
    assert x[:, _col("is_subject")].tolist() == [0.0, 0.0, 1.0]
    assert x[:, _col("after_subject")].tolist() == [1.0, 0.5, 0.0]
