"""Render README's recorded-results blocks from eval/results/*.json (never typed by hand): the
support and injection checks (``results``), and the offline answerer's ``qa eval`` runs saved by
``scripts/record_eval.py`` with the figures of ``scripts/train_answerer.py`` (``eval``), and the
event extractor against the gold set from ``scripts/train_events.py --report`` (``events``).

    .venv/bin/python scripts/render_results.py          # rewrites the blocks between the markers
"""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "eval" / "results"
START, END = "<!-- results:start -->", "<!-- results:end -->"
EVAL_START, EVAL_END = "<!-- eval:start -->", "<!-- eval:end -->"
EVAL_SETS = ("squad_test", "defence_dev", "defence_dev_mix", "heldout_mix", "seeds_dev_mix")


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def _check_row(check: str, chosen_on: str, reported_on: str, threshold, precision: float, recall: float) -> str:
    """One row of the checks table: the check, the data it was chosen and reported on, its
    threshold and the reported precision and recall."""
    return f"| {check} | {chosen_on} | {reported_on} | {threshold} | {_pct(precision)} | {_pct(recall)} |"


def render() -> str:
    support = json.loads((RESULTS / "support_calibration.json").read_text())
    inj = json.loads((RESULTS / "injection_classifier.json").read_text())
    scan = json.loads((RESULTS / "injection_corpus_scan.json").read_text())
    lines = [
        "| check | chosen on | reported on | threshold | precision | recall |",
        "|---|---|---|---:|---:|---:|",
        _check_row(
            f"claim support (`scripts/calibrate_support.py`, seed {support['seed']})",
            f"train: {support['articles']['train']} gold-event articles, {support['train']['pairs']} pairs",
            f"test: {support['articles']['test']} other articles, {support['test']['pairs']} pairs",
            support["threshold"], support["test"]["precision_supported"], support["test"]["recall_supported"],
        ),
        _check_row(
            f"injected instructions (`scripts/train_injection.py`, seed {inj['seed']})",
            f"train: {inj['train']['n']} sentences",
            f"held out: {inj['held_out']['n']} sentences, {len(inj['held_out_families'])} unseen instruction families",
            inj["threshold"], inj["held_out"]["precision"], inj["held_out"]["recall"],
        ),
        "",
        "Sentences of ordinary news flagged as instructions (`scripts/scan_injection.py`): "
        + "; ".join(f"{name}: {v['flagged']} of {v['sentences']:,}" for name, v in scan.items()) + ".",
    ]
    return "\n".join(lines)


def _pct1(x: float) -> str:
    return f"{100 * x:.1f}%"


def _opt(x: float | None) -> str:
    return "n/a" if x is None else _pct(x)


def render_eval() -> str:
    trained = json.loads((RESULTS / "answerer.json").read_text())
    lines = [
        "| questions | index | used for | answer accuracy | refusals right | answerable refused | hit@k | latency p50 / p95 |",
        "|---|---|---|---:|---:|---:|---:|---|",
        f"| `squad2/train.jsonl` ({trained['train_out_of_fold']['answerable']} + "
        f"{trained['train_out_of_fold']['unanswerable']} unanswerable), out of fold "
        f"| 16 SQuAD 2.0 articles | fitting both models and choosing the operating point "
        f"| {_pct(trained['train_out_of_fold']['answer_accuracy'])} "
        f"| {_pct(trained['train_out_of_fold']['abstention_accuracy'])} "
        f"| {_pct(trained['train_out_of_fold']['false_abstentions'])} | | |",
    ]
    runs = {}
    for name in EVAL_SETS:
        path = RESULTS / f"eval_{name}.json"
        if not path.exists():
            continue
        r = runs[name] = json.loads(path.read_text())
        lines.append(
            f"| `{r['file'].removeprefix('../shared/eval/')}` ({r['answerable']} + {r['unanswerable']} unanswerable) "
            f"| {r['index_description']} | {r['used_for']} | {_opt(r['answer_accuracy'])} "
            f"| {_opt(r['abstention_accuracy'])} | {_opt(r['false_abstention_rate'])} "
            f"| {_opt(r['retrieval_hit_at_k'])} | {r['latency_p50_s']:.2f} / {r['latency_p95_s']:.2f} s |"
        )
    if trained.get("history"):
        lines += ["", "Earlier recorded runs of the trainer (`history` in `eval/results/answerer.json`), oldest first:", ""]
        for n, old in enumerate(trained["history"], 1):
            test, oof = old["test"], old["train_out_of_fold"]
            lines.append(
                f"{n}. test {_pct1(test['answer_accuracy'])} answers right / {_pct1(test['abstention_accuracy'])} "
                f"refusals right (train out of fold {_pct1(oof['answer_accuracy'])} / "
                f"{_pct1(oof['abstention_accuracy'])}); changed after it: {old['changed_after']}"
            )
        now = trained["test"]
        lines.append(
            f"\nThe shipped weights: test {_pct1(now['answer_accuracy'])} / {_pct1(now['abstention_accuracy'])} "
            "(the table's second row)."
        )
    for name in ("squad_test", "defence_dev"):
        r = runs.get(name)
        if not r or not r.get("coverage"):
            continue
        lines += [
            "",
            f"Coverage against accuracy, `{r['file'].removeprefix('../shared/eval/')}` over {r['index_description']} "
            "(`qa eval` prints this table; * marks the shipped operating point):",
            "",
            "| answer when confidence ≥ | answered | accuracy of those answers | answerable answered right | unanswerable refused |",
            "|---:|---:|---:|---:|---:|",
        ]
        for row in r["coverage"]:
            mark = " *" if r.get("operating_point") is not None and abs(row["confidence_at_least"] - r["operating_point"]) < 1e-9 else ""
            lines.append(
                f"| {row['confidence_at_least']:.2f}{mark} | {_opt(row['coverage'])} | {_opt(row['accuracy_of_answers'])} "
                f"| {_opt(row['answerable_correct'])} | {_opt(row['unanswerable_refused'])} |"
            )
    return "\n".join(lines)


def _replace(text: str, start: str, end: str, body: str) -> str:
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    return f"{head}{start}\n{body}\n{end}{tail}"


EVENTS_START, EVENTS_END = "<!-- events:start -->", "<!-- events:end -->"
EVENT_TARGETS = {"exercise": "≥ 0.85 / ≥ 0.80", "alliance": "≥ 0.75 / ≥ 0.70", "deployment": "— / ≥ 0.60"}


def _fixed(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"  # undefined: nothing found, or no gold record


def _pr(score: dict) -> str:
    return f"{_fixed(score['precision'])} / {_fixed(score['recall'])}"


def render_events() -> str:
    ev = json.loads((RESULTS / "events_gold.json").read_text())
    kinds = ("exercise", "alliance", "deployment")
    sizes = ev["split_sizes"]
    lines = [
        f"Gold: `{Path(ev['gold']).name}`, split by article (seed {ev['seed']}) into a choosing part "
        f"({sizes['choose']} articles) and a reporting part ({sizes['report']}). Thresholds "
        + ", ".join(f"{k} {ev['thresholds'][k]}" for k in kinds) + ". Precision / recall:",
        "",
        "| run | part | exercises | alliances | deployments | all kinds F1 | BBC records (of 300) |",
        "|---|---|---|---|---|---:|---:|",
        "| target | reporting | " + " | ".join(EVENT_TARGETS[k] for k in kinds) + " | | ≤ 3 |",
        "| final | choosing, out of fold | " + " | ".join(_pr(ev["choose_out_of_fold"][k]) for k in kinds) + " | | |",
    ]
    for i, run in enumerate(ev["history"], 1):
        label = "first" if i == 1 else f"run {i}"
        lines.append(
            f"| {label} | reporting | " + " | ".join(_pr(run["report"][k]) for k in kinds) + f" | | {run['bbc_records']} |"
        )
    rep = ev["report"]
    lines.append(
        "| **final** | reporting | " + " | ".join(f"**{_pr(rep['kinds'][k])}**" for k in kinds)
        + f" | {_fixed(rep['overall']['f1'])} | {ev['bbc_check']['records']} |"
    )
    jac = ", ".join(f"{k}s {_fixed(rep['kinds'][k]['participant_jaccard'])}" for k in kinds)
    lines += ["", f"Participant Jaccard of matched records on the reporting part: {jac}. What changed before each run: `history[].note` in `eval/results/events_gold.json`."]
    return "\n".join(lines)


def main() -> None:
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    text = _replace(text, START, END, render())
    if EVAL_START in text:
        text = _replace(text, EVAL_START, EVAL_END, render_eval())
    if EVENTS_START in text:
        text = _replace(text, EVENTS_START, EVENTS_END, render_events())
    readme.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
