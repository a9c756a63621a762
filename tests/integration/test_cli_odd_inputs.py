"""Odd inputs a hostile user gives the CLI: an index path that is a file, a damaged index, bare
``qa``, an eval with nothing to score, and progress when stderr is a log, not a terminal."""

from __future__ import annotations

import json
import shutil

import pytest

from tests.conftest import SEEDS, run_main, run_qa

BREST = "000_52ce17c5f8e0b379"


def _questions(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _dev_rows(n: int) -> list[dict]:
    """``n`` answerable questions about the seeds (distinct ids), from one template."""
    return [
        {"id": f"q{i}", "question": "How long will the joint China-Belarus exercise last?",
         "expect_any": [["11", "eleven"]], "sources": [f"{BREST}.txt"], "answerable": True}
        for i in range(n)
    ]


# ------------------------------------------------------------------ an index path that is a file
@pytest.mark.parametrize("command", [["ingest", str(SEEDS)], ["sources"], ["ask", "Who?"], ["remove", "x"],
                                     ["events"], ["brief"], ["eval", "QUESTIONS"]])
@pytest.mark.parametrize("how", ["env", "flag"])
def test_an_index_path_that_is_a_file_is_one_line_for_every_command(tmp_path, capsys, monkeypatch, command, how):
    plain = tmp_path / "zero.txt"
    plain.write_text("", encoding="utf-8")
    command = [str(_questions(tmp_path / "q.jsonl", _dev_rows(1))) if a == "QUESTIONS" else a for a in command]
    if how == "env":
        monkeypatch.setenv("QA_INDEX_DIR", str(plain))
        args = command
    else:
        args = ["--index-dir", str(plain), *command]
    code, out, err = run_main(capsys, *args)
    assert code == 2 and out == ""
    assert err == f"qa: error: invalid settings: index folder {plain} (QA_INDEX_DIR or --index-dir) is a file, not a folder\n"
    assert plain.read_text(encoding="utf-8") == ""


def test_an_index_path_under_a_file_is_one_line_in_a_real_process(tmp_path):
    plain = tmp_path / "zero.txt"
    plain.write_text("", encoding="utf-8")
    proc = run_qa("ingest", str(SEEDS), env={"QA_INDEX_DIR": str(plain / "index")})
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.count("\n") == 1 and f"cannot be made: {plain} is a file" in proc.stderr


# ------------------------------------------------------------------ a damaged index
@pytest.mark.parametrize("command", [["sources"], ["ingest", str(SEEDS)], ["ask", "Who?"], ["remove", "x"]])
def test_a_damaged_index_is_one_line_saying_what_to_do(seed_index, tmp_path, command):
    index = tmp_path / "index"
    shutil.copytree(seed_index, index)
    with (index / "chroma.sqlite3").open("r+b") as db:
        db.write(b"not a database " * 300)
    proc = run_qa(*command, env={"QA_INDEX_DIR": str(index)})
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.count("\n") == 1 and "internal error" not in proc.stderr
    line = proc.stderr.strip()
    assert line.startswith(f"qa: error: the index at {index} cannot be read: ")
    assert "not a database" in line and "move it away and run 'qa ingest PATH' again" in line


# ------------------------------------------------------------------ bare qa
def test_bare_qa_prints_the_help_like_qa_help(capsys):
    code, out, err = run_main(capsys)
    assert code == 0 and err == ""
    help_code, help_out, _ = run_main(capsys, "--help")
    assert help_code == 0 and out == help_out and out.startswith("Usage: qa [OPTIONS] COMMAND")


# ------------------------------------------------------------------ eval with nothing to score
def test_eval_of_a_gold_file_with_no_article_indexed_fails_in_one_line(seed_settings, tmp_path, capsys):
    gold = tmp_path / "gold.json"
    gold.write_text(json.dumps({"definitions": {}, "doubts": [], "articles": [
        {"id": "not-in-the-index", "events": [{"kind": "alliance", "name": "AUKUS", "participants": ["Australia"]}]},
    ]}), encoding="utf-8")
    for extra in ([], ["--json"]):
        code, out, err = run_main(capsys, "eval", str(gold), *extra)
        assert code != 0 and out == ""
        assert err.count("\n") == 1 and "nothing to score: none of the 1 gold articles" in err


def test_eval_of_questions_whose_articles_are_not_indexed_fails_in_one_line(seed_settings, tmp_path, capsys):
    rows = [{**r, "sources": ["elsewhere.txt"]} for r in _dev_rows(2)]
    code, out, err = run_main(capsys, "eval", str(_questions(tmp_path / "q.jsonl", rows)))
    assert code != 0 and out == ""
    assert err.count("\n") == 1 and "nothing to score" in err and "elsewhere.txt" in err


def test_eval_on_an_index_with_no_document_fails_in_one_line(tmp_path, capsys):
    assert run_main(capsys, "ingest", str(SEEDS))[0] == 0
    for name in (f"{BREST}.txt", "001_387894d00310cf98.txt"):
        assert run_main(capsys, "remove", name)[0] == 0
    code, out, err = run_main(capsys, "eval", str(_questions(tmp_path / "q.jsonl", _dev_rows(1))))
    assert code != 0 and out == ""
    assert err.count("\n") == 1 and "holds no documents" in err


# ------------------------------------------------------------------ progress on a log
def test_ingest_progress_on_a_log_is_a_few_plain_lines(tmp_path):
    proc = run_qa("ingest", str(SEEDS), "--json", env={"QA_INDEX_DIR": str(tmp_path / "index")})
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["added"] == 2  # stdout stays pure JSON
    lines = proc.stderr.splitlines()
    progress = [ln for ln in lines if ln.startswith("ingest: ")]
    # two articles take well under the quiet start: no progress lines (tests/unit/test_plain_progress.py
    # covers a long job on a fake clock), and never a bar's escape codes
    assert len(progress) <= 20, proc.stderr
    assert all(ln.startswith("ingest: 2/2 articles (100%)") for ln in progress[-1:])
    assert "\x1b" not in proc.stderr


def test_eval_progress_on_a_log_of_many_questions_is_at_most_20_lines(seed_index, tmp_path):
    qs = _questions(tmp_path / "q.jsonl", _dev_rows(45))
    proc = run_qa("eval", str(qs), "--json", env={"QA_INDEX_DIR": str(seed_index)})
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["questions"] == 45
    progress = [ln for ln in proc.stderr.splitlines() if ln.startswith("eval: ")]
    assert len(progress) <= 20 and all(ln.startswith("eval: 45/45 questions (100%)") for ln in progress[-1:])
    assert len(proc.stderr.splitlines()) <= 21 and "\x1b" not in proc.stderr


def test_brief_json_and_html_together_is_one_line(seed_index):
    proc = run_qa("brief", "--json", "--format", "html", env={"QA_INDEX_DIR": str(seed_index)})
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "choose one" in proc.stderr


# ------------------------------------------------------------------ flags against the environment
def test_a_flag_wins_over_an_unusable_variable_and_an_unused_model_is_said(seed_index, capsys, monkeypatch):
    index = ["--index-dir", str(seed_index)]
    monkeypatch.setenv("QA_TOP_K", "abc")
    code, out, err = run_main(capsys, *index, "ask", "How long will the exercise last?", "--k", "3", "--json")
    assert code == 0, err
    assert len(json.loads(out)["retrieved"]) == 3
    code, _out, err = run_main(capsys, *index, "ask", "How long will the exercise last?")
    assert code == 2 and "QA_TOP_K" in err
    monkeypatch.delenv("QA_TOP_K")
    for var in ("QA_LLM_BASE_URL", "OPENAI_BASE_URL", "QA_LLM_API_KEY", "OPENAI_API_KEY"):
        monkeypatch.delenv(var, raising=False)
    code, _out, err = run_main(capsys, *index, "events", "--model", "my-model", "--json")
    assert code == 0 and "--model my-model is not used: no LLM is configured" in err
    code, _out, err = run_main(capsys, *index, "ask", "Who?", "--model", "")
    assert code == 2 and "llm_model" in err and len(err.strip().splitlines()) == 1


# ------------------------------------------------------------------ pasted terminal escapes
def test_a_question_or_topic_pasted_with_terminal_escapes_is_read_as_its_words(seed_index, capsys):
    index = ["--index-dir", str(seed_index)]
    plain, coloured = "How long will the exercise last?", "\x1b[31mHow long\x1b[0m will the\x00exercise last?\x1b]0;t\x07"
    answers = []
    for question in (plain, coloured):
        code, out, err = run_main(capsys, *index, "ask", question, "--json")
        assert code == 0, err
        answers.append(json.loads(out))
    assert answers[1]["question"] == plain
    assert answers[1]["answer"] == answers[0]["answer"] and answers[1]["retrieved"] == answers[0]["retrieved"]
    code, out, err = run_main(capsys, *index, "brief", "--topic", "\x1b[1mexercise\x1b[0m", "--json")
    assert code == 0, err
    assert json.loads(out)["title"] == "Briefing: exercise"
    code, _out, err = run_main(capsys, *index, "ask", "\x1b[31m\x1b[0m")
    assert code == 2 and "the question is empty" in err


def test_nothing_to_brief_fails_while_no_events_is_an_empty_answer(seed_index, capsys):
    index = ["--index-dir", str(seed_index)]
    code, out, err = run_main(capsys, *index, "events", "--since", "2090-01-01", "--json")
    assert code == 0, err
    assert json.loads(out)["events"] == []
    code, out, err = run_main(capsys, *index, "brief", "--since", "2090-01-01", "--json")
    assert code == 1 and out == ""
    assert "nothing to brief" in err and len(err.strip().splitlines()) == 1
