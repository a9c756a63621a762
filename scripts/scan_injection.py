"""How often the injection classifier flags real news: every sentence (and title) of
``../shared/corpus/defence_dev.jsonl`` and of the BBC articles the training did not sample.
Writes ``eval/results/injection_corpus_scan.json``.

    .venv/bin/python scripts/scan_injection.py
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qa.config import load_settings  # noqa: E402
from qa.retrieval.injection import instruction_sentences  # noqa: E402
from qa.storage.embedders import get_embedder  # noqa: E402
from qa.text.spans import sentence_spans  # noqa: E402

SHARED = ROOT.parent / "shared" / "corpus"


def main() -> None:
    embedder = get_embedder(load_settings())
    rows = {
        name: [json.loads(x) for x in (SHARED / name).read_text(encoding="utf-8").splitlines() if x.strip()]
        for name in ("defence_dev.jsonl", "bbc.jsonl")
    }
    trained = {r["id"] for r in random.Random(12).sample(rows["bbc.jsonl"], 700)}  # as train_injection.py
    rows["bbc.jsonl"] = [r for r in rows["bbc.jsonl"] if r["id"] not in trained][:600]
    result = {}
    for name, arts in rows.items():
        sents = [s.text for r in arts for t in (r.get("title") or "", r.get("text") or "") for s in sentence_spans(t)]
        flagged = instruction_sentences(sents, embedder)
        result[name] = {
            "articles": len(arts),
            "sentences": len(sents),
            "flagged": len(flagged),
            "rate": round(len(flagged) / max(len(sents), 1), 5),
            "examples": sorted(flagged)[:20],
        }
    out = ROOT / "eval" / "results" / "injection_corpus_scan.json"
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    sys.stdout.write(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
