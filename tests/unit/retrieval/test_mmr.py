"""The one MMR, on small arrays: the retrieval setting (floor, near-duplicates last) and the
briefing setting (raw similarity, near-duplicates never)."""

from __future__ import annotations

import numpy as np

from qa.retrieval.hybrid import diversify
from qa.retrieval.mmr import mmr

# Items 0 and 1 are the same thing; 2 is different; 3 is related to 0 (cosine 0.8).
SIMS = np.array(
    [
        [1.0, 1.0, 0.0, 0.8],
        [1.0, 1.0, 0.0, 0.8],
        [0.0, 0.0, 1.0, 0.0],
        [0.8, 0.8, 0.0, 1.0],
    ],
    dtype=np.float32,
)


def test_relevance_alone_when_nothing_is_similar():
    assert mmr([0.2, 0.9, 0.5], np.eye(3), 3) == [1, 2, 0]


def test_ties_go_to_the_earlier_item():
    assert mmr([0.5, 0.5, 0.5], np.eye(3), 2) == [0, 1]


def test_near_duplicates_are_never_taken_by_default():
    assert mmr([1.0, 0.99, 0.1, 0.5], SIMS, 4, duplicate=0.8) == [0, 2]


def test_near_duplicates_come_last_when_kept():
    picks = mmr([1.0, 0.99, 0.1, 0.5], SIMS, 4, floor=0.75, duplicate=0.97, keep_duplicates=True)
    assert picks == [0, 3, 2, 1]


def test_floor_ignores_mere_relatedness():
    # Without a floor, 3's similarity to 0 costs it the second place; with floor 0.8 it is free.
    rel = [1.0, 0.0, 0.5, 0.6]
    assert mmr(rel, SIMS, 2, duplicate=0.97) == [0, 2]
    assert mmr(rel, SIMS, 2, floor=0.8, duplicate=0.97) == [0, 3]


def test_k_and_empty_input():
    assert mmr([], np.zeros((0, 0)), 3) == []
    assert mmr([0.1, 0.2], np.eye(2), 0) == []
    assert len(mmr([0.1, 0.2, 0.3], np.eye(3), 2)) == 2


def test_diversify_works_on_chunk_ids_and_embeddings():
    a = np.array([1.0, 0.0], dtype=np.float32)
    b = np.array([0.0, 1.0], dtype=np.float32)
    emb = {"a": a, "a2": a, "b": b}  # "c" has no embedding: similar to nothing
    rel = {"a": 1.0, "a2": 0.99, "b": 0.5, "c": 0.1}
    assert diversify(["a", "a2", "b", "c"], rel, emb, 4) == ["a", "b", "c", "a2"]
    assert diversify([], {}, {}, 3) == []
