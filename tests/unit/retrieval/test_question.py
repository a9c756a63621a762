"""Question analysis on single questions: key terms (names, numbers, quotes), content words,
focus noun, counted noun and the expected answer type. No model, no index."""

from __future__ import annotations

import pytest

from qa.retrieval.question import analyse
from qa.text.terms import STOPWORDS, content_terms, lex_terms, normalise, terms, word_tokens


def _kinds(question: str) -> dict[str, str]:
    return {t.text: t.kind for t in analyse(question).terms}


def test_one_tokenizer_keeps_codes_and_hyphenated_names_whole():
    assert word_tokens("China’s Y-20 flew 11-day drills.") == ["China's", "Y-20", "flew", "11-day", "drills"]
    assert terms("The U.S. Navy") == ["the", "u.s", "navy"]


def test_variants_differ_only_in_what_they_do_to_tokens():
    assert content_terms("The drills near the border") == {"drills", "border"}  # one stop list
    assert "near" in STOPWORDS and "the" in STOPWORDS
    assert normalise("China's") == "china" and normalise("U.S.") == "u.s"
    assert lex_terms("The troops' 11-day drills") == ["troop", "11-day", "11", "day", "drill"]


def test_names_and_acronyms_are_key_terms():
    info = analyse("Did NATO and Belarus sign a deal?")
    by_text = {t.text: t for t in info.terms}
    assert by_text["nato"].kind == "name" and by_text["nato"].acronym
    assert by_text["belarus"].kind == "name" and not by_text["belarus"].acronym
    assert {t.text for t in info.key_terms} == {"nato", "belarus"}
    assert [t.text for t in info.content_terms] == ["sign", "deal"]


def test_numbers_and_quoted_phrases_are_key_terms():
    kinds = _kinds('Where did the "Union Shield" drills with 3000 troops take place?')
    assert kinds["union shield"] == "quoted"
    assert kinds["3000"] == "number"
    assert kinds["drills"] == "content" and kinds["troops"] == "content"
    assert "take" not in kinds and "place" not in kinds  # question scaffolding


def test_hyphenated_names_split_into_parts():
    kinds = _kinds("When did the Zapad-2021 exercise start?")
    assert kinds["zapad-2021"] == "number"  # a code with digits is matched literally
    kinds = _kinds("Did the Shanghai-Cooperation bloc meet?")
    assert kinds["shanghai"] == kinds["cooperation"] == "name"


def test_first_word_capital_is_not_a_name():
    assert "how" not in _kinds("How long will the drills last?")
    assert "name" not in _kinds("Name the commander of the drills.").values()


def test_verbs_are_marked():
    info = analyse("Which countries signed the treaty?")
    assert {t.text: t.verb for t in info.content_terms} == {"signed": True, "treaty": False}


def test_focus_and_counted_nouns():
    assert analyse("Which city hosts the drills?").focus == ("city",)
    assert analyse("Which US official commented on it?").focus == ("official",)
    info = analyse("How many soldiers did China send?")
    assert info.counted == "soldiers" and info.expects == "number"


@pytest.mark.parametrize(
    ("question", "expects"),
    [
        ("How much did the jets cost?", "money"),
        ("What was the cost of the deal?", "money"),
        ("How many troops took part?", "number"),
        ("How far is the base from Minsk?", "number"),
        ("How long will the exercise last?", "duration"),
        ("How quickly can the maps be produced?", "duration"),
        ("What is the drill called?", "name"),
        ("When is Vostok?", "date"),
        ("In which year did Finland join?", "date"),
        ("Who leads the alliance?", "person"),
        ("Where will the drills be held?", "place"),
        ("Which minister spoke?", "person"),
        ("Which port hosted the ships?", "place"),
        ("Which alliance did Sweden join?", "org"),
        ("Did Belarus take part?", "any"),
    ],
)
def test_expected_answer_type(question, expects):
    assert analyse(question).expects == expects
