"""Labelled candidates for the learned offline answerer: every question of a ``qa eval`` file run
through retrieval and :func:`qa.answering.features.featurize`, each candidate sentence labelled
by whether it holds the expected answer (one string of every ``expect_any`` group) and whether it
comes from an expected source. Used by ``scripts/train_answerer.py``; cached by file content, so
a second run with the same data and code reads the cache.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qa.answering.features import SENTENCE_FEATURES, Featurized, featurize  # noqa: E402
from qa.config import Settings  # noqa: E402
from qa.evaluation.question_file import load_questions  # noqa: E402
from qa.evaluation.questions import facts_found, matches_source  # noqa: E402
from qa.retrieval.hybrid import retrieve  # noqa: E402

SHARED = ROOT.parent / "shared"


@dataclass
class Item:
    """One question: its candidates' features and labels, enough to replay the answerer."""

    id: str
    question: str
    answerable: bool
    group: str  # the expected source (for splits by article)
    feats: Featurized  # candidates dropped, x kept
    texts: list[str]
    holds: np.ndarray  # bool per candidate: holds every expected fact
    cites: np.ndarray  # bool per candidate: from an expected source
    sims: np.ndarray  # candidate-candidate cosine (float16)
    expect_any: list[list[str]]


def _code_hash() -> str:
    h = hashlib.sha256()
    # what the features depend on: the features, retrieval and text modules
    answering = ["features.py", "question_features.py", "matching.py", "residual.py", "wordmatch.py"]
    files = [ROOT / "qa" / "answering" / name for name in answering]
    files += sorted(q for part in ("retrieval", "text", "storage") for q in (ROOT / "qa" / part).rglob("*.py"))
    for p in files:
        h.update(p.read_bytes())
    return h.hexdigest()[:12]


def build_index(docs: list[Path], work: Path, name: str) -> Path:
    """An index of ``docs`` under ``work`` (reused when it exists)."""
    from qa.ingest.pipeline import ingest

    index = work / f"index-{name}"
    if not (index / ".built").exists():
        ingest(docs, Settings.from_flat(index_dir=index, extractive=True))
        (index / ".built").write_text("ok\n")
    return index


def collect(questions: Path, index: Path, work: Path, k: int = 6) -> list[Item]:
    """Items for every question of ``questions`` over ``index`` (cached under ``work``)."""
    from qa.storage.embedders import get_embedder
    from qa.storage.store import open_store

    key = hashlib.sha256(questions.read_bytes() + str(index).encode() + _code_hash().encode() + str(k).encode()).hexdigest()[:16]
    cache = work / f"items-{questions.stem}-{key}.pkl"
    if cache.exists():
        return pickle.loads(cache.read_bytes())
    settings = Settings.from_flat(index_dir=index, extractive=True)
    store = open_store(settings)
    embedder = get_embedder(settings)
    items = []
    for n, q in enumerate(load_questions(questions)):
        r = retrieve(q.question, settings, store=store, embedder=embedder, k=k)
        f = featurize(r, embedder)
        texts = [c.text for c in f.candidates]
        holds = np.array([q.answerable and facts_found(t, q.expect_any) for t in texts], dtype=bool)
        cites = np.array(
            [not q.sources or matches_source(c.chunk.source, c.chunk.path, q.sources) for c in f.candidates],
            dtype=bool,
        )
        sims = (f.vectors @ f.vectors.T).astype(np.float16) if len(texts) else np.zeros((0, 0), np.float16)
        light = Featurized(f.info, [], f.x.astype(np.float64), np.zeros((0, 0)), f.weights, f.key_missing, f.top_chunk_score)
        items.append(
            Item(q.id, q.question, q.answerable, (q.sources or ["-"])[0], light, texts, holds, cites, sims, q.expect_any)
        )
        if n % 250 == 0:
            sys.stdout.write(f"  {questions.name}: {n} questions\n")
            sys.stdout.flush()
    work.mkdir(parents=True, exist_ok=True)
    cache.write_bytes(pickle.dumps(items))
    return items


def feature_names() -> tuple[str, ...]:
    return SENTENCE_FEATURES


def _cli() -> None:
    """collect one set: answerer_data.py QUESTIONS DOCS... --name NAME [--work DIR]"""
    import argparse

    ap = argparse.ArgumentParser()
    ap.add_argument("questions")
    ap.add_argument("docs", nargs="+")
    ap.add_argument("--work", default="/tmp/qa-train-answerer")
    ap.add_argument("--name", required=True)
    a = ap.parse_args()
    work = Path(a.work)
    idx = build_index([Path(d) for d in a.docs], work, a.name)
    items = collect(Path(a.questions), idx, work)
    sys.stdout.write(json.dumps({"items": len(items), "candidates": int(sum(len(i.texts) for i in items))}) + "\n")


if __name__ == "__main__":
    import answerer_data  # the cache pickles answerer_data.Item, not __main__.Item

    answerer_data._cli()
