"""``qa eval`` inputs through the CLI and ``qa.api``: undefined event scores are null in JSON and
n/a in the table, a bad gold file is named as one, unscorable rows and a byte-order mark, and a
file edited and re-ingested between two runs in one process."""

from __future__ import annotations

import json
import shutil

from qa import api
from tests.conftest import SEEDS, run_main

BREST = "000_52ce17c5f8e0b379"  # the China–Belarus drills near Brest ("11-day")
VOSTOK = "001_387894d00310cf98"


def _gold(tmp_path, articles, *, indent=None):
    path = tmp_path / "gold.json"
    path.write_text(json.dumps({"definitions": {}, "articles": articles}, indent=indent), encoding="utf-8")
    return path


def test_undefined_scores_are_null_in_json_and_n_a_in_the_table(seed_settings, tmp_path, capsys):
    gold = _gold(tmp_path, [{"id": BREST, "events": [{"kind": "exercise", "name": None, "participants": ["China", "Belarus"]}]}])
    code, out, err = run_main(capsys, "eval", str(gold), "--json")
    assert code == 0, err
    kinds = json.loads(out)["kinds"]
    for kind in ("alliance", "deployment"):  # no gold record of these kinds
        assert kinds[kind]["gold"] == 0 and kinds[kind]["recall"] is None and kinds[kind]["f1"] is None
        assert (kinds[kind]["precision"] is None) == (kinds[kind]["predicted"] == 0)
    code, out, _ = run_main(capsys, "eval", str(gold))
    assert code == 0
    rows = {line.split("│")[1].strip(): line for line in out.splitlines() if line.count("│") > 8}
    assert rows["alliance"].count("n/a") >= 2 and "0.00" not in rows["alliance"].split("│")[6]


def test_a_bad_gold_file_gets_the_gold_error_not_a_question_error(seed_settings, tmp_path, capsys):
    gold = _gold(tmp_path, [{"id": BREST, "events": []}, {"id": VOSTOK}], indent=2)
    code, out, err = run_main(capsys, "eval", str(gold))
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1
    assert 'articles[1]: "events" must be a list' in err and "question" not in err


def test_an_unscorable_row_is_refused_before_any_question_is_run(seed_settings, tmp_path, capsys):
    qs = tmp_path / "q.jsonl"
    rows = [
        {"question": "Which organisation was Belarus admitted to?", "expect_any": [["Shanghai"]], "sources": [f"{BREST}.txt"]},
        {"question": "How long will the exercise last?", "expect_any": ["11", "eleven"], "sources": [f"{BREST}.txt"]},
    ]
    qs.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    code, out, err = run_main(capsys, "eval", str(qs))
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1
    assert 'q.jsonl:2: field "expect_any": a flat list of several strings is ambiguous' in err


def test_a_question_file_with_a_byte_order_mark_runs(seed_settings, tmp_path, capsys):
    qs = tmp_path / "q.jsonl"
    row = {"id": "a", "question": "Which organisation was Belarus admitted to?", "expect_any": [["Shanghai"]], "sources": [f"{BREST}.txt"]}
    qs.write_bytes(b"\xef\xbb\xbf" + (json.dumps(row) + "\n").encode("utf-8"))
    code, out, err = run_main(capsys, "eval", str(qs), "--json")
    assert code == 0, err
    assert json.loads(out)["questions"] == 1


def test_verbatim_quotes_are_checked_against_the_article_as_re_ingested(settings, tmp_path):
    """Two runs in one process, the article edited and re-ingested between them: the second run's
    quotes ("12-day") are verbatim in the file as it is now."""
    docs = tmp_path / "docs"
    docs.mkdir()
    article = docs / f"{BREST}.txt"
    shutil.copy(SEEDS / article.name, article)
    qs = tmp_path / "q.jsonl"
    row = {"id": "d", "question": "How long will the joint China-Belarus exercise last?", "expect_any": [["day"]], "sources": [article.name]}
    qs.write_text(json.dumps(row) + "\n", encoding="utf-8")
    api.ingest([docs], settings)
    first = api.evaluate(qs, settings)
    assert "11-day" in first.items[0].answer and first.verbatim_quote_share == 1.0
    article.write_text(article.read_text(encoding="utf-8").replace("11-day", "12-day").replace("11 days", "12 days"), encoding="utf-8")
    api.ingest([docs], settings)
    second = api.evaluate(qs, settings)
    assert "12-day" in second.items[0].answer and second.verbatim_quote_share == 1.0
