"""Every sentence of an LLM answer is checked against the passages it cites: invented numbers,
names and unrelated claims are dropped and reported with a reason; quotes are the best
supporting sentence; a briefing's lines keep their shape."""

from __future__ import annotations

import json
import math
import re

import pytest

from qa.answering.answer import answer_question
from qa.config import load_settings
from qa.models import Citation, StoredChunk
from qa.retrieval.claims import check_claims
from qa.retrieval.support import SupportChecker
from qa.storage.embedders import get_embedder
from tests.conftest import run_main
from tests.fake_openai import FakeOpenAI, Reply

QUESTION = "How long will the China-Belarus exercise last?"


@pytest.fixture
def server():
    with FakeOpenAI() as srv:
        yield srv


def _settings(seed_index, srv):
    return load_settings(index_dir=seed_index, llm_base_url=srv.base_url, llm_api_key="t", llm_model="fake")


def _n(request, needle: str) -> int:
    user = request.message("user")
    for m in re.finditer(r'<source id="(\d+)"[^>]*>\n(.*?)\n</source>', user, re.S):
        if needle in m.group(2):
            return int(m.group(1))
    raise AssertionError(needle)


def test_invented_facts_and_unrelated_claims_are_dropped(seed_index, server):
    def reply(req):
        n = _n(req, "11-day")
        return Reply(
            f"The joint exercise lasts 11 days [{n}]. It involves 5,000 North Korean troops [{n}]. "
            f"The drills will be followed by a space launch of a weather satellite [{n}]."
        )

    server.push(reply)
    a = answer_question(QUESTION, _settings(seed_index, server))
    assert not a.abstained and a.answer == "The joint exercise lasts 11 days [1]."
    d = a.to_dict()
    assert d["claims_checked"] == 3 and len(d["unsupported"]) == 2
    first, second = d["unsupported"]
    assert first["sentence"].startswith("It involves 5,000") and "5000" in first["reason"] and "Korean" in first["reason"]
    assert second["sentence"].startswith("The drills will be followed") and second["reason"]
    assert any("unsupported" in w for w in a.warnings)
    [c] = a.citations
    assert "11" in c.quote  # the best supporting sentence, not the first one of the chunk


def test_answer_with_no_supported_sentence_abstains(seed_index, server):
    server.push(lambda req: Reply(f"The exercise lasts 99 days [{_n(req, '11-day')}]."))
    a = answer_question(QUESTION, _settings(seed_index, server))
    assert a.abstained and "supported" in a.reason and a.citations == []
    assert a.unsupported[0]["reason"].endswith("99")


def test_quote_is_the_supporting_sentence(seed_index, server):
    q = "What aircraft brought the Chinese soldiers?"
    server.push(lambda req: Reply(f"They arrived on a Xian Y-20 heavy airlifter [{_n(req, 'Y-20')}]."))
    a = answer_question(q, _settings(seed_index, server))
    assert not a.abstained and "Y-20" in a.citations[0].quote


def test_json_output_lists_unsupported_sentences(seed_index, server, capsys, monkeypatch):
    monkeypatch.setenv("QA_INDEX_DIR", str(seed_index))
    monkeypatch.setenv("QA_LLM_BASE_URL", server.base_url)
    monkeypatch.setenv("QA_LLM_API_KEY", "t")
    server.push(lambda req: Reply(f"It lasts 11 days [{_n(req, '11-day')}]. Observers came from Japan [{_n(req, '11-day')}]."))
    code, out, _ = run_main(capsys, "ask", QUESTION, "--json")
    assert code == 0
    data = json.loads(out)
    assert [u["sentence"] for u in data["unsupported"]] == ["Observers came from Japan."]
    assert "Japan" in data["unsupported"][0]["reason"]
    assert all("injection" in r for r in data["retrieved"])


def test_briefing_lines_keep_their_shape():
    chunk = StoredChunk(
        "c1", "d1",
        "The weather was cold. Chinese soldiers landed in Belarus for drills. "
        "The 11-day joint exercise would start on Monday near Brest.",
        "a.txt", "Chinese troops in Belarus", "a.txt", 0, 0, 100,
    )
    cites = [Citation(1, "a.txt", chunk.title, "The weather was cold.", "c1")]  # a zero-overlap quote
    text = (
        "## Key points\n- The 11-day exercise starts near Brest [1].\n- North Korea joined the drills [1].\n\n"
        "## Exercises\n- Chinese soldiers landed in Belarus [1]. They brought 40 tanks [1]."
    )
    out, unsupported, checked = check_claims(text, cites, [chunk], SupportChecker(get_embedder(load_settings())))
    assert checked == 4 and len(unsupported) == 2
    assert out == (
        "## Key points\n- The 11-day exercise starts near Brest [1].\n\n"
        "## Exercises\n- Chinese soldiers landed in Belarus [1]."
    )
    # re-quoted: the sentence that best supports a claim citing it, verbatim from the chunk
    assert cites[0].quote in ("Chinese soldiers landed in Belarus for drills.", "The 11-day joint exercise would start on Monday near Brest.")
    assert chunk.text[cites[0].char_start : cites[0].char_end] == cites[0].quote


def test_a_score_just_under_the_threshold_never_reads_as_equal_to_it():
    embedder = get_embedder(load_settings())
    chunk = StoredChunk("c1", "d1", "The joint anti-terrorist exercise lasts 11 days near Brest.",
                        "a.txt", "Drills", "a.txt", 0, 0, 58)
    claim = "The exercise lasts 11 days."
    score = SupportChecker(embedder, threshold=0.0).check(claim, [chunk]).score
    for threshold in (score + 0.0005, score + 0.004, math.ceil(score * 100 + 1e-9) / 100):  # the last as shipped: 2 decimals
        result = SupportChecker(embedder, threshold=threshold).check(claim, [chunk])
        assert not result.supported
        shown, limit = map(float, re.search(r"best support (\d\.\d\d) < (\d\.\d\d)", result.reason).groups())
        assert shown <= score < threshold <= limit and shown < limit, result.reason
