"""The learned offline answerer's parts on small fixtures: composing the answer from sentence
scores, the shipped model's shape and calibration, and the coverage-accuracy table."""

from __future__ import annotations

import numpy as np
import pytest

from qa.answering import scorer
from qa.answering.extractive import choose
from qa.answering.features import SENTENCE_FEATURES
from qa.answering.question_features import QUESTION_FEATURES
from qa.evaluation.questions import ItemResult, coverage_table


def _logit(p: float) -> float:
    return float(np.log(p / (1 - p)))


def test_choose_takes_the_best_then_close_ones_that_say_something_else():
    logits = np.array([_logit(p) for p in (0.2, 0.9, 0.5, 0.46, 0.1)])
    sims = np.eye(5)
    assert choose(logits, sims, ratio=0.5) == [1, 2, 3]  # 0.46 >= 0.45; 0.2 is not
    assert choose(logits, sims, ratio=0.6) == [1]  # 0.5 < 0.54
    assert choose(logits, sims, ratio=0.5, limit=2) == [1, 2]


def test_choose_skips_a_sentence_that_repeats_a_chosen_one():
    logits = np.array([_logit(p) for p in (0.9, 0.8, 0.7)])
    sims = np.array([[1.0, 0.95, 0.2], [0.95, 1.0, 0.1], [0.2, 0.1, 1.0]])
    assert choose(logits, sims, ratio=0.5) == [0, 2]


def test_choose_with_no_candidates():
    assert choose(np.zeros(0), np.zeros((0, 0)), ratio=0.5) == []


def test_shipped_model_matches_the_feature_code():
    model = scorer.model()
    assert model["sentence"]["features"] == list(SENTENCE_FEATURES)
    assert model["answer"]["features"] == list(QUESTION_FEATURES)
    for part in (model["sentence"], model["answer"]):
        assert len(part["coef"]) == len(part["mean"]) == len(part["scale"]) == len(part["features"])
        assert all(s > 0 for s in part["scale"])
    assert 0.0 < scorer.threshold() < 1.0
    assert 0.0 < scorer.extra_ratio() <= 1.0


def test_calibration_keeps_the_order_of_scores():
    cal = scorer.model()["answer"]["calibration"]
    assert cal["a"] > 0  # Platt scaling: a higher score never means a lower probability


def test_answer_probability_grows_with_the_best_sentence_score():
    """A best sentence scored higher against the same runner-up never lowers the probability
    that the answer is right, everything else equal."""
    base = np.array(scorer.model()["answer"]["mean"], dtype=np.float64)
    i_best, i_second, i_gap = (QUESTION_FEATURES.index(n) for n in ("p_best", "p_second", "logit_gap"))
    second = -1.2

    def at(best_logit: float) -> float:
        q = base.copy()
        q[i_best] = 1 / (1 + np.exp(-best_logit))
        q[i_second] = 1 / (1 + np.exp(-second))
        q[i_gap] = best_logit - second
        return scorer.answer_probability(q)

    probs = [at(x) for x in (-1.0, 0.0, 1.0, 2.0, 3.0)]
    assert probs == sorted(probs)
    assert all(0.0 <= p <= 1.0 for p in probs)


def test_sentence_logits_of_no_rows():
    assert scorer.sentence_logits(np.zeros((0, len(SENTENCE_FEATURES)))).shape == (0,)


def _item(answerable: bool, confidence: float | None, right: bool) -> ItemResult:
    return ItemResult("q", "?", answerable, abstained=False, correct=right, answer="", confidence=confidence, draft_correct=right)


def test_coverage_table_counts_answers_at_each_level():
    items = [
        _item(True, 0.9, True),
        _item(True, 0.6, True),
        _item(True, 0.3, False),
        _item(False, 0.7, False),  # any answer to an unanswerable question is wrong
        _item(False, 0.2, False),
        _item(False, 0.0, False),  # a hard check failed: never answered
    ]
    rows = {r["confidence_at_least"]: r for r in coverage_table(items, (0.8, 0.5, 0.0))}
    assert rows[0.8]["answered"] == 1 and rows[0.8]["accuracy_of_answers"] == 1.0
    assert rows[0.5]["answered"] == 3
    assert rows[0.5]["accuracy_of_answers"] == pytest.approx(2 / 3)
    assert rows[0.5]["answerable_correct"] == pytest.approx(2 / 3)
    assert rows[0.5]["unanswerable_refused"] == pytest.approx(2 / 3)
    assert rows[0.0]["answered"] == 5 and rows[0.0]["unanswerable_refused"] == pytest.approx(1 / 3)
    assert rows[0.0]["coverage"] == pytest.approx(5 / 6)


def test_coverage_table_ignores_items_without_confidence():
    rows = coverage_table([_item(True, None, True)], (0.5,))
    assert rows[0]["answered"] == 0 and rows[0]["coverage"] is None


def test_counts_needs_a_number_just_before_the_counted_noun():
    from qa.answering.extractive import counts
    from qa.answering.wordmatch import WordMatcher

    exact_only = WordMatcher(None, [], [])  # no word vectors: the noun must match by stem
    assert counts("China sent 3,000 soldiers to Belarus.", "soldiers", exact_only)
    assert counts("About ninety Chinese soldiers arrived.", "soldiers", exact_only)
    assert not counts("Soldiers drove 100 miles to Brest.", "soldiers", exact_only)
    assert not counts("Chinese soldiers landed in Belarus.", "soldiers", exact_only)


def test_numeric_questions_only_take_sentences_with_a_number():
    from qa.answering.extractive import EXCLUDED, eligible_logits
    from qa.retrieval.question import analyse

    x = np.zeros((3, len(SENTENCE_FEATURES)))
    x[1, SENTENCE_FEATURES.index("type_ok")] = 1.0
    logits = np.array([2.0, 0.5, 1.0])
    how_many = eligible_logits(analyse("How many jets took part?"), x, logits)
    assert how_many[1] == 0.5 and how_many[0] == EXCLUDED and how_many[2] == EXCLUDED
    who = eligible_logits(analyse("Who led the drills?"), x, logits)
    assert list(who) == list(logits)
