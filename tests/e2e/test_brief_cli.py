"""qa brief / qa events through the real console entry point, as a user runs them."""

from __future__ import annotations

import json

from tests.conftest import run_qa
from tests.events_helpers import bullets, markers


def test_brief_markdown_and_json(seed_index):
    env = {"QA_INDEX_DIR": str(seed_index)}
    res = run_qa("brief", env=env)
    assert res.returncode == 0, res.stderr
    assert "## Key points" in res.stdout and "Vostok" in res.stdout
    assert all(markers(line) for line in bullets(res.stdout))
    res = run_qa("brief", "--json", env=env)
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert {"title", "markdown", "citations", "events", "mode"} <= set(data)
    assert markers(data["markdown"]) <= {c["id"] for c in data["citations"]}


def test_events_json(seed_index):
    res = run_qa("events", "--json", env={"QA_INDEX_DIR": str(seed_index)})
    assert res.returncode == 0, res.stderr
    events = json.loads(res.stdout)["events"]
    assert {e["kind"] for e in events} >= {"exercise", "alliance"}
    res = run_qa("events", env={"QA_INDEX_DIR": str(seed_index)})
    assert res.returncode == 0 and "Vostok" in res.stdout
    res = run_qa("events", "--relations", "--json", env={"QA_INDEX_DIR": str(seed_index)})
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert data["relations"] and {n for r in data["relations"] for n in r["citations"]} == {c["id"] for c in data["citations"]}


def test_html_to_file(seed_index, tmp_path):
    out = tmp_path / "brief.html"
    res = run_qa("brief", "--format", "html", "-o", str(out), env={"QA_INDEX_DIR": str(seed_index)})
    assert res.returncode == 0, res.stderr
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and 'id="src-1"' in page and "<mark" in page
    assert page.count("<svg") == 2 and "Who with whom" in page


def test_bad_input_is_one_line(seed_index, tmp_path):
    env = {"QA_INDEX_DIR": str(seed_index)}
    for args in (("brief", "--since", "not-a-date"), ("events", "--until", "nope"), ("brief", "--format", "pdf")):
        res = run_qa(*args, env=env)
        assert res.returncode != 0
        assert "Traceback" not in res.stderr and len(res.stderr.strip().splitlines()) == 1, res.stderr
    res = run_qa("brief", env={"QA_INDEX_DIR": str(tmp_path / "missing")})
    assert res.returncode != 0 and "qa ingest" in res.stderr and "Traceback" not in res.stderr
    res = run_qa("brief", "-o", str(tmp_path / "no" / "such" / "dir.md"), env=env)
    assert res.returncode == 2 and "cannot write" in res.stderr
