"""Event frames on single sentences: cue words, countries as parties or places, exercise names,
alliances (joining, pacts, denials) and deployments. No model, no index."""

from __future__ import annotations

import pytest

from qa.events.alliances import alliance_frame
from qa.events.countries import resolve_country
from qa.events.cues import exercise_cue
from qa.events.deployments import deployment_frame
from qa.events.exercises import exercise_descriptor, exercise_frame, exercise_name
from qa.events.frame import country_lists, find_participants
from qa.events.mentions import acronym_definitions, find_mentions, find_places, org_name
from tests.unit.events.articles import article, sentence


@pytest.mark.parametrize(
    ("text", "military"),
    [
        ("China and Russia held naval drills in the Sea of Japan.", True),
        ("The armies staged war games near the border.", True),
        ("The government will exercise restraint.", False),
        ("Pupils took part in a fire drill.", False),
        ("The company exercised its option to buy the shares.", False),
        ("Ministers met to discuss the budget.", False),
    ],
)
def test_exercise_cue_sets_aside_other_senses(text, military):
    assert bool(exercise_cue(text)) is military


def test_countries_by_name_demonym_and_capital():
    for name in ("US", "U.S.", "America", "United States", "American"):
        assert resolve_country(name).name == "United States", name
    assert resolve_country("Chinese").name == "China"
    assert resolve_country("Beijing").kind == "capital"
    assert resolve_country("South China Sea") is None  # a sea, not the country inside its name
    assert resolve_country("Brest") is None


def test_a_list_of_countries_is_one_group_and_shares_its_role():
    text = "Troops from India, Belarus, Mongolia and Tajikistan arrived near Japan and South Korea."
    mentions = find_mentions(text)
    groups = country_lists(text, mentions)
    assert [[m.country for m in g] for g in groups] == [
        ["India", "Belarus", "Mongolia", "Tajikistan"],
        ["Japan", "South Korea"],
    ]
    assert {m.role for m in groups[1]} == {"location"}


def test_a_country_near_the_action_is_a_place_not_a_participant():
    text = "Troops from the United States, Poland and Lithuania began the Baltic Shield exercise near the Polish border."
    participants, hosts, located, where = find_participants(text, find_mentions(text), "exercise")
    assert participants == ["United States", "Poland", "Lithuania"]
    assert hosts == [] and located == ["Poland"] and where == "Polish"


def test_exercise_frame_reads_parties_place_dates_and_description():
    sent, art = sentence("Chinese and Belarusian troops will hold a joint anti-terrorist exercise near Brest from July 11 to July 21.")
    f = exercise_frame(sent, art, {}, find_mentions(sent.text), [])
    assert f.participants == ["China", "Belarus"]
    assert f.places == ["Brest"]
    assert (f.start, f.end, f.months) == ("2024-07-11", "2024-07-21", {7})  # the year from the publication date
    assert f.descriptor == "joint anti-terrorist exercise" and f.joint
    assert f.name is None  # described, not named


def test_the_two_countries_are_the_parties_of_the_sentence_before():
    sent, art = sentence("The two countries will take part in Exercise Iron Falcon next month.")
    f = exercise_frame(sent, art, {}, find_mentions(sent.text), ["Japan", "Australia"])
    assert f.participants == ["Japan", "Australia"]
    assert (f.name, f.name_strength) == ("Iron Falcon", 3)


def test_exercise_names_and_how_sure():
    art = article("Russia hosts the Vostok exercise. It was called Zapad before. Nothing else.")
    assert exercise_name("Troops joined the Vostok exercise.", art) == ("Vostok", 2)
    assert exercise_name("The drills are code-named Steadfast Noon.", art) == ("Steadfast Noon", 3)
    # A word the article also writes in lower case is not a name.
    plain = article("The annual exercise is large. Soldiers will join the Annual exercise.")
    assert exercise_name("Soldiers will join the Annual exercise.", plain) == (None, 0)
    assert exercise_descriptor("They began large-scale naval drills on Monday.") == "large-scale naval drills"


def test_places_as_written_but_not_months_or_countries():
    assert find_places("The drills took place near Brest and in the Baltic Sea.") == ["Brest", "Baltic Sea"]
    assert find_places("The drills will begin in March in Poland.") == []


def test_joining_an_organisation_names_it_with_its_acronym():
    sent, _ = sentence("Belarus was formally admitted to the Shanghai Cooperation Organisation (SCO) on Thursday.")
    orgs = acronym_definitions(sent.text)
    assert orgs == {"SCO": "Shanghai Cooperation Organisation"}
    assert org_name("SCO", orgs) == "Shanghai Cooperation Organisation (SCO)"
    f = alliance_frame(sent, orgs, find_mentions(sent.text, orgs))
    assert f.participants == ["Belarus", "Shanghai Cooperation Organisation (SCO)"]
    assert f.relation == "was formally admitted to" and f.relation_kind == "agree" and f.joins


def test_pacts_and_alignments():
    sent, _ = sentence("Japan and Australia signed a reciprocal access agreement in Tokyo.")
    pact = alliance_frame(sent, {}, find_mentions(sent.text))
    assert pact.participants == ["Japan", "Australia"] and pact.relation_kind == "agree"
    assert pact.name == "Japan–Australia agreement"
    sent, _ = sentence("China, Belarus and Russia are friends and allies, the minister said.")
    friends = alliance_frame(sent, {}, find_mentions(sent.text))
    assert friends.participants == ["China", "Belarus", "Russia"] and friends.relation == "are friends and allies"
    assert friends.relation_kind == "cooperate-civil"  # no military word in the sentence


@pytest.mark.parametrize(
    "text",
    ["Switzerland refused to join Nato despite pressure.", "Tesco and Sainsbury's announced a partnership with France."],
)
def test_no_alliance_when_denied_or_without_two_parties(text):
    sent, _ = sentence(text)
    assert alliance_frame(sent, {}, find_mentions(text)) is None


def test_deployment_frames():
    sent, art = sentence("Russia deployed Iskander missiles to Belarus last year.")
    f = deployment_frame(sent, art, {}, find_mentions(sent.text))
    assert (f.participants, f.hosts, f.name) == (["Russia"], ["Belarus"], "Russia forces in Belarus")
    sent, art = sentence("The United States sent 2,500 marines to Darwin in April.")
    f = deployment_frame(sent, art, {}, find_mentions(sent.text))
    assert (f.participants, f.location_text, f.months) == (["United States"], "Darwin", {4})


@pytest.mark.parametrize(
    "text", ["The shop sent parcels to France.", "Russia moved its embassy staff to a new building."]
)
def test_no_deployment_without_forces_or_a_destination(text):
    sent, art = sentence(text)
    assert deployment_frame(sent, art, {}, find_mentions(text)) is None
