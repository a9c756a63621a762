"""The shipped event-kind sentence classifier: its weights load, and clear sentences get the
kind they report (and ordinary news none)."""

from __future__ import annotations

import numpy as np
import pytest

from qa.events.classifier import KindClassifier, cue_features, load_classifier


def test_weights_load_with_a_threshold_per_kind():
    clf = load_classifier()
    assert clf is not None
    assert clf.kinds == ("exercise", "alliance", "deployment")
    assert clf.coef.shape == (3, 384 + 4) and clf.intercept.shape == (3,)
    assert all(0.0 < clf.thresholds[k] < 1.0 for k in clf.kinds)


def test_cue_features_mark_the_vocabulary():
    f = cue_features(["Troops held joint drills.", "The two states signed a treaty.", "The weather was fine."])
    assert f.shape == (3, 4)
    assert f[0, 0] == 1 and f[1, 1] == 1 and f[2].sum() == 0


def test_probabilities_follow_the_weights():
    clf = KindClassifier(("exercise",), np.zeros((1, 388)), np.array([0.0]), {"exercise": 0.5}, "m")
    assert clf.probabilities(np.zeros((2, 384)), ["a b c d", "e f g h"]).tolist() == [[0.5], [0.5]]
    assert clf.probabilities(np.zeros((0, 384)), []).shape == (0, 1)


@pytest.fixture(scope="module")
def verdicts():
    from qa.config import load_settings
    from qa.storage.embedders import get_embedder

    texts = [
        "Soldiers from the United States and Australia began the joint military exercise Talisman Sabre near Rockhampton on Monday.",
        "Finland formally joined the NATO military alliance on Tuesday, becoming its 31st member.",
        "The Pentagon deployed 3,000 troops and a missile defence battery to Poland this week.",
        "Shares in the retailer rose 5% after it reported strong Christmas sales.",
        "The striker scored twice as the club won the cup final on Saturday.",
    ]
    return load_classifier().predict(get_embedder(load_settings()), texts)


def test_clear_sentences_get_their_kind(verdicts):
    assert "exercise" in verdicts[0]
    assert "alliance" in verdicts[1]
    assert "deployment" in verdicts[2]
    assert verdicts[3] == {} and verdicts[4] == {}


def test_the_classifier_is_set_aside_for_another_embedding_model(tmp_path):
    """Its weights fit MiniLM vectors: with the OpenAI backend (1536-d vectors) the rules decide
    instead of a matmul error, and nothing is embedded just to be classified."""
    from qa.config import load_settings
    from qa.events.article_frames import Context

    local = load_settings(index_dir=str(tmp_path))
    other = load_settings(index_dir=str(tmp_path), embedding_backend="openai")
    assert Context(local, []).classifier is not None
    assert Context(other, []).classifier is None
