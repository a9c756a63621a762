"""`qa ask`: mostly in-process through qa.cli.main; one real subprocess for the console path."""

from __future__ import annotations

import json

import pytest

from tests.conftest import run_main, run_qa
from tests.fake_openai import FakeOpenAI, Reply
from tests.integration.llm.scripts import source_number


def test_ask_json_offline(seed_settings, capsys):
    code, out, err = run_main(capsys, "ask", "How long will the China-Belarus exercise last?", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["mode"] == "extractive" and data["abstained"] is False and "11" in data["answer"]
    assert data["citations"][0]["source"] == "000_52ce17c5f8e0b379.txt"
    assert data["retrieved"] and {"chunk_id", "source", "score", "text"} <= set(data["retrieved"][0])
    assert err.count("extractive answer") == 1 and "OPENAI_API_KEY" in err


def test_ask_terminal_output(seed_settings, capsys):
    code, out, err = run_main(capsys, "ask", "Which organisation was Belarus admitted to?", "--k", "3")
    assert code == 0
    assert "[1]" in out and "Sources:" in out and "000_52ce17c5f8e0b379.txt" in out and "Shanghai" in out


def test_ask_abstains_plainly(seed_settings, capsys):
    code, out, _ = run_main(capsys, "ask", "What is the population of Minsk?")
    assert code == 0 and "do not answer" in out and "Sources:" not in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ask", "x?", "--source", "missing.txt"], "no indexed document matches"),
        (["ask", "x?", "--since", "2024-02-31"], "invalid --since date"),
        (["ask", "x?", "--since", "2024", "--until", "2023"], "is after"),
        (["ask", "x?", "--k", "0"], "--k"),
        (["ask", "   "], "empty"),
    ],
)
def test_ask_bad_input_is_one_line(seed_settings, capsys, args, message):
    code, out, err = run_main(capsys, *args)
    assert code != 0 and message in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_ask_missing_index(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("QA_INDEX_DIR", str(tmp_path / "nothing"))
    code, _, err = run_main(capsys, "ask", "What?")
    assert code == 1 and err.startswith("qa: error: no index at") and len(err.strip().splitlines()) == 1


def test_ask_llm_mode_json(seed_settings, capsys, monkeypatch):
    with FakeOpenAI() as srv:
        monkeypatch.setenv("QA_LLM_BASE_URL", srv.base_url)
        # cites the passage that says so (whichever number the prompt gave it) and one that does not exist
        srv.push(lambda req: Reply(f"The joint exercise lasts 11 days [{source_number(req.message('user'), '11-day')}][5]."))
        code, out, err = run_main(capsys, "ask", "How long will the China-Belarus exercise last?", "--json", "--k", "2", "--model", "m-1")
        assert code == 0, err
        data = json.loads(out)
        assert data["mode"] == "llm" and data["model"] == "m-1" and data["answer"] == "The joint exercise lasts 11 days [1]."
        assert any("[5]" in w for w in data["warnings"]) and "extractive" not in err
        assert srv.chat_requests[-1].body["model"] == "m-1"
        # --extractive wins over a configured LLM
        code, out, err = run_main(capsys, "ask", "How long will the China-Belarus exercise last?", "--json", "--extractive")
        assert json.loads(out)["mode"] == "extractive" and "--extractive" in err
        assert len(srv.chat_requests) == 1


def test_ask_llm_failure_is_one_line(seed_settings, capsys, monkeypatch):
    with FakeOpenAI() as srv:
        monkeypatch.setenv("QA_LLM_BASE_URL", srv.base_url)
        monkeypatch.setenv("QA_LLM_MAX_RETRIES", "1")
        srv.push(Reply(status=429), Reply(status=429))
        code, _, err = run_main(capsys, "ask", "How long?")
        assert code == 1 and "429" in err and len(err.strip().splitlines()) == 1


def test_answer_stream_holds_back_the_sentinel():
    import io

    from rich.console import Console

    from qa.cli.render import AnswerStream

    stream = AnswerStream(Console(file=io.StringIO(), force_terminal=True), sentinel="INSUFFICIENT_EVIDENCE")
    with stream:
        for t in ["INSUFF", "ICIENT_", "EVIDENCE"]:
            stream.on_token(t)
            assert stream.visible() == ""
        stream.on_restart()
        stream.on_token("It lasts [1].")
        assert stream.visible() == "It lasts [1]."


@pytest.mark.slow  # a real console process
def test_ask_console_script(seed_index):
    """The real entry point in a new process (exit code, stdout, stderr as a user sees them)."""
    r = run_qa("ask", "How long will the China-Belarus exercise last?", "--json", env={"QA_INDEX_DIR": str(seed_index)})
    assert r.returncode == 0, r.stderr
    assert "11" in json.loads(r.stdout)["answer"]
    assert "Traceback" not in r.stderr
