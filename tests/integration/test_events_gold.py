"""Floors on the events gold set's reporting part (``scripts/train_events.py``'s split): the
offline extractor, run per article of ``../shared/corpus/defence_dev.jsonl``, scored against
``../shared/eval/defence_dev_events.json``. The floors sit a little under the recorded figures
(``eval/results/events_gold.json``); they are not the issue's targets."""

from __future__ import annotations

import json

import pytest

from tests.conftest import ROOT, SHARED

GOLD = SHARED / "eval" / "defence_dev_events.json"
CORPUS = SHARED / "corpus" / "defence_dev.jsonl"
FLOORS = {  # kind: (precision, recall); recorded: exercise 0.904 / 0.671, alliance 0.455 / 0.395, deployment 0.486 / 0.694
    "exercise": (0.85, 0.62),
    "alliance": (0.4, 0.35),
    "deployment": (0.47, 0.58),
}

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def report_part(tmp_path_factory, session_cache):
    if not (GOLD.exists() and CORPUS.exists()):
        pytest.skip("../shared is absent on this machine")
    from qa.config import Settings
    from qa.evaluation.events_gold import evaluate_events
    from qa.ingest.pipeline import ingest

    weights = json.loads((ROOT / "qa" / "events" / "kind_model.json").read_text(encoding="utf-8"))
    report_ids = weights["split"]["report"]
    s = Settings.from_flat(index_dir=tmp_path_factory.mktemp("defence") / "index", cache_dir=session_cache, extractive=True)
    ingest([CORPUS], s)
    return report_ids, evaluate_events(GOLD, s, only_ids=report_ids)


def test_report_part_floors(report_part):
    ids, rep = report_part
    # one report article (dvids-457132) is a duplicate that ingest skips: counted missing, not scored
    assert rep.articles + rep.missing == len(ids) and rep.missing <= 1
    d = rep.to_dict()
    for kind, (p, r) in FLOORS.items():
        got = d["kinds"][kind]
        assert got["precision"] >= p and got["recall"] >= r, (kind, got)
    assert d["kinds"]["exercise"]["participant_jaccard"] >= 0.72  # recorded 0.809
    assert d["overall"]["f1"] >= 0.58  # recorded 0.615


def test_split_is_the_recorded_one():
    from qa.evaluation.events_gold import load_gold, split_ids

    if not GOLD.exists():
        pytest.skip("../shared is absent on this machine")
    weights = json.loads((ROOT / "qa" / "events" / "kind_model.json").read_text(encoding="utf-8"))
    choose, report = split_ids([a.id for a in load_gold(GOLD)], weights["seed"])
    assert (choose, report) == (weights["split"]["choose"], weights["split"]["report"])
    assert len(choose) + len(report) == 146 and not set(choose) & set(report)
