"""Does a sentence mention a question's term, and hold the kind of answer asked for?"""

from __future__ import annotations

import pytest

from qa.answering.matching import answer_type_ok, term_in
from qa.retrieval.question import Term, analyse
from qa.text.terms import lex_terms


def _term(question: str, text: str) -> Term:
    return next(t for t in analyse(question).terms if t.text == text)


def test_names_match_by_stem_or_shared_prefix():
    china = _term("Did China act?", "china")
    assert term_in(china, "Chinese soldiers landed")
    belarus = _term("Did Belarus act?", "belarus")
    assert term_in(belarus, "Belarusian troops moved")
    assert not term_in(belarus, "Russian troops moved")


def test_acronyms_match_with_their_case():
    us = _term("Did the US respond?", "us")
    assert term_in(us, "The US sent a note.")
    assert not term_in(us, "He told us nothing.")


def test_numbers_and_quotes_match_literally():
    assert term_in(_term("Did 11-day drills start?", "11-day"), "the 11 day drills")
    assert not term_in(_term("Were 300 jets sent?", "300"), "3000 jets were sent")
    assert term_in(_term('Was "Union Shield" held?', "union shield"), "The Union Shield drills.")


def test_content_words_match_by_stem():
    drills = _term("Where were the drills?", "drills")
    assert term_in(drills, "The drill began.")
    assert term_in(drills, "x", stems=set(lex_terms("a drilling")) | {"drill"})


@pytest.mark.parametrize(
    ("expects", "sentence", "ok"),
    [
        ("any", "Anything at all.", True),
        ("number", "Belarus sent 2,000 troops.", True),
        ("number", "Belarus sent several troops.", True),
        ("number", "Belarus sent troops.", False),
        ("money", "The jets cost $2bn.", True),
        ("money", "The jets cost 2 years of work.", False),
        ("duration", "The exercise lasts 11 days.", True),
        ("duration", "The 11-day exercise began.", True),
        ("duration", "The exercise began at 11.", False),
        ("date", "The drills began in September.", True),
        ("date", "The drills began last week.", True),
        ("date", "The drills began in 2021.", True),
        ("date", "The drills began.", False),
        ("person", "The drills were led by Viktor Khrenin, the minister.", True),
        ("person", "Minister Khrenin led them.", True),
        ("person", "The minister led them.", False),
        ("place", "The ships docked in Kaliningrad.", True),
        ("place", "The ships docked in port.", False),
        ("name", 'The drill is called "Slavic Brotherhood".', True),
    ],
)
def test_answer_type(expects, sentence, ok):
    assert answer_type_ok(expects, sentence, set(lex_terms("Which drills did Belarus hold?"))) is ok


def test_the_questions_own_words_are_not_an_answer():
    q = set(lex_terms("When did Zapad-2021 begin?"))
    assert not answer_type_ok("date", "Zapad-2021 began.", q)
    assert not answer_type_ok("place", "The drills involved Belarus.", set(lex_terms("Where did Belarus drill?")))
