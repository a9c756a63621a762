"""Run ``qa eval --json`` (offline, k as shipped) on every question set and save the output under
``eval/results/eval_<name>.json``; ``scripts/render_results.py`` renders the README's table from
those files.

Sets and indexes (built under ``--work``):
- ``squad_test``: ``../shared/eval/squad2/test.jsonl`` over the 16 SQuAD articles (reported only:
  the answerer is fitted and its operating point chosen on ``train.jsonl``);
- ``defence_dev``: ``../shared/eval/defence_dev_questions.jsonl`` over the 146 defence articles
  (one ``<id>.txt`` file each, as the question file names them: title, a "Published" dateline
  when the article has a date, text);
- ``defence_dev_mix``, ``heldout_mix``, ``seeds_dev_mix``: the news sets over a 760-article mix
  (the seeds, the defence articles, and the BBC articles the held-out set cites plus the first
  others up to 760).

    .venv/bin/python scripts/record_eval.py [--only NAME ...]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
MIX_SIZE = 760

SETS = {
    # name: (question file, index, what it was used for)
    "squad_test": (SHARED / "eval/squad2/test.jsonl", "squad", "reported only"),
    "defence_dev": (SHARED / "eval/defence_dev_questions.jsonl", "defence", "reported only"),
    "defence_dev_mix": (SHARED / "eval/defence_dev_questions.jsonl", "mix", "reported only"),
    "heldout_mix": (ROOT / "eval/heldout.jsonl", "mix", "reported only"),
    "seeds_dev_mix": (SHARED / "eval/seeds_dev.jsonl", "mix", "reported only"),
}


def defence_docs(work: Path) -> Path:
    folder = work / "defence_docs"
    folder.mkdir(parents=True, exist_ok=True)
    for line in (SHARED / "corpus/defence_dev.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            dateline = f"Published {row['date']}\n\n" if row.get("date") else ""
            (folder / f"{row['id']}.txt").write_text(f"{row['title']}\n\n{dateline}{row['text']}\n", encoding="utf-8")
    return folder


def bbc_part(work: Path, room: int) -> Path:
    """The BBC articles the held-out set cites, then the first others, ``room`` in all, in a file
    named like the corpus so that ``bbc.jsonl#id`` sources match."""
    cited = set()
    for line in (ROOT / "eval/heldout.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            cited |= {s.split("#", 1)[1] for s in json.loads(line).get("sources", []) if s.startswith("bbc.jsonl#")}
    lines = (SHARED / "corpus/bbc.jsonl").read_text(encoding="utf-8").splitlines()
    keep = [ln for ln in lines if json.loads(ln)["id"] in cited]
    keep += [ln for ln in lines if json.loads(ln)["id"] not in cited][: max(0, room - len(keep))]
    folder = work / "bbc_part"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "bbc.jsonl").write_text("\n".join(keep) + "\n", encoding="utf-8")
    return folder


def build(work: Path, name: str) -> Path:
    index = work / f"index-{name}"
    if (index / ".built").exists():
        return index
    if name == "squad":
        paths = [SHARED / "eval/squad2/docs"]
    elif name == "defence":
        paths = [defence_docs(work)]
    else:
        seeds = ROOT / "seeds"
        n_def = sum(1 for ln in (SHARED / "corpus/defence_dev.jsonl").read_text().splitlines() if ln.strip())
        paths = [seeds, defence_docs(work), bbc_part(work, MIX_SIZE - n_def - len(list(seeds.iterdir())))]
    env = dict(os.environ, QA_INDEX_DIR=str(index), QA_EXTRACTIVE="1")
    subprocess.run([str(ROOT / ".venv/bin/qa"), "ingest", *map(str, paths)], env=env, check=True)
    (index / ".built").write_text("ok\n")
    return index


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", default="/tmp/qa-record-eval")
    ap.add_argument("--only", nargs="*")
    args = ap.parse_args()
    work = Path(args.work)
    out = ROOT / "eval" / "results"
    for name, (questions, index_name, used) in SETS.items():
        if args.only and name not in args.only:
            continue
        index = build(work, index_name)
        env = dict(os.environ, QA_INDEX_DIR=str(index), QA_EXTRACTIVE="1", HF_HUB_OFFLINE="1")
        run = subprocess.run(
            [str(ROOT / ".venv/bin/qa"), "eval", str(questions), "--json"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        report = json.loads(run.stdout)
        report["file"] = os.path.relpath(questions, ROOT)
        report["index"] = index_name
        report["used_for"] = used
        sources = {
            "squad": "16 SQuAD 2.0 articles",
            "defence": "146 defence articles",
            "mix": f"{MIX_SIZE}-article mix (seeds, defence, BBC)",
        }
        report["index_description"] = sources[index_name]
        for item in report["items"]:  # keep the file small: the answer's first 300 characters
            item["answer"] = item["answer"][:300]
        (out / f"eval_{name}.json").write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
        sys.stdout.write(
            f"{name}: answer {report['answer_accuracy']}, abstention {report['abstention_accuracy']}, "
            f"p50 {report['latency_p50_s']} s\n"
        )


if __name__ == "__main__":
    main()
