"""Maximal marginal relevance: the one diversity pick, for retrieved chunks (``qa ask``) and for
briefing sentences (``qa brief``)."""

from __future__ import annotations

from collections.abc import Sequence


def mmr(
    relevance: Sequence[float],
    similarity,
    k: int,
    *,
    lam: float = 0.7,
    floor: float | None = None,
    duplicate: float | None = None,
    keep_duplicates: bool = False,
) -> list[int]:
    """Indices of up to ``k`` items, each pick trading relevance against similarity to the picks
    so far: ``lam * relevance - (1 - lam) * redundancy``, ties to the earlier item.

    ``similarity[i][j]`` is the similarity of items i and j (a square array, e.g. cosines).
    Redundancy is the highest similarity to a pick; with ``floor`` only the part above it counts,
    rescaled to 0..1 (passages that are merely related are not redundant). An item at or above
    ``duplicate`` similarity to a pick is a near-duplicate: never taken, or with
    ``keep_duplicates`` taken only when nothing else is left.
    """
    closest = [float("-inf")] * len(relevance)  # highest similarity to a pick, per item
    chosen: list[int] = []
    remaining = list(range(len(relevance)))
    while remaining and len(chosen) < k:
        best, best_key = None, None
        for i in remaining:
            sim = closest[i] if chosen else 0.0
            is_duplicate = duplicate is not None and sim >= duplicate
            if is_duplicate and not keep_duplicates:
                continue
            redundancy = sim if floor is None else max(0.0, sim - floor) / (1.0 - floor)
            key = (not is_duplicate, lam * relevance[i] - (1 - lam) * redundancy)
            if best_key is None or key > best_key:
                best, best_key = i, key
        if best is None:
            break  # only near-duplicates are left
        chosen.append(best)
        remaining.remove(best)
        for i in remaining:
            closest[i] = max(closest[i], similarity[i][best])
    return chosen
