"""Does a sentence mention a question's term, and hold the kind of answer asked for?"""

from __future__ import annotations

import pytest

from qa.answering.matching import answer_type_ok, dated, term_in
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


def test_names_and_quotes_match_with_or_without_accents():
    da_nang = [t for t in analyse("Which carrier visited Da Nang?").key_terms if t.kind == "name"]
    assert [t.text for t in da_nang] == ["da", "nang"]
    assert all(term_in(t, "The carrier called at Đà Nẵng on Sunday.") for t in da_nang)
    turkiye = _term("Did Türkiye join the drill?", "turkiye")
    assert term_in(turkiye, "Turkiye sent a frigate.") and term_in(turkiye, "Türkiye sent a frigate.")
    quoted = _term('Where is "Świętoszów"?', "świętoszów")
    assert term_in(quoted, "Tanks left Swietoszow.") and not term_in(quoted, "Tanks left Zagan.")
    assert lex_terms("Rzeszów") == lex_terms("Rzeszow") == ["rzeszow"]


@pytest.mark.parametrize(
    ("asked", "sentence", "found"),
    [
        ("F-35Bs", "Marines flew F-35B jets from the deck.", True),
        ("F-35B", "Fourteen F-35Bs landed.", True),
        ("MiG-29s", "Two MiG-29 fighters scrambled.", True),
        ("F-35B", "An F-35A landed.", False),
        ("1990s", "In 1990 the pact was signed.", False),  # a decade is no plural
        ("mid-1990s", "In mid-1990 the pact was signed.", False),
        ("Su-35", "Two Su-35S jets flew.", False),  # a variant, not a plural
        ("Su-35S", "Two Su-35 jets flew.", False),
        ("12th", "Three 12ths of the budget.", False),  # an ordinal
    ],
)
def test_a_designation_matches_in_either_number(asked, sentence, found):
    term = next(t for t in analyse(f"Which unit flew the {asked}?").key_terms if t.kind == "number")
    assert term_in(term, sentence) is found


def test_an_article_dated_by_a_period_counts_its_month_or_years():
    year, month = (_term("Where did troops land in April 2014?", w) for w in ("2014", "april"))
    assert term_in(year, dated("Troops landed at Swidwin.", None, "2014-04"))
    assert term_in(month, dated("Troops landed at Swidwin.", None, "2014-04"))
    span = dated("Troops landed.", None, "2004/2005")
    assert term_in(_term("What happened in 2005?", "2005"), span)
    assert not term_in(_term("What happened in 2006?", "2006"), span)
    assert not term_in(year, dated("Troops landed at Swidwin.", None, None))


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


@pytest.mark.parametrize(
    ("sentence", "ok"),
    [
        ("About 90 couples took part in the first year.", True),
        ("It sent 3,000 troops and twelve ships.", True),
        ("Russia will send paratroopers to Belarus until Sept. 25.", False),  # a date, not a count
        ("They arrived on 25 June.", False),
        ("Paratroopers from the 91st Cavalry Regiment jumped into Latvia.", False),  # a rank
        ("The drills were held in 2016.", False),  # a year
        ("In 2016 the drills drew 17,000 US troops.", True),
    ],
)
def test_a_how_many_answer_holds_a_count(sentence, ok):
    assert answer_type_ok("number", sentence, set(lex_terms("How many troops took part?"))) is ok


@pytest.mark.parametrize(
    ("sentence", "ok"),
    [
        ("Some 1900 soldiers took part.", True),
        ("The jets can fly 2000 km without refuelling.", True),
        ("The base has been open since 1999.", False),
        ("It was founded in May 2016.", False),
    ],
)
def test_a_four_digit_number_is_a_year_only_where_a_year_stands(sentence, ok):
    assert answer_type_ok("number", sentence, set(lex_terms("How far can the jets fly?"))) is ok
