"""Render README's recorded-results block from eval/results/*.json (never typed by hand).

    .venv/bin/python scripts/render_results.py          # rewrites the block between the markers
"""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "eval" / "results"
START, END = "<!-- results:start -->", "<!-- results:end -->"


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def render() -> str:
    support = json.loads((RESULTS / "support_calibration.json").read_text())
    inj = json.loads((RESULTS / "injection_classifier.json").read_text())
    scan = json.loads((RESULTS / "injection_corpus_scan.json").read_text())
    lines = [
        "| check | chosen on | reported on | threshold | precision | recall |",
        "|---|---|---|---:|---:|---:|",
        f"| claim support (`scripts/calibrate_support.py`, seed {support['seed']}) "
        f"| train: {support['articles']['train']} gold-event articles, {support['train']['pairs']} pairs "
        f"| test: {support['articles']['test']} other articles, {support['test']['pairs']} pairs "
        f"| {support['threshold']} | {_pct(support['test']['precision_supported'])} "
        f"| {_pct(support['test']['recall_supported'])} |",
        f"| injected instructions (`scripts/train_injection.py`, seed {inj['seed']}) "
        f"| train: {inj['train']['n']} sentences | held out: {inj['held_out']['n']} sentences, "
        f"{len(inj['held_out_families'])} unseen instruction families "
        f"| {inj['threshold']} | {_pct(inj['held_out']['precision'])} | {_pct(inj['held_out']['recall'])} |",
        "",
        "Sentences of ordinary news flagged as instructions (`scripts/scan_injection.py`): "
        + "; ".join(f"{name}: {v['flagged']} of {v['sentences']:,}" for name, v in scan.items()) + ".",
    ]
    return "\n".join(lines)


def main() -> None:
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    readme.write_text(f"{head}{START}\n{render()}\n{END}{tail}", encoding="utf-8")


if __name__ == "__main__":
    main()
