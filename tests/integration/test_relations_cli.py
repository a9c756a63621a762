"""`qa events --relations` on the seeds, in-process: the who-with-whom table with its cited
sources, and the same pairs as JSON with the citations they refer to."""

from __future__ import annotations

import json
import re

from tests.conftest import run_main


def test_relations_json(seed_index, capsys):
    code, out, err = run_main(capsys, "--index-dir", str(seed_index), "events", "--relations", "--json")
    assert code == 0, err
    data = json.loads(out)
    pairs = {(r["a"], r["b"], r["directed"]): r for r in data["relations"]}
    china_belarus = pairs[("Belarus", "China", False)]
    assert "exercise" in china_belarus["kinds"] and china_belarus["events"] >= 2
    assert ("China", "Russia", False) in pairs
    counts = [r["events"] for r in data["relations"]]
    assert counts == sorted(counts, reverse=True)
    # every citation number a pair uses has its quoted source, and nothing else is listed
    cited = {n for r in data["relations"] for n in r["citations"]}
    assert cited and cited == {c["id"] for c in data["citations"]}
    assert all(c["quote"] and c["source"] for c in data["citations"])


def test_relations_table(seed_index, capsys):
    code, out, err = run_main(capsys, "--index-dir", str(seed_index), "events", "--relations")
    assert code == 0, err
    assert "Belarus – China" in out and "China – Russia" in out
    assert "Sources:" in out and "Brest" in out.split("Sources:", 1)[1]
    assert "pairs" in out.splitlines()[-1]
    table = out.split("Sources:", 1)[0]  # 80 columns, as rich prints when not on a terminal
    assert not re.search(r"\[\d*\s*│|│\s*\d+\]", table)  # a source number is never cut across lines
    assert "exercise " in table and not re.search(r"\d{4}-\d{0,2}\s*│", table)  # nor a kind or a date
    assert "offline" in err  # the extractive-mode note goes to stderr, not into the table
