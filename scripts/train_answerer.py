"""Train the offline answerer's two models and choose its operating point (seed 12).

Data: ``../shared/eval/squad2/train.jsonl`` (SQuAD 2.0, ten articles, 3,708 questions, about half
of them unanswerable near-misses), each question run through retrieval (k = 6) over an index of
the sixteen SQuAD articles, every candidate sentence featurized (:mod:`qa.answering.features`)
and labelled by whether it holds the expected answer and comes from the expected article
(``scripts/answerer_data.py``).

1. Sentence scorer: logistic regression (scikit-learn, standardised features) on the candidates
   of the answerable questions: does this sentence hold the answer?
2. The answer: the best sentence, plus up to two that score at least ``EXTRA_RATIO`` of its
   probability and repeat nothing (:func:`qa.answering.extractive.choose`).
3. Answer model: logistic regression on question-level features
   (:data:`qa.answering.question_features.QUESTION_FEATURES`) computed from out-of-fold sentence scores
   (five folds by article, so no question is scored by a model that saw it), labelled by whether
   the composed answer is right (an answer to an unanswerable question is wrong); its own
   out-of-fold scores are calibrated by Platt scaling.
4. Operating point: the lowest calibrated probability at which the answers given on the
   training questions are right at least ``TARGET_PRECISION`` of the time.

Reported (``eval/results/answerer.json``): the same figures on ``test.jsonl`` (six other articles,
never used for fitting or choosing). Shipped: ``qa/answering/answerer_model.json``.

    .venv/bin/python scripts/train_answerer.py            # about 6 minutes from scratch on 2 idle cores

Deterministic given the candidate cache (``--work``); a freshly built index retrieves slightly
differently (approximate search), so a run from scratch can differ in the weights' last digits.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from answerer_data import SHARED, Item, build_index, collect  # noqa: E402
from scoring import say  # noqa: E402

from qa.answering.extractive import EXCLUDED, MAX_SENTENCES, choose, counts_noun, eligible_logits  # noqa: E402
from qa.answering.features import SENTENCE_FEATURES  # noqa: E402
from qa.answering.question_features import QUESTION_FEATURES, question_features  # noqa: E402
from qa.config import Settings  # noqa: E402
from qa.evaluation.questions import facts_found  # noqa: E402
from qa.storage.embedders import get_embedder  # noqa: E402

SEED = 12
FOLDS = 5
EXTRA_RATIO = 0.5  # a further sentence must be at least half as likely to hold the answer
TARGET_PRECISION = 0.5  # answers given on training questions are right at least half the time
C_SENTENCE = 1.0
C_ANSWER = 1.0


def _lr(x: np.ndarray, y: np.ndarray, c: float) -> dict:
    """Standardised logistic regression as plain numbers (mean, scale, coef, intercept)."""
    from sklearn.linear_model import LogisticRegression

    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    model = LogisticRegression(C=c, max_iter=5000, random_state=SEED)
    model.fit((x - mean) / scale, y)
    return {"mean": mean, "scale": scale, "coef": model.coef_[0], "intercept": float(model.intercept_[0])}


def _apply(part: dict, x: np.ndarray) -> np.ndarray:
    return ((x - part["mean"]) / part["scale"]) @ part["coef"] + part["intercept"]


def _folds(items: list[Item]) -> list[int]:
    """Fold of each item: articles dealt round-robin in a seeded order."""
    groups = sorted({i.group for i in items})
    rng = np.random.default_rng(SEED)
    rng.shuffle(groups)
    fold_of = {g: n % FOLDS for n, g in enumerate(groups)}
    return [fold_of[i.group] for i in items]


def fit_sentence(items: list[Item]) -> dict:
    rows = [i for i in items if i.answerable and len(i.texts)]
    x = np.vstack([i.feats.x for i in rows])
    y = np.concatenate([i.holds & i.cites for i in rows]).astype(int)
    return _lr(x, y, C_SENTENCE)


def compose(item: Item, logits: np.ndarray, ratio: float = EXTRA_RATIO) -> tuple[list[int], bool]:
    """The answer's sentences and whether that answer is right."""
    if not len(item.texts) or logits.max() <= EXCLUDED:
        return [], False
    picks = choose(logits, item.sims.astype(np.float64), ratio, MAX_SENTENCES)
    text = " ".join(item.texts[p] for p in picks)
    right = item.answerable and any(item.cites[p] for p in picks) and facts_found(text, item.expect_any)
    return picks, bool(right)


def hard_check_passes(item: Item, picks: list[int]) -> bool:
    """The answerer's one hard check, as replayed from the features: every name, number and
    quoted term of the question is in the retrieved passages of the best sentence's article."""
    return not picks or item.feats.x[picks[0], SENTENCE_FEATURES.index("key_doc")] >= 1.0 - 1e-9


def question_rows(items: list[Item], logits: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Question features, whether the composed answer is right, whether the hard check passes."""
    qx, right, ok = [], [], []
    embedder = get_embedder(Settings.from_flat(extractive=True))
    for item, lg in zip(items, logits, strict=True):
        lg = eligible_logits(item.feats.info, item.feats.x, lg)
        if not len(item.texts) or lg.max() <= EXCLUDED:
            qx.append(np.zeros(len(QUESTION_FEATURES)))
            right.append(False)
            ok.append(False)
            continue
        picks, r = compose(item, lg)
        qx.append(question_features(item.feats, lg, picks[0], counts_noun(item.feats.info, item.texts[picks[0]], embedder)))
        right.append(r)
        ok.append(hard_check_passes(item, picks))
    return np.vstack(qx), np.array(right), np.array(ok)


def oof_sentence_logits(items: list[Item]) -> list[np.ndarray]:
    folds = _folds(items)
    out: list[np.ndarray] = [np.zeros(0)] * len(items)
    for k in range(FOLDS):
        part = fit_sentence([i for i, f in zip(items, folds, strict=True) if f != k])
        for n, (i, f) in enumerate(zip(items, folds, strict=True)):
            if f == k:
                out[n] = _apply(part, i.feats.x) if len(i.texts) else np.zeros(0)
    return out


def platt(raw_logit: np.ndarray, y: np.ndarray) -> dict:
    """Platt scaling: p = 1 / (1 + exp(-(a * logit + b))), fitted on out-of-fold logits."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=1e6, max_iter=5000).fit(raw_logit[:, None], y.astype(int))
    return {"a": float(model.coef_[0][0]), "b": float(model.intercept_[0])}


def calibrated(part: dict, cal: dict, qx: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-(cal["a"] * _apply(part, qx) + cal["b"])))


def operating_point(conf: np.ndarray, right: np.ndarray, target: float) -> float:
    """The lowest confidence level whose answers are right at least ``target`` of the time."""
    best = 1.0
    for level in np.unique(conf)[::-1]:
        given = conf >= level
        if given.any() and right[given].mean() >= target:
            best = float(level)
    return best


def figures(items: list[Item], conf: np.ndarray, right: np.ndarray, threshold: float) -> dict:
    ans = np.array([i.answerable for i in items])
    given = conf >= threshold
    levels = sorted({0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.0, round(threshold, 4)}, reverse=True)
    table = []
    for level in levels:
        g = (conf >= level) & (conf > 0)
        table.append(
            {
                "confidence_at_least": level,
                "coverage": round(float(g.mean()), 4),
                "accuracy_of_answers": round(float(right[g].mean()), 4) if g.any() else None,
                "answerable_correct": round(float((g & right)[ans].mean()), 4),
                "unanswerable_refused": round(float((~g)[~ans].mean()), 4),
            }
        )
    reliability = []
    for lo in (0.0, 0.2, 0.4, 0.6, 0.8):
        b = (conf > 0) & (conf >= lo) & (conf < lo + 0.2 + (1e-9 if lo == 0.8 else 0.0))
        if b.any():
            reliability.append(
                {"confidence": f"{lo:.1f}-{lo + 0.2:.1f}", "questions": int(b.sum()),
                 "mean_confidence": round(float(conf[b].mean()), 4), "share_right": round(float(right[b].mean()), 4)}
            )
    return {
        "questions": len(items),
        "answerable": int(ans.sum()),
        "unanswerable": int((~ans).sum()),
        "answer_accuracy": round(float((given & right)[ans].mean()), 4),
        "abstention_accuracy": round(float((~given)[~ans].mean()), 4),
        "false_abstentions": round(float((~given)[ans].mean()), 4),
        "precision_of_answers": round(float(right[given].mean()), 4) if given.any() else None,
        "answer_in_composed_sentences": round(float(right[ans].mean()), 4),
        "brier": round(float(np.mean((conf - right) ** 2)), 4),
        "reliability": reliability,
        "coverage_table": table,
    }


def _plain(part: dict) -> dict:
    return {k: ([round(float(v), 6) for v in val] if isinstance(val, np.ndarray) else round(val, 6)) for k, val in part.items()}


def write_model(sentence: dict, answer: dict, cal: dict, threshold: float) -> None:
    model = {
        "trained_on": "SQuAD 2.0 train.jsonl (10 articles) by scripts/train_answerer.py, seed 12",
        "threshold": threshold,
        "compose": {"extra_ratio": EXTRA_RATIO},
        "sentence": {"features": list(SENTENCE_FEATURES), **_plain(sentence)},
        "answer": {
            "features": list(QUESTION_FEATURES),
            **_plain(answer),
            "calibration": {"a": round(cal["a"], 6), "b": round(cal["b"], 6)},
        },
    }
    (ROOT / "qa" / "answering" / "answerer_model.json").write_text(json.dumps(model) + "\n", encoding="utf-8")


def run_history(path: Path, note: str | None) -> list[dict]:
    """Earlier recorded runs, oldest first: their headline figures and what changed after them.
    With a ``note``, the run recorded in ``path`` joins the list; without, the list is kept."""
    if not path.exists():
        return []
    old = json.loads(path.read_text(encoding="utf-8"))
    history = old.get("history", [])
    if note:
        history.append(
            {
                "threshold": old["threshold"],
                "train_out_of_fold": {k: old["train_out_of_fold"][k] for k in ("answer_accuracy", "abstention_accuracy")},
                "test": {k: old["test"][k] for k in ("answer_accuracy", "abstention_accuracy")},
                "changed_after": note,
            }
        )
    return history


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--work", default="/tmp/qa-train-answerer", help="indexes and the candidate cache")
    ap.add_argument("--no-report", action="store_true", help="write the weights only (skip test.jsonl)")
    ap.add_argument("--note", help="what changed since the recorded run: the earlier run's figures move to its history")
    args = ap.parse_args()
    work = Path(args.work)
    squad = SHARED / "eval" / "squad2"
    index = build_index([squad / "docs"], work, "squad")
    train = collect(squad / "train.jsonl", index, work)
    test = [] if args.no_report else collect(squad / "test.jsonl", index, work)
    say(f"train: {len(train)} questions; test: {len(test)} questions")

    # 1-3: out-of-fold everything on the training articles
    oof = oof_sentence_logits(train)
    qx, right, ok = question_rows(train, oof)
    folds = np.array(_folds(train))
    logit_oof = np.zeros(len(train))
    for k in range(FOLDS):
        part = _lr(qx[folds != k], right[folds != k].astype(int), C_ANSWER)
        logit_oof[folds == k] = _apply(part, qx[folds == k])
    cal = platt(logit_oof, right)
    conf_oof = 1 / (1 + np.exp(-(cal["a"] * logit_oof + cal["b"]))) * ok
    threshold = round(operating_point(conf_oof, right, TARGET_PRECISION), 4)

    # final models on all training articles
    sentence = fit_sentence(train)
    answer = _lr(qx, right.astype(int), C_ANSWER)

    write_model(sentence, answer, cal, threshold)
    if args.no_report:
        return
    # report on the test articles
    test_logits = [_apply(sentence, i.feats.x) if len(i.texts) else np.zeros(0) for i in test]
    tqx, tright, tok = question_rows(test, test_logits)
    tconf = calibrated(answer, cal, tqx) * tok
    result = {
        "seed": SEED,
        "data": "../shared/eval/squad2 (SQuAD 2.0 dev, 16 articles): train.jsonl to fit and choose, test.jsonl to report",
        "k": 6,
        "target_precision": TARGET_PRECISION,
        "threshold": threshold,
        "extra_ratio": EXTRA_RATIO,
        "train_out_of_fold": figures(train, conf_oof, right, threshold),
        "test": figures(test, tconf, tright, threshold),
    }
    out = ROOT / "eval" / "results"
    out.mkdir(parents=True, exist_ok=True)
    result["history"] = run_history(out / "answerer.json", args.note)
    (out / "answerer.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    say(json.dumps({k: v for k, v in result.items() if k not in ("train_out_of_fold", "test")}))
    for name in ("train_out_of_fold", "test"):
        say(name, json.dumps({k: v for k, v in result[name].items() if k != "coverage_table"}))


if __name__ == "__main__":
    main()
