"""The general rules of the offline extractor on single sentences: exercise names as they are
written, armed services standing for their country, organisations that can be parties,
participants without trailing punctuation, and how an article's alignments are grouped."""

from __future__ import annotations

import pytest

from qa.events.article_frames import article_country, loose_frame
from qa.events.countries import find_services, province_country
from qa.events.exercise_names import named_exercise
from qa.events.exercises import exercise_name
from qa.events.frame import Frame
from qa.events.grouping import group_article
from qa.events.mentions import find_mentions
from qa.events.record import Event
from qa.events.summary import finish_record
from tests.unit.events.articles import article, sentence


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Exercise Talisman Sabre 2019 began on Monday near Rockhampton.", "Talisman Sabre 2019"),
        ("Troops joined the bilateral exercise PANAMAX-Alpha in Panama on July 27.", "PANAMAX-Alpha"),
        ("Steadfast Defender 24 was the largest NATO exercise since the end of the Cold War.", "Steadfast Defender 24"),
        ("Russia and China held the Vostok 2018 drills in the east.", "Vostok 2018"),
        ("The training is part of the Brigade’s Fire Control Exercise in preparation for a rotation.", "Fire Control Exercise"),
        ("This month's Group Exercise (GROUPEX) will see the carrier joined by warships.", "Group Exercise (GROUPEX)"),
        ("Airmen took part in the Air Force’s 2025 Department-Level Exercise (DLE) series.", "2025 Department-Level Exercise (DLE)"),
        ("Marines rehearsed landings during Operation Sea Dragon off the coast.", "Sea Dragon"),
        ("Pilots flew in exercise Iron Falcon Tuesday over the desert.", "Iron Falcon"),  # the date ends it
    ],
)
def test_named_exercise_patterns(text, name):
    assert named_exercise(text) == name


@pytest.mark.parametrize(
    "text",
    [
        "Training exercises are held every year by the army.",  # a capital at the start is not a name
        "Troops held drills in March 2019 near the border.",  # a month and a year
        "Chinese and Russian troops began joint exercises on Monday.",  # demonyms, no name
        "HOW DO THE ARMED FORCES OF THE TWO SIDES COMPARE IN EXERCISE?",  # a headline in capitals
        "Crews started the exercise Thursday off the cape.",  # a weekday
        "The exercise October 12 drew observers from the region.",  # a date
    ],
)
def test_no_name_where_none_is_written(text):
    assert named_exercise(text) is None


@pytest.mark.parametrize("text", ["Crews started the exercise Thursday off the cape.", "The exercise October 12 drew observers from the region."])
def test_a_date_after_the_exercise_word_is_no_name(text):
    sent, art = sentence(text)
    assert exercise_name(sent.text, art)[0] is None


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("Marines from the 31st MEU landed on the beach.", "United States"),
        ("The Royal Navy sent two frigates.", "United Kingdom"),
        ("PLA Navy ships sailed past the island.", "China"),
        ("The Bundeswehr will send a battalion.", "Germany"),
        ("JMSDF destroyers joined the group.", "Japan"),
        ("The aircraft carrier USS Nimitz entered the Gulf.", "United States"),
    ],
)
def test_services_and_units_stand_for_their_country(text, country):
    assert country in {c for _, _, c in find_services(text)}
    found = [m for m in find_mentions(text) if m.how == "service"]
    assert found and found[0].country == country


@pytest.mark.parametrize(
    ("text", "countries"),
    [
        ("Georgian Sailors docked at Valletta last week.", {"Georgia"}),
        ("Philippine Marines practised landings beside Thai troops.", {"Philippines", "Thailand"}),
        ("Ukrainian Soldiers repaired the bridge.", {"Ukraine"}),
        ("Medics worked with the assigned Soldiers at the range.", set()),  # a capital alone is no country
        ("Two Marines and a Greek interpreter met the mayor.", {"United States", "Greece"}),
        ("The U.S. Army and Polish Marines met at the port.", {"United States", "Poland"}),
    ],
)
def test_a_demonym_before_a_unit_word_owns_it(text, countries):
    assert {m.country for m in find_mentions(text) if m.country and m.role == "actor"} == countries


def test_no_service_in_ordinary_words():
    assert find_services("The navy said soldiers and sailors at sea need rest. Planet and plan.") == []
    assert find_services("Soldiers fired on the crowd.") == []  # sentence-initial: any army's soldiers


def test_states_and_provinces_belong_to_their_country():
    assert province_country("Texas") == "United States"
    assert province_country("Georgia") is None  # a country too
    art = article("Soldiers trained at Fort Hood, Texas, this week. The unit returned to Fort Bliss, Texas, on Monday.")
    assert article_country(art, {}) == "United States"
    assert article_country(article("The weather was fine and the match went ahead as planned."), {}) is None


def test_a_loose_frame_keeps_named_parties_and_drops_codes():
    sent, _ = sentence("The USS Ronald Reagan (CVN 76) and Japan operated together with NATO in the Philippine Sea.")
    f = loose_frame(sent, "alliance", find_mentions(sent.text), {})
    assert f is not None and {"United States", "Japan", "NATO"} <= set(f.participants)
    assert "CVN" not in f.participants
    sent, _ = sentence("The weather in the north was cold and wet for several days.")
    assert loose_frame(sent, "deployment", find_mentions(sent.text), {}) is None


def test_participants_lose_trailing_punctuation():
    ev = Event(kind="alliance", name="x", participants=["European Union.", "NATO", "NATO,"])
    finish_record(ev)
    assert ev.participants == ["European Union", "NATO"]


def test_an_articles_alignments_with_shared_parties_or_organisation_merge():
    art = article(
        "Finland joined NATO in April. The alliance welcomed Finland as its newest member. "
        "Separately, Japan and Australia signed a defence pact."
    )
    s = art.sentences
    frames = [Frame(s[0], "alliance", participants=["Finland", "NATO"]), Frame(s[1], "alliance", participants=["NATO"]),
              Frame(s[2], "alliance", participants=["Japan", "Australia"])]
    events = group_article(frames, art)
    assert [sorted(e.participants) for e in events] == [["Finland", "NATO"], ["Australia", "Japan"]]
    assert len(events[0].evidence) == 2


@pytest.mark.parametrize(
    ("text", "hosts", "located"),
    [
        # A demonym after "to" is a place only before a place noun (probe: North Korea became the
        # host of Freedom Shield from "to respond to North Korean nuclear threats").
        ("Lee said the exercise would help the alliance respond to North Korean nuclear threats.", [], []),
        ("The drills moved troops to Estonian bases.", ["Estonia"], []),
        ("The frigates sailed into Chinese territorial waters for the exercise.", ["China"], []),
        # An attribution is no place ("according to South Korea's Joint Chiefs of Staff").
        ("The exercise will run for 11 days, according to South Korea's Joint Chiefs of Staff.", [], []),
        ("The exercise was held in Poland.", ["Poland"], []),
        ("German and Dutch troops drilled in Lithuanian forests.", ["Lithuania"], []),
        ("US troops held drills in Estonia near Russian forces.", ["Estonia"], ["Russia"]),  # Russia is no party
    ],
)
def test_a_country_is_a_host_or_location_only_where_the_sentence_places_something(text, hosts, located):
    from qa.events.frame import find_participants

    parts, found_hosts, found_located, _where = find_participants(text, find_mentions(text), "exercise")
    assert (found_hosts, found_located) == (hosts, located)
    assert "Russia" not in parts and "North Korea" not in parts


@pytest.mark.parametrize(
    ("text", "ship", "country"),
    [
        ("The carrier HMS Prince of Wales will lead the contribution.", "HMS Prince of Wales", "United Kingdom"),
        ("USS Ronald Reagan (CVN 76) sailed with the escorts.", "USS Ronald Reagan", "United States"),
        ("The Philippine frigate BRP Jose Rizal joined them.", "BRP Jose Rizal", "Philippines"),
        ("USS America sailed at dawn.", "USS America", "United States"),
    ],
)
def test_a_ship_is_its_navys_country_and_its_name_names_no_other(text, ship, country):
    assert [(text[a:b], c) for a, b, c in find_services(text)] == [(ship, country)]
    assert "Wales" not in {m.country for m in find_mentions(text)}


def test_a_ships_name_stops_before_a_country_in_a_title_case_headline():
    text = "HMS Queen Elizabeth Leads Japan Drills In Pacific"
    assert {m.country for m in find_mentions(text)} == {"United Kingdom", "Japan"}
