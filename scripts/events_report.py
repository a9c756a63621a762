"""Record the offline extractor's gold-set scores (``scripts/train_events.py --report``): per kind
precision / recall / F1 and participant Jaccard on the choosing and the reporting parts, and the
records it finds in 300 BBC sport, tech and entertainment articles, to
``eval/results/events_gold.json``. Earlier runs stay listed under ``history`` with their note
(what changed since the run before)."""

from __future__ import annotations

import json
from pathlib import Path

from scoring import say

from qa.config import load_settings
from qa.evaluation.events_gold import evaluate_events

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "eval" / "results" / "events_gold.json"


def bbc_records(clf, bbc_check: list[dict], work: Path) -> list[dict]:
    """Every record the extractor finds in the BBC check articles (indexed once under ``work``)."""
    from qa.events.extract import extract_offline
    from qa.ingest.pipeline import ingest
    from qa.retrieval.articles import load_articles

    folder = work / "bbc_check"
    s = load_settings(index_dir=folder / "index", extractive=True)
    if not (folder / "index").exists():
        folder.mkdir(parents=True, exist_ok=True)
        src = folder / "bbc_check.jsonl"
        src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in bbc_check), encoding="utf-8")
        say("ingesting the BBC check articles into", folder / "index")
        ingest([src], s)
    found = []
    for art in load_articles(s):
        for ev in extract_offline(s, [art], classifier=clf):
            found.append({"source": art.source, "kind": ev.kind, "name": ev.name, "evidence": [x.text for x in ev.evidence][:1]})
    return found


def record_results(settings, clf, *, gold_path: Path, choose: list[str], report: list[str], bbc_check: list[dict], work: Path, seed: int, note: str = "", validation: dict | None = None) -> dict:
    parts = {}
    for name, ids in (("choose", choose), ("report", report)):
        parts[name] = evaluate_events(gold_path, settings, only_ids=ids, classifier=clf).to_dict()
        say(name, json.dumps({k: v for k, v in parts[name]["kinds"].items()}), "overall F1", parts[name]["overall"]["f1"])
    bbc = bbc_records(clf, bbc_check, work)
    say("BBC check records:", len(bbc))
    previous = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    history = previous.get("history", [])
    if previous.get("report"):
        history.append({"note": previous.get("note", ""), "report": {k: {m: v[m] for m in ("precision", "recall", "f1")} for k, v in previous["report"]["kinds"].items()}, "bbc_records": previous.get("bbc_check", {}).get("records")})
    result = {
        "seed": seed,
        "gold": "../shared/eval/defence_dev_events.json",
        "matching": "same article and kind; names agree (distinctive tokens, one set within the other) or participant Jaccard >= 0.5; one to one (maximum matching)",
        "split_sizes": {"choose": len(choose), "report": len(report)},
        "thresholds": clf.thresholds,
        "note": note,
        "choose_out_of_fold": validation,
        "choose": parts["choose"],
        "report": parts["report"],
        "bbc_check": {"articles": len(bbc_check), "categories": "sport, tech, entertainment", "records": len(bbc), "found": bbc},
        "split": {"choose": choose, "report": report, "bbc_check": sorted(r["id"] for r in bbc_check)},
        "history": history,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    say("wrote", RESULTS.relative_to(ROOT))
    return result
