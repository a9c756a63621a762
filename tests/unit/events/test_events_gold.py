"""The events gold file: loading and validation, the matching rule (names, participants, one to
one) and per-kind scores, on small hand-made gold and predicted records."""

from __future__ import annotations

import json

import pytest

from qa.errors import InputError
from qa.evaluation.events_gold import (
    GoldEvent,
    Pred,
    is_events_gold_file,
    load_gold,
    match_pairs,
    names_agree,
    participant_jaccard,
    score_articles,
    split_ids,
)


def _write(tmp_path, data, name="gold.json"):
    p = tmp_path / name
    p.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return p


GOLD = {
    "definitions": {"exercise": "..."},
    "articles": [
        {"id": "a1", "events": [{"kind": "exercise", "name": "Talisman Sabre 2019", "participants": ["Australia", "United States"], "evidence": "x"}]},
        {"id": "a2", "events": []},
    ],
}


def test_load_and_recognise_a_gold_file(tmp_path):
    p = _write(tmp_path, GOLD)
    arts = load_gold(p)
    assert [a.id for a in arts] == ["a1", "a2"]
    assert arts[0].events[0].participants == ["Australia", "United States"]
    assert is_events_gold_file(p)
    # decided by shape: a damaged gold file is still one, so that load_gold names what is wrong
    assert is_events_gold_file(_write(tmp_path, {"articles": [{"id": "x"}]}, "other.json"))
    assert not is_events_gold_file(_write(tmp_path, '{"question": "q"}\n', "q.jsonl"))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("{not json", "invalid JSON"),
        ({"articles": {}}, 'list "articles"'),
        ({"articles": [{"events": []}]}, 'articles[0]: needs a non-empty string "id"'),
        ({"articles": [{"id": "a", "events": [{"kind": "parade"}]}]}, 'articles[0].events[0]: "kind" must be one of'),
        ({"articles": [{"id": "a", "events": [{"kind": "alliance", "participants": "NATO"}]}]}, '"participants" must be a list'),
        ({"articles": [{"id": "a", "events": []}, {"id": "a", "events": []}]}, "listed twice"),
    ],
)
def test_a_bad_gold_file_is_one_line_input_error(tmp_path, data, message):
    p = _write(tmp_path, data)
    with pytest.raises(InputError) as err:
        load_gold(p)
    assert message in str(err.value) and "\n" not in str(err.value)
    with pytest.raises(InputError, match="no such file"):
        load_gold(tmp_path / "missing.json")


def test_names_agree_on_distinctive_tokens():
    assert names_agree("Talisman Sabre", "Exercise Talisman Sabre 2019")  # years and "exercise" aside
    assert names_agree("Group Exercise (GROUPEX)", "GROUPEX")
    assert not names_agree("Exercise", "Warfighter Exercise")  # nothing distinctive on one side
    assert not names_agree("Joint Warrior", "Joint Viking")
    assert not names_agree(None, "Vostok")


def test_participants_compare_by_name_and_acronym():
    assert participant_jaccard(["North Atlantic Treaty Organization (NATO)", "Finland"], ["NATO", "Finland"]) == 1.0
    assert participant_jaccard(["Nato"], ["NATO"]) == 1.0
    assert participant_jaccard(["Shanghai Cooperation Organisation"], ["SCO"]) == 1.0  # initials
    assert participant_jaccard(["United States"], ["United States", "Japan"]) == 0.5
    assert participant_jaccard(["Russia"], ["China"]) == 0.0
    # one country under two short names is one participant; a different country is not
    assert participant_jaccard(["Türkiye", "Czechia"], ["Turkey", "Czech Republic"]) == 1.0
    assert participant_jaccard(["Cyprus"], ["Northern Cyprus"]) == 0.0


def test_matching_is_one_to_one():
    golds = [GoldEvent("exercise", None, ["China", "Russia"]), GoldEvent("exercise", None, ["China"])]
    # Both predictions could match the first gold record; a maximum matching uses each once and
    # still matches both gold records.
    preds = [Pred("exercise", "x", ["China", "Russia"]), Pred("exercise", "y", ["China"])]
    pairs = match_pairs(preds, golds)
    assert sorted((i, j) for i, j, _ in pairs) == [(0, 0), (1, 1)]
    # Two predictions of the same gold record: one match, one false positive.
    pairs = match_pairs([Pred("exercise", "a", ["China"]), Pred("exercise", "b", ["China"])], golds[1:])
    assert len(pairs) == 1


def test_scores_per_kind_and_overall():
    gold = {
        "a1": [GoldEvent("exercise", "Vostok", ["Russia", "China"]), GoldEvent("alliance", None, ["Belarus", "SCO"])],
        "a2": [GoldEvent("deployment", None, ["Russia"])],
    }
    pred = {
        "a1": [
            Pred("exercise", "Vostok 2018", ["Russia"]),  # name agrees, Jaccard 0.5
            Pred("alliance", "Belarus–China alignment", ["Belarus", "China"]),  # Jaccard 1/3, no name
            Pred("deployment", "x", ["Russia"]),  # right record, wrong article
        ],
        "a2": [],
    }
    rep = score_articles(gold, pred, missing=1)
    d = rep.to_dict()
    assert d["kinds"]["exercise"] == {**d["kinds"]["exercise"], "matched": 1, "precision": 1.0, "recall": 1.0, "participant_jaccard": 0.5}
    assert d["kinds"]["alliance"]["matched"] == 0 and d["kinds"]["alliance"]["predicted"] == 1
    assert d["kinds"]["deployment"]["recall"] == 0.0 and d["kinds"]["deployment"]["precision"] == 0.0
    assert d["overall"]["matched"] == 1 and d["overall"]["gold"] == 3 and d["overall"]["predicted"] == 3
    assert d["missing_articles"] == 1 and d["articles"] == 2
    assert [g.kind for g in rep.errors[0].missed] == ["alliance"]


def test_split_is_fixed_by_seed_and_by_article():
    ids = [f"a{i}" for i in range(10)]
    choose, report = split_ids(ids, 11)
    assert (choose, report) == split_ids(reversed(ids), 11)
    assert len(report) == 4 and not set(choose) & set(report) and set(choose) | set(report) == set(ids)
    assert split_ids(ids, 12) != (choose, report)
