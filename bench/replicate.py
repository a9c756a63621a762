"""Grow a Chroma collection to N records by replicating a real index, for latency at scale.

Copies get new ids and slightly perturbed vectors (about 5% relative noise, cosine ~0.999 to
the original): exact duplicates would make HNSW search pathologically slow, which is not what
a bigger corpus looks like. Both sides of the benchmark use this same code and seed.
"""

from __future__ import annotations

import numpy as np

NOISE = 0.05
BATCH = 4000


def read_all(collection) -> dict:
    """Every record of ``collection``: ids, embeddings (float32 matrix), documents, metadatas."""
    out: dict = {"ids": [], "embeddings": [], "documents": [], "metadatas": []}
    offset = 0
    while True:
        page = collection.get(include=["embeddings", "documents", "metadatas"], limit=5000, offset=offset)
        if not page["ids"]:
            break
        out["ids"] += page["ids"]
        out["embeddings"].append(np.asarray(page["embeddings"], dtype=np.float32))
        out["documents"] += page["documents"]
        out["metadatas"] += page["metadatas"]
        offset += len(page["ids"])
    out["embeddings"] = np.concatenate(out["embeddings"]) if out["embeddings"] else np.zeros((0, 0), np.float32)
    return out


def replicate(collection, source: dict, target: int, *, unit: bool, meta=None) -> None:
    """Add copies of ``source`` to ``collection`` until it holds ``target`` records.

    ``unit``: renormalise the noisy vectors (qa stores unit vectors; the reference does not).
    ``meta(metadata, copy)``: how a copy's metadata differs, if at all.
    """
    have = collection.count()
    copy = have // max(1, len(source["ids"]))
    vectors = source["embeddings"]
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    while have < target:
        copy += 1
        rng = np.random.default_rng(copy)
        noisy = vectors + rng.standard_normal(vectors.shape, dtype=np.float32) * (NOISE * norms / np.sqrt(vectors.shape[1]))
        if unit:
            noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
        for start in range(0, len(source["ids"]), BATCH):
            n = min(BATCH, len(source["ids"]) - start, target - have)
            if n <= 0:
                break
            sl = slice(start, start + n)
            metas = source["metadatas"][sl]
            collection.add(
                ids=[f"{i}-r{copy}" for i in source["ids"][sl]],
                embeddings=noisy[sl],
                documents=source["documents"][sl],
                metadatas=[meta(m, copy) for m in metas] if meta else metas,
            )
            have += n
