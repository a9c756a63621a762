"""`qa eval GOLD.json`: the event extractor scored against an events gold file, through the CLI."""

from __future__ import annotations

import json

from tests.conftest import run_main
from tests.fake_openai import FakeOpenAI
from tests.integration.llm.scripts import model

BREST = "000_52ce17c5f8e0b379"  # the China–Belarus drills near Brest
VOSTOK = "001_387894d00310cf98"  # China joins Russia's Vostok exercise


def _gold(tmp_path, articles: list[dict]):
    path = tmp_path / "gold.json"
    path.write_text(json.dumps({"definitions": {}, "articles": articles, "doubts": []}), encoding="utf-8")
    return path


def _seed_gold(tmp_path):
    return _gold(
        tmp_path,
        [
            {"id": BREST, "events": [{"kind": "exercise", "name": None, "participants": ["China", "Belarus"]}]},
            {"id": VOSTOK, "events": [
                {"kind": "exercise", "name": "Vostok", "participants": ["Russia", "China"]},
                # Nothing in the seeds says this: it must count as a miss, never as matched.
                {"kind": "deployment", "name": None, "participants": ["Portugal"]},
            ]},
            {"id": "not-in-the-index", "events": [{"kind": "alliance", "name": "AUKUS", "participants": ["Australia"]}]},
        ],
    )


def test_gold_file_json_scores_per_kind(seed_settings, tmp_path, capsys):
    code, out, _ = run_main(capsys, "eval", str(_seed_gold(tmp_path)), "--json")
    assert code == 0
    data = json.loads(out)
    assert data["mode"] == "offline" and data["articles"] == 2 and data["missing_articles"] == 1
    ex = data["kinds"]["exercise"]
    assert ex["gold"] == 2 and ex["matched"] == 2 and ex["recall"] == 1.0
    assert data["kinds"]["deployment"]["gold"] == 1 and data["kinds"]["deployment"]["matched"] == 0
    assert data["kinds"]["alliance"]["gold"] == 0  # the unindexed article's record is not scored
    assert data["overall"]["matched"] == 2 and data["overall"]["gold"] == 3
    assert 0 < data["overall"]["precision"] < 1  # the seeds hold more records than this gold file
    assert "Jaccard" in data["matching"]


def test_gold_file_terminal_table_and_progress(seed_settings, tmp_path, capsys):
    code, out, err = run_main(capsys, "eval", str(_seed_gold(tmp_path)))
    assert code == 0
    assert "exercise" in out and "precision" in out and "Jaccard" in out
    assert "offline extractor, 2 articles scored (1 of the gold file not indexed)" in out
    assert f"scored {BREST}" in err


def test_a_bad_gold_record_is_one_line_and_rc_2(seed_settings, tmp_path, capsys):
    bad = _gold(tmp_path, [{"id": BREST, "events": [{"kind": "parade", "participants": []}]}])
    code, out, err = run_main(capsys, "eval", str(bad))
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert "articles[0].events[0]" in err and '"kind"' in err


def test_k_is_refused_for_a_gold_file_rather_than_ignored(seed_settings, tmp_path, capsys):
    code, out, err = run_main(capsys, "eval", str(_seed_gold(tmp_path)), "--k", "3")
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1 and "--k" in err


def test_gold_file_scores_the_llm_extractor_when_one_is_configured(seed_settings, tmp_path, capsys, monkeypatch):
    """The same file and flags score the LLM's records: the scripted model reports only the two
    exercises, so precision is 1 and the deployment nobody reports is the one miss."""
    with FakeOpenAI() as server:
        monkeypatch.setenv("QA_LLM_BASE_URL", server.base_url)
        server.push(*([model] * 10))
        code, out, err = run_main(capsys, "eval", str(_seed_gold(tmp_path)), "--json")
        assert code == 0, err
        data = json.loads(out)
        assert data["mode"] == "llm"
        assert {r.prompt_name for r in server.chat_requests} == {"events"} and len(server.chat_requests) == 2
    assert data["kinds"]["exercise"]["matched"] == 2 and data["kinds"]["exercise"]["precision"] == 1.0
    assert data["overall"]["matched"] == 2 and data["overall"]["recall"] < 1.0
