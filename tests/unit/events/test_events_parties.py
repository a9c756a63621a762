"""Who the parties of a record are: a military's own releases, datelines in capitals, countries
that join an organisation the sentence does not name, and alignments with a security side. No
model, no index."""

from __future__ import annotations

import pytest

from qa.events.alliances import alliance_frame
from qa.events.countries import publisher_country
from qa.events.extract import add_publisher
from qa.events.frame import Frame
from qa.events.grouping import group_article
from qa.events.mentions import find_mentions
from qa.events.record import Event
from tests.unit.events.articles import article, sentence


@pytest.mark.parametrize(
    ("source", "country"),
    [
        ("https://www.dvidshub.net/news/254270/exercise-exercise-exercise", "United States"),
        ("https://www.army.mil/article/12345", "United States"),
        ("https://www.royalnavy.mod.uk/news", "United Kingdom"),
        ("MailOnline via someone.github.io", None),
        ("https://notarmy.mil.example.com/a", None),
        ("defence_dev.jsonl#dvids-254270", None),
        ("", None),
    ],
)
def test_a_militarys_own_publisher_gives_its_country(source, country):
    assert publisher_country(source) == country


def test_a_publisher_joins_its_exercises_not_another_countrys_own():
    def exercise(text, parties, joint=False):
        sent, _ = sentence(text)
        e = Event("exercise", "x", participants=list(parties), evidence=[sent])
        e.notes.joint = joint
        return e

    unnamed = exercise("The medical group finished a field exercise.", [])
    partner = exercise("The destroyer sailed with Greek frigates during the exercise.", ["Greece"])
    joint = exercise("Jordanian and visiting troops held joint drills.", ["Jordan"], joint=True)
    owned = exercise("Crews watched Russia's Zapad exercise from afar.", ["Russia"])
    demonym = exercise("Pilots tracked Chinese naval drills near the strait.", ["China"])
    deployment = Event("deployment", "deployment")
    add_publisher([unnamed, partner, joint, owned, demonym, deployment], "United States")
    assert unnamed.participants == ["United States"]
    assert partner.participants == ["United States", "Greece"]
    assert joint.participants == ["United States", "Jordan"]
    assert owned.participants == ["Russia"] and demonym.participants == ["China"]
    assert deployment.participants == []


def test_a_dateline_in_capitals_is_not_a_row_of_acronyms():
    text = "PORT OF BUSAN, South Korea – The brigade executed an emergency deployment readiness exercise."
    kinds = {m.text: m.kind for m in find_mentions(text)}
    assert "PORT" not in kinds and "BUSAN" not in kinds
    assert kinds.get("South Korea") == "country"
    # an acronym on its own is still an organisation
    assert {m.text: m.kind for m in find_mentions("Finland joined NATO in April.")}["NATO"] == "org"


def test_joining_an_unnamed_organisation_is_joining_the_articles():
    sent, _ = sentence("The number of members reached 42 when Kenya joined on 1 September 2022.")
    f = alliance_frame(sent, {}, find_mentions(sent.text), "Islamic Military Counter Terrorism Coalition (IMCTC)")
    assert f.participants == ["Kenya", "Islamic Military Counter Terrorism Coalition (IMCTC)"] and f.joins
    sent, _ = sentence("However, Oman has joined the alliance.")
    f = alliance_frame(sent, {}, find_mentions(sent.text), "NATO")
    assert f.participants == ["Oman", "NATO"]
    # joining something else (an exercise, a team) is not joining the article's organisation
    sent, _ = sentence("Later, Oman joined the exercise off the coast.")
    f = alliance_frame(sent, {}, find_mentions(sent.text), "NATO")
    assert f is None or "NATO" not in f.participants
    # without an organisation the article is about, nothing is made up
    sent, _ = sentence("Kenya joined on 1 September 2022.")
    assert alliance_frame(sent, {}, find_mentions(sent.text)) is None


def test_each_accession_is_its_own_record_but_hopes_to_join_are_not():
    art = article(
        "The coalition has 41 members including Egypt and Jordan. Kenya joined in 2022. "
        "Indonesia is studying the possibility of joining."
    )
    s = art.sentences
    org = "Coalition (IMC)"
    frames = [
        Frame(s[0], "alliance", participants=[org, "Egypt", "Jordan"]),
        Frame(s[1], "alliance", participants=["Kenya", org], joins=True, relation="joined"),
        Frame(s[2], "alliance", participants=["Indonesia", org], joins=True, relation="joining"),
    ]
    events = group_article(frames, art)
    assert sorted(sorted(e.participants) for e in events) == [
        ["Coalition (IMC)", "Egypt", "Indonesia", "Jordan"],
        ["Coalition (IMC)", "Kenya"],
    ]


def test_security_ties_are_a_military_alignment_trade_ties_are_not():
    sent, _ = sentence("China and Russia have close security ties, officials said.")
    assert alliance_frame(sent, {}, find_mentions(sent.text)).relation_kind == "cooperate"
    sent, _ = sentence("Malaysia and Singapore signed a partnership on trade in palm oil.")
    f = alliance_frame(sent, {}, find_mentions(sent.text))
    assert f is None or f.relation_kind != "cooperate"


@pytest.mark.parametrize(
    ("text", "countries"),
    [
        ("The start of huge U.S.-South Korean military drills began.", ["United States", "South Korea"]),
        ("Plans to deepen US-Philippine military ties were announced.", ["United States", "Philippines"]),
        ("The Russia-Ukraine talks stalled.", ["Russia", "Ukraine"]),
        # a hyphenated country stays one, and designations are no countries
        ("U.S.-Japan-South Korea drills began.", ["United States", "Japan", "South Korea"]),
        ("Papua New Guinea-Australia ties grew.", ["Papua New Guinea", "Australia"]),
        ("Guinea-Bissau troops arrived.", ["Guinea-Bissau"]),
        ("Australia-Timor-Leste drills began.", ["Australia", "Timor-Leste"]),
        ("The Sea-Breeze drills began.", []),
        ("F-35 jets and Su-30 fighters flew.", []),
    ],
)
def test_a_hyphen_pairing_countries_names_both(text, countries):
    assert [m.country for m in find_mentions(text) if m.kind == "country"] == countries


def test_a_country_before_the_exercise_word_is_no_exercise_name():
    from qa.events.exercises import exercise_name
    from tests.unit.events.articles import article

    text = "Troops began the South Korean drills on Monday near the border."
    assert exercise_name(text, article(text))[0] is None
