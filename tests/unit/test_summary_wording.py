"""The one-line summaries of event records, on records built here: each country is named once,
and no sentence ends on a verb or preposition that has lost its object."""

from __future__ import annotations

import pytest

from qa.events.record import Event
from qa.events.summary import summarise
from tests.unit.events.articles import article


def _alliance(name, parties, relation=None, joins=False, relation_kind=""):
    ev = Event("alliance", name, list(parties), relation=relation)
    ev.notes.joins = joins
    ev.notes.relation_kind = relation_kind
    return ev


# --------------------------------------------------------------------------- alliances
def test_an_accession_names_the_joiner_then_the_organisation_not_every_member():
    # the record of "Belarus was admitted to the SCO", merged with "The SCO also includes Iran, India and Pakistan"
    ev = _alliance(
        "Belarus was admitted to Shanghai Cooperation Organisation (SCO)",
        ["Belarus", "Shanghai Cooperation Organisation (SCO)", "Iran", "India", "Pakistan"],
        relation="was admitted to", joins=True, relation_kind="agree",
    )
    assert summarise(ev) == "Belarus was admitted to the Shanghai Cooperation Organisation (SCO)."


def test_a_record_named_after_the_organisation_finds_the_joiner_in_the_sentence_that_reports_it():
    art = article(
        "On Thursday, Belarus was admitted to the Shanghai Cooperation Organisation (SCO), an economic-military group. "
        "The SCO also includes Iran, India and Pakistan as members."
    )
    ev = _alliance(
        "Shanghai Cooperation Organisation (SCO)",
        ["Belarus", "Shanghai Cooperation Organisation (SCO)", "Iran", "India", "Pakistan"],
        relation="was admitted to", joins=True, relation_kind="agree",
    )
    ev.evidence = list(art.sentences)
    assert summarise(ev) == "Belarus was admitted to the Shanghai Cooperation Organisation (SCO)."


def test_a_listed_membership_named_after_the_organisation():
    ev = _alliance("Collective Security Treaty Organization", ["Collective Security Treaty Organization", "Armenia", "Kazakhstan"],
                   relation="comprising", joins=True, relation_kind="agree")
    assert summarise(ev) == "Armenia and Kazakhstan are members of the Collective Security Treaty Organization."


def test_a_join_written_as_a_noun_is_said_with_a_verb():
    ev = _alliance("African Union", ["Cameroon", "African Union"], relation="the joining of", joins=True)
    assert summarise(ev) == "Cameroon joined the African Union."


def test_a_relative_pronoun_left_on_the_relation_is_dropped():
    ev = _alliance("North Atlantic Treaty Organization (NATO)", ["Estonia", "Latvia", "Lithuania", "North Atlantic Treaty Organization (NATO)"],
                   relation="which joined", joins=True)
    assert summarise(ev) == "Estonia, Latvia and Lithuania joined the North Atlantic Treaty Organization (NATO)."


def test_partners_of_an_organisation_are_not_said_to_have_joined_it():
    ev = _alliance("Ukraine–Nato alignment", ["Ukraine", "Nato"], relation="are partners with", relation_kind="cooperate")
    assert summarise(ev) == "Ukraine and Nato are partners."


def test_an_organisation_with_a_proper_name_takes_no_article():
    ev = _alliance("Sweden and Finland joined Nato", ["Sweden", "Finland", "Nato"], relation="joined", joins=True)
    assert summarise(ev) == "Sweden and Finland joined Nato."


def test_a_joining_whose_name_does_not_repeat_the_relation_still_gets_its_object():
    # as an LLM may give it: the name is free text, the relation ends on a preposition
    ev = _alliance("Sweden's accession", ["Sweden", "North Atlantic Treaty Organization"], relation="was admitted to")
    assert summarise(ev) == "Sweden was admitted to the North Atlantic Treaty Organization."


def test_a_membership_record_says_who_are_members_of_what():
    ev = _alliance(
        "Shanghai Cooperation Organisation (SCO) membership",
        ["Shanghai Cooperation Organisation (SCO)", "Iran", "India", "Pakistan"],
        relation="also includes Iran, India and Pakistan as members",
    )
    assert summarise(ev) == "Iran, India and Pakistan are members of the Shanghai Cooperation Organisation (SCO)."


def test_a_single_member():
    ev = _alliance("European Union membership", ["European Union", "Croatia"], relation="member")
    assert summarise(ev) == "Croatia is a member of the European Union."


def test_an_alignment_reads_parties_then_relation():
    ev = _alliance("China–Russia alignment", ["China", "Russia"], relation="have close security ties")
    assert summarise(ev) == "China and Russia have close security ties."


def test_a_relation_that_names_a_party_does_not_name_it_twice():
    ev = _alliance("Russia–Belarus–Iran alignment", ["Russia", "Belarus", "Iran"], relation="are allies of Iran")
    assert summarise(ev) == "Russia and Belarus are allies of Iran."


def test_a_bare_verb_without_its_object_becomes_a_whole_sentence():
    ev = _alliance("Japan–Australia agreement", ["Japan", "Australia"], relation="signed", relation_kind="agree")
    assert summarise(ev) == "Japan and Australia reached an agreement."


def test_a_bare_verb_takes_what_the_record_is_named_after_as_its_object():
    ev = _alliance("Wellington Declaration", ["United States", "New Zealand"], relation="signed", relation_kind="agree")
    assert summarise(ev) == "United States and New Zealand signed the Wellington Declaration."


def test_a_relation_that_starts_on_a_preposition_or_article_is_not_glued_to_the_parties():
    ev = _alliance("ANZUS treaty", ["New Zealand", "ANZUS"], relation="of the ANZUS treaty", relation_kind="agree")
    assert summarise(ev) == "New Zealand and ANZUS reached an agreement."
    ev = _alliance("United States–New Zealand alignment", ["United States", "New Zealand"], relation="a major non-NATO ally", relation_kind="cooperate")
    assert summarise(ev) == "United States and New Zealand are aligned."


def test_stray_words_before_the_cue_are_not_taken_for_a_predicate():
    ev = _alliance("Japan alignment", ["Japan", "United States"], relation="prosperity, and our alliance", relation_kind="cooperate")
    assert summarise(ev) == "Japan and United States are aligned."


def test_a_word_that_only_starts_like_join_is_no_join():
    ev = _alliance("France–Spain–OCCAR alignment", ["France", "Spain", "OCCAR"], relation="for Joint Armament Cooperation", relation_kind="agree")
    assert summarise(ev) == "France, Spain and OCCAR reached an agreement."


def test_a_relation_that_is_not_a_clause_is_not_glued_to_the_parties():
    ev = _alliance("Russia–Belarus alignment", ["Russia", "Belarus"], relation="’s ally", relation_kind="cooperate")
    assert summarise(ev) == "Russia and Belarus are aligned."


# --------------------------------------------------------------------------- deployments
def test_a_deployment_without_a_force_named_says_forces_not_the_country_again():
    ev = Event("deployment", "China forces in Russia", ["China"], host="Russia", dates_text="late August")
    assert summarise(ev) == "China deployed forces to Russia, late August."


def test_a_possessive_owner_is_dropped_from_the_force():
    ev = Event("deployment", "Russia’s Iskander missiles in Belarus", ["Russia"], host="Belarus", start="2023-05-25")
    assert summarise(ev) == "Russia deployed Iskander missiles to Belarus, from 2023-05-25."


def test_an_alias_of_the_sender_is_dropped_too():
    ev = Event("deployment", "U.S. troops in Poland", ["United States"], host="Poland")
    assert summarise(ev) == "United States deployed troops to Poland."


def test_a_service_that_stands_for_the_sender_is_kept():
    ev = Event("deployment", "Marines in Darwin", ["United States"], location="Darwin")
    assert summarise(ev) == "United States deployed Marines to Darwin."


def test_an_organisation_as_sender_is_not_repeated():
    ev = Event("deployment", "North Atlantic Treaty Organization (NATO) forces in Estonia", ["North Atlantic Treaty Organization (NATO)"], host="Estonia")
    assert summarise(ev) == "North Atlantic Treaty Organization (NATO) deployed forces to Estonia."


def test_a_demonym_in_the_force_is_kept():
    ev = Event("deployment", "Russian nuclear missiles in Belarus", ["Russia"], host="Belarus")
    assert summarise(ev) == "Russia deployed Russian nuclear missiles to Belarus."


def test_a_deployment_with_no_sender_is_a_passive_sentence():
    ev = Event("deployment", "Patriot batteries in Rzeszow", [], location="Rzeszow")
    assert summarise(ev) == "Patriot batteries deployed to Rzeszow."


def test_forces_moved_within_the_senders_own_country_do_not_name_it_twice():
    ev = Event("deployment", "Russia forces in Russia", ["Russia"], host="Russia", dates_text="Monday")
    assert summarise(ev) == "Russia deployed forces, starting Monday."


# --------------------------------------------------------------------------- exercises
def test_a_host_that_takes_part_is_named_once_as_host():
    ev = Event("exercise", "Vostok", ["China", "India", "Russia"], host="Russia", start="August 30", end="September 5", named=True)
    assert summarise(ev) == "Vostok exercise, hosted by Russia with China and India, August 30 to September 5."


def test_a_host_that_takes_part_alone():
    ev = Event("exercise", "Zapad", ["Russia"], host="Russia", named=True)
    assert summarise(ev) == "Zapad exercise, hosted by Russia."


def test_participants_in_the_name_are_not_listed_again_nor_the_host_in_the_place():
    ev = Event(
        "exercise", "China–Belarus joint anti-terrorist exercise", ["China", "Belarus"],
        host="Belarus", location="Brest", dates_text="Monday", duration="11-day",
    )
    assert summarise(ev) == "China–Belarus joint anti-terrorist exercise near Brest, starting Monday (11-day)."


def test_participants_the_name_leaves_out_join_with_with():
    ev = Event("exercise", "China–Russia naval exercise", ["China", "Russia", "Iran"], location="Gulf of Oman")
    assert summarise(ev) == "China–Russia naval exercise with Iran, near Gulf of Oman."


def test_a_duration_the_name_already_gives_is_not_repeated():
    ev = Event(
        "exercise", "China–Russia thirteen-hour maneuvers", ["China", "Russia"],
        location="Japan and South Korea", dates_text="May", duration="thirteen-hour",
    )
    assert summarise(ev) == "China–Russia thirteen-hour maneuvers near Japan and South Korea, May."


def test_a_host_that_does_not_take_part_is_where_it_happens():
    ev = Event(
        "exercise", "Eagle Assault", ["China"], named=True, host="Belarus", location="Brest",
        start="2024-07-11", end="2024-07-21",
    )
    assert summarise(ev) == "Eagle Assault exercise: China, near Brest, Belarus, 2024-07-11 to 2024-07-21."


def test_a_name_that_ends_in_exercise_and_its_acronym_is_not_given_another():
    ev = Event("exercise", "Large-Scale Exercise (LSE)", ["United States"], named=True, location="Hawaii")
    assert summarise(ev) == "Large-Scale Exercise (LSE): United States, near Hawaii."


def test_a_name_that_already_says_exercise_is_not_given_another():
    ev = Event("exercise", "Sea Breeze drills", ["Ukraine", "United States"], named=True, host="Ukraine")
    assert summarise(ev) == "Sea Breeze drills, hosted by Ukraine with United States."


@pytest.mark.parametrize(
    "ev",
    [
        _alliance("Belarus was admitted to SCO", ["Belarus", "SCO", "Iran"], relation="was admitted to", joins=True),
        _alliance("Kenya–Nato alignment", ["Kenya", "Nato"], relation="joined", joins=True),
        _alliance("Japan–Philippines agreement", ["Japan", "Philippines"], relation="signed a pact with"),
        Event("deployment", "Turkey forces in Syria", ["Turkey"], host="Syria"),
    ],
)
def test_no_summary_ends_on_a_word_that_needs_an_object(ev):
    last = summarise(ev).rstrip(".").split()[-1].lower()
    assert last not in {"to", "into", "of", "with", "in", "the", "joined", "admitted", "signed"}


def test_a_destination_among_the_participants_stays_the_destination():
    ev = Event("deployment", "troops in Belarus", ["Russia", "Belarus"], host="Belarus")
    assert summarise(ev) == "Russia deployed troops to Belarus."


def test_a_plural_noun_of_alignment_is_not_read_as_a_verb():
    ev = _alliance("China–Russia alignment", ["China", "Russia"], relation="allies", relation_kind="cooperate")
    assert summarise(ev) == "China and Russia are aligned."
