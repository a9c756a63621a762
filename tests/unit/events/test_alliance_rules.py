"""Alliance rules on single sentences: who joins what (also written as a noun), members listed
after "comprising", pacts with a proper name, and alignments that are denied, only hoped for,
only company ("joined by"), or with bodies the task's definition leaves out. No model, no index."""

from __future__ import annotations

import pytest

from qa.events.alliances import alignment_denied, alliance_frame, pact_name
from qa.events.frame import Frame
from qa.events.grouping import group_article
from qa.events.mentions import acronym_definitions, find_mentions
from qa.events.organisations import looks_like_organisation, security_body
from tests.unit.events.articles import article, sentence

IMCTC = "Islamic Military Counter Terrorism Coalition (IMCTC)"


def _frame(text: str, article_org: str | None = None, last_org: str | None = None):
    sent, _ = sentence(text)
    orgs = acronym_definitions(text)
    return alliance_frame(sent, orgs, find_mentions(text, orgs), article_org, last_org)


def test_a_join_record_is_named_after_the_organisation():
    f = _frame("On 4 July 2024, Belarus joined the Shanghai Cooperation Organisation (SCO) in Astana.")
    assert f.participants == ["Belarus", "Shanghai Cooperation Organisation (SCO)"]
    assert f.name == "Shanghai Cooperation Organisation (SCO)" and f.joins


def test_every_join_verb_is_read_not_only_the_first():
    f = _frame("Additional countries joined and the number reached 42 when Kenya joined on 1 September 2022.", IMCTC)
    assert f is not None and f.participants == ["Kenya", IMCTC]


def test_joining_written_as_a_noun():
    f = _frame("As of May 2025, there are 43 member countries with the joining of Cameroon on 1 May 2025.", IMCTC)
    assert f.participants == ["Cameroon", IMCTC] and f.joins and f.relation == "joining of"
    f = _frame("The accession of Finland to NATO doubled the alliance's border with Russia.")
    assert f.participants == ["Finland", "NATO"]
    # without an organisation to join, nothing is made up
    assert _frame("The joining of Cameroon was celebrated in Yaounde.") is None


def test_each_nominal_accession_is_its_own_record():
    art = article("Kenya joined in 2022. The joining of Cameroon followed in 2025.")
    s = art.sentences
    frames = [
        Frame(s[0], "alliance", participants=["Kenya", IMCTC], joins=True, relation="joined"),
        Frame(s[1], "alliance", participants=["Cameroon", IMCTC], joins=True, relation="joining of"),
    ]
    assert len(group_article(frames, art)) == 2


def test_members_listed_after_comprising():
    f = _frame(
        "The Shanghai Cooperation Organisation of Central Asian countries comprising the People's Republic of China, "
        "Russia, Kazakhstan, Kyrgyzstan, Tajikistan and Uzbekistan meets in Bishkek to discuss security issues."
    )
    assert f.name == "Shanghai Cooperation Organisation"
    assert f.participants == ["Shanghai Cooperation Organisation", "China", "Russia", "Kazakhstan", "Kyrgyzstan", "Tajikistan", "Uzbekistan"]
    # "the group" is the organisation named last before the sentence
    f = _frame("The group comprises China, India, Pakistan and Russia.", last_org="Shanghai Cooperation Organization")
    assert f.participants == ["Shanghai Cooperation Organization", "China", "India", "Pakistan", "Russia"]
    # a team of players, or a group with no organisation named before it, is no alliance
    assert _frame("The squad comprises players from France and Spain.") is None
    assert _frame("The group comprises China, India, Pakistan and Russia.") is None


def test_a_pact_with_a_proper_name_is_named_and_its_own_record():
    assert pact_name("In 2010, the United States and New Zealand signed the Wellington Declaration in Wellington.") == "Wellington Declaration"
    assert pact_name("Australia, the UK and the USA signed the AUKUS agreement.") == "AUKUS agreement"
    assert pact_name("The treaty was signed in 1951.") is None
    assert pact_name("They signed the Free Trade Agreement.") is None  # trade is no alliance
    f = _frame("New Zealand and the United States signed the Washington Declaration on 19 June 2012.")
    assert f.name == "Washington Declaration" and f.participants == ["New Zealand", "United States"] and f.name_strength
    art = article("New Zealand and the United States signed the Wellington Declaration in 2010. They signed the Washington Declaration in 2012.")
    s = art.sentences
    frames = [
        Frame(s[0], "alliance", name="Wellington Declaration", name_strength=1, participants=["New Zealand", "United States"]),
        Frame(s[1], "alliance", name="Washington Declaration", name_strength=1, participants=["New Zealand", "United States"]),
    ]
    assert sorted(e.name for e in group_article(frames, art)) == ["Washington Declaration", "Wellington Declaration"]


@pytest.mark.parametrize(
    "text",
    [
        "Indonesia's non-alignment barred the country from joining a military alliance with Saudi Arabia.",
        "Japan's defence minister is due to travel to the Philippines in April to discuss cooperation.",
        "In November 2023 the Netherlands voiced its intention to join NATO.",
        "Some former Warsaw Pact countries, such as Poland and the Czech Republic, destroyed their missiles.",
        "Jets from the RAF's squadron have been joined by Marines from the United States aboard the ship.",
    ],
)
def test_denied_hoped_for_ended_or_company_is_no_alliance(text):
    assert _frame(text, "NATO") is None


def test_denied_sentences_are_known_as_such():
    assert alignment_denied("Indonesia's non-alignment barred the country from joining a military alliance.")
    assert alignment_denied("The minister will travel to Manila to discuss cooperation.")
    assert not alignment_denied("Finland joined NATO in April 2023.")
    assert not alignment_denied("The carrier sailed without escorts.")  # no alignment word at all


def test_bodies_outside_the_definition_are_no_party():
    for name in ("Missile Technology Control Regime (MTCR)", "Organisation for Joint Armament Cooperation", "World Trade Organisation"):
        assert not security_body(name), name
    for name in ("NATO", "Shanghai Cooperation Organisation (SCO)", "Collective Security Treaty Organization"):
        assert security_body(name) and looks_like_organisation(name), name
    assert _frame("India joined the Missile Technology Control Regime (MTCR) in June 2016.") is None
    assert _frame("Finland joined the North Atlantic Treaty Organization (NATO) in April 2023.").participants == [
        "Finland", "North Atlantic Treaty Organization (NATO)"
    ]


def test_an_organisation_name_ends_at_its_head_before_of():
    found = {m.text: m.kind for m in find_mentions("The Shanghai Cooperation Organisation of Central Asian countries met.")}
    assert found.get("Shanghai Cooperation Organisation") == "org"
    # "of" inside a name that does not end at a head word is left as it was
    assert "The Organisation" not in {m.text for m in find_mentions("The Organisation of Islamic Cooperation met.")}


def test_an_organisation_after_a_preposition_is_not_what_is_joined():
    assert _frame("He spoke before the UK joins a three-minute silence at noon across the EU.") is None
    assert _frame("Estonia, Latvia and Lithuania joined both NATO and the European Union in 2004.").participants[-1] == "NATO"


def test_the_month_may_is_no_modal():
    assert _frame("In May Sweden joined NATO.").participants == ["Sweden", "NATO"]
    assert _frame("Sweden may join NATO next year.") is None  # the modal still only hopes


def test_a_hope_in_a_relative_clause_does_not_reach_the_join_after_it():
    assert _frame("Finland, which applied last year, joined NATO in April.").participants == ["Finland", "NATO"]
    assert _frame("Ukraine, which hopes to join NATO, met its leaders.") is None


def test_former_denies_only_right_before_the_cue_or_the_organisation():
    assert _frame("Former Soviet republic Georgia joined the alliance.", "NATO").participants == ["Georgia", "NATO"]
    assert _frame("Poland is a former member of the Warsaw Pact.") is None


def test_an_organisation_named_for_its_members_is_not_split_at_of():
    texts = {
        "Nigeria and Ghana are members of the Economic Community of West African States.": "Economic Community of West African States",
        "Gabon rejoined the Economic Community of Central African States (ECCAS) in 2023.": "Economic Community of Central African States",
    }
    for text, name in texts.items():
        orgs = acronym_definitions(text)
        assert name in {m.text for m in find_mentions(text, orgs) if m.kind == "org"}, text
