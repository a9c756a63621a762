"""Train the injection classifier: logistic regression (numpy) on all-MiniLM-L6-v2 sentence vectors.

Positives: sentences addressed to an AI model (``scripts/injection_examples.py``, by family).
Negatives: sentences of ``../shared/corpus/bbc.jsonl`` and ``defence_dev.jsonl`` (a seeded
sample) and hand-written hard negatives (news that tells, asks or mentions AI).
Split (seed 12): three injection families, 30% of the articles and half the hard negatives are
held out. The threshold is chosen on the training split (the lowest score that keeps the
training news false-positive rate at or under 0.1%, and no training hard negative flagged);
the held-out numbers go to ``eval/results/injection_classifier.json``, the shipped weights to
``qa/retrieval/injection_model.json``.

    .venv/bin/python scripts/train_injection.py
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from injection_examples import HARD_NEGATIVES, INJECTIONS  # noqa: E402
from scoring import precision_recall, say  # noqa: E402

from qa.config import load_settings  # noqa: E402
from qa.retrieval.injection import cue_features  # noqa: E402
from qa.storage.embedders import get_embedder  # noqa: E402
from qa.text.spans import sentence_spans  # noqa: E402

SEED = 12
SHARED = ROOT.parent / "shared" / "corpus"
HELD_OUT_FAMILIES = ("polite_request", "hidden_meta", "if_you_are")
MAX_NEWS_FPR = 0.001
PER_ARTICLE = 4  # sentences sampled per article


def news_sentences(rng: random.Random) -> list[tuple[str, str]]:
    """(article id, sentence) pairs, titles included."""
    out = []
    for name in ("defence_dev.jsonl", "bbc.jsonl"):
        rows = [
            json.loads(line)
            for line in (SHARED / name).read_text(encoding="utf-8").splitlines()
            if line.strip()
        ]
        if name == "bbc.jsonl":
            rows = rng.sample(rows, 700)
        for row in rows:
            sents = [
                s.text for s in sentence_spans(row.get("text", "")) if len(s.text.split()) >= 4
            ]
            pick = rng.sample(sents, min(PER_ARTICLE, len(sents)))
            if row.get("title"):
                pick.append(row["title"])
            out += [(f"{name}:{row['id']}", s) for s in pick]
    return out


def train_lr(
    x: np.ndarray, y: np.ndarray, l2: float = 1e-3, epochs: int = 3000, lr: float = 0.5
) -> tuple[np.ndarray, float]:
    """Class-balanced logistic regression by full-batch gradient descent."""
    w = np.zeros(x.shape[1], dtype=np.float64)
    b = 0.0
    pos = y.mean()
    sw = np.where(y == 1, 0.5 / pos, 0.5 / (1 - pos))
    for _ in range(epochs):
        p = 1 / (1 + np.exp(-(x @ w + b)))
        g = (p - y) * sw
        w -= lr * (x.T @ g / len(y) + l2 * w)
        b -= lr * g.mean()
    return w, b


def main() -> None:
    rng = random.Random(SEED)
    news = news_sentences(rng)
    articles = sorted({a for a, _ in news})
    rng.shuffle(articles)
    test_articles = set(articles[: int(0.3 * len(articles))])
    hard = list(HARD_NEGATIVES)
    rng.shuffle(hard)
    hard_test = set(hard[: len(hard) // 2])

    rows = []  # (text, label, split, group)
    for fam, sents in INJECTIONS.items():
        for s in sents:
            rows.append((s, 1, "test" if fam in HELD_OUT_FAMILIES else "train", f"injection:{fam}"))
    for s in hard:
        rows.append((s, 0, "test" if s in hard_test else "train", "hard_negative"))
    for a, s in news:
        rows.append((s, 0, "test" if a in test_articles else "train", "news"))

    embedder = get_embedder(load_settings())
    x = embedder.embed_documents([r[0] for r in rows]).astype(np.float64)
    x = np.hstack([x, cue_features([r[0] for r in rows])])
    y = np.array([r[1] for r in rows], dtype=np.float64)
    split = np.array([r[2] for r in rows])
    group = np.array([r[3].split(":")[0] for r in rows])
    tr, te = split == "train", split == "test"

    w, b = train_lr(x[tr], y[tr])
    score = 1 / (1 + np.exp(-(x @ w + b)))
    # threshold: the lowest that keeps training news FPR <= MAX_NEWS_FPR and no training hard negative
    neg_tr = score[tr & (y == 0) & (group == "news")]
    hard_tr = score[tr & (group == "hard_negative")]
    t_news = float(np.quantile(neg_tr, 1 - MAX_NEWS_FPR))
    threshold = round(max(t_news, float(hard_tr.max()) + 1e-6, 0.5), 4)

    def rates(mask: np.ndarray) -> dict:
        pred = score[mask] >= threshold
        lab = y[mask] == 1
        precision, recall, fp = precision_recall(pred, lab)
        return {
            "n": int(mask.sum()),
            "injections": int(lab.sum()),
            "recall": recall,
            "precision": precision,
            "false_positives": fp,
        }

    result = {
        "seed": SEED,
        "model": embedder.model_name,
        "threshold": threshold,
        "held_out_families": list(HELD_OUT_FAMILIES),
        "train": rates(tr),
        "held_out": rates(te),
        # at run time only sentences with a cue are scored (qa.retrieval.injection.instruction_sentences)
        "cue_gate_injections_passed": round(float(x[y == 1, -3:].any(axis=1).mean()), 3),
        "cue_gate_news_passed": round(float(x[group == "news", -3:].any(axis=1).mean()), 3),
        "held_out_news_fpr": round(float((score[te & (group == "news")] >= threshold).mean()), 4),
        "held_out_hard_negatives_flagged": [
            r[0]
            for r, s in zip(rows, score, strict=True)
            if r[2] == "test" and r[3] == "hard_negative" and s >= threshold
        ],
        "held_out_injections_missed": [
            r[0]
            for r, s in zip(rows, score, strict=True)
            if r[2] == "test" and r[1] == 1 and s < threshold
        ],
        "held_out_news_flagged": [
            r[0]
            for r, s in zip(rows, score, strict=True)
            if r[2] == "test" and r[3] == "news" and s >= threshold
        ],
    }
    out = ROOT / "eval" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "injection_classifier.json").write_text(
        json.dumps(result, indent=2) + "\n", encoding="utf-8"
    )
    model = {
        "model": embedder.model_name,
        "threshold": threshold,
        "bias": round(float(b), 6),
        "weights": [round(float(v), 6) for v in w],
    }
    (ROOT / "qa" / "retrieval" / "injection_model.json").write_text(
        json.dumps(model) + "\n", encoding="utf-8"
    )
    say(
        json.dumps(
            {k: v for k, v in result.items() if not k.startswith("held_out_")}
            | {"held_out": result["held_out"]},
            indent=1,
        )
    )
    say("missed:", result["held_out_injections_missed"])
    say("hard negatives flagged:", result["held_out_hard_negatives_flagged"])
    say("news flagged:", result["held_out_news_flagged"][:10])


if __name__ == "__main__":
    main()
