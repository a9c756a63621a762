"""Exercise rules on single sentences and small articles: a name followed by what it is, and
another exercise told in the same article when its parties are others. No model, no index."""

from __future__ import annotations

from qa.events.exercise_names import named_exercise
from qa.events.frame import Frame
from qa.events.grouping import group_article, other_parties
from tests.unit.events.articles import article


def test_a_name_followed_by_what_it_is():
    text = "The group will train off Scotland as part of Joint Warrior, Nato's largest annual exercise."
    assert named_exercise(text) == "Joint Warrior"
    assert named_exercise("Troops arrived for Cobra Gold, the region's largest military exercise, on Monday.") == "Cobra Gold"
    # a place, the end of a list or a date before the comma is no name
    assert named_exercise("Troops gathered near Brest, the site of a large drill.") is None
    assert named_exercise("Officials in Seoul, Tokyo and Washington, the allies in the drills, met.") is None
    assert named_exercise("Yesterday, the annual exercise began.") is None


def test_other_parties_are_another_exercise():
    assert other_parties(["Greece", "Italy", "Cyprus", "France"], ["Greece", "Turkey"])
    assert other_parties(["China"], ["United States"])
    # the same parties, one of them, or parties not known: the same exercise
    assert not other_parties(["China", "Russia"], ["China"])
    assert not other_parties(["Greece", "Italy", "Cyprus", "France"], ["France", "Italy", "Greece", "Cyprus", "United Arab Emirates"])
    assert not other_parties(["China"], [])


def test_an_article_telling_two_exercises_of_other_parties_gives_two_records():
    art = article(
        "Ships from Greece, Italy and France held a joint exercise in August. "
        "The drills ended on Friday. "
        "Tensions rose in August, with Greece and Turkey both staging military drills."
    )
    s = art.sentences
    frames = [
        Frame(s[0], "exercise", participants=["Greece", "Italy", "France"], months={8}),
        Frame(s[1], "exercise"),
        Frame(s[2], "exercise", participants=["Greece", "Turkey"], months={8}),
    ]
    events = group_article(frames, art)
    assert [sorted(e.participants) for e in events] == [["France", "Greece", "Italy"], ["Greece", "Turkey"]]
    assert [len(e.evidence) for e in events] == [2, 1]


def test_a_designation_with_a_number_is_no_exercise_name():
    for text in (
        "The USS Gerald R. Ford (CVN 78) departed to conduct training exercises.",
        "Pilots flew F-35 jets during the exercise.",
        "A Su-30 fighter was refuelled during a drill.",
    ):
        assert named_exercise(text) is None, text
    # names with a number or a year still are
    assert named_exercise("Red Flag 24-1 exercise began in Nevada.") == "Red Flag 24-1"
    assert named_exercise("The BALTOPS 22 exercise began in June.") == "BALTOPS 22"


def test_exercise_as_a_verb_is_no_exercise():
    from qa.events.cues import only_verbal_exercise

    assert only_verbal_exercise("The deployment of bombers helps exercise RAF Fairford as a forward base.")
    assert only_verbal_exercise("Five other governments also exercise claims over the sea.")
    # a real exercise word beside the verb, or no exercise word at all: the classifier decides
    assert not only_verbal_exercise("China is holding naval drills in waters where others also exercise claims.")
    assert not only_verbal_exercise("Ships conducted integrated operations that concluded May 29.")


def test_a_country_or_a_titled_person_before_what_it_is_is_no_name():
    assert named_exercise("Troops from France joined Britain, the biggest exercise since 1990.") is None
    assert named_exercise("Reporters heard President Xi, the drills organiser, speak.") is None
    assert named_exercise("Crews thanked Admiral Lee, the man behind the drills.") is None
    assert named_exercise("Reporters heard Xi, the drills organiser, speak.") is None  # the exercise word must end the phrase
    assert named_exercise("Ships sailed for Pitch Black, a biennial exercise hosted by Australia.") == "Pitch Black"


def test_a_drill_dated_long_before_the_article_is_another_exercise():
    art = article(
        "China staged large-scale drills near Taiwan last week. "
        "A fighter was refuelled during a routine drill over the West Pacific on September 12, 2016. "
        "The drills ended on Sunday.",
        date="2020-09-22",
    )
    s = art.sentences
    frames = [
        Frame(s[0], "exercise", participants=["China"]),
        Frame(s[1], "exercise", start="2016-09-12", months={9}),
        Frame(s[2], "exercise"),
    ]
    events = group_article(frames, art)
    assert [[x.text for x in e.evidence] for e in events] == [[s[0].text, s[2].text], [s[1].text]]
    assert events[0].start is None and events[1].start == "2016-09-12"
    # a date within weeks of the article's is the exercise being described
    near = [Frame(s[0], "exercise", participants=["China"]), Frame(s[1], "exercise", start="2020-09-15", months={9})]
    assert len(group_article(near, art)) == 1
    # a planned exercise (after the article) or one still running is the one described
    planned = [Frame(s[0], "exercise", participants=["China"]), Frame(s[1], "exercise", start="2021-01-15", months={1})]
    assert len(group_article(planned, art)) == 1
    running = article("Russia is holding drills. The drills began on May 1, 2020 and will run until October.", date="2020-09-22")
    frames = [Frame(running.sentences[0], "exercise", participants=["Russia"]), Frame(running.sentences[1], "exercise", start="2020-05-01", months={5})]
    assert len(group_article(frames, running)) == 1


def test_a_country_before_its_service_takes_part():
    from qa.events.frame import find_participants
    from qa.events.mentions import find_mentions

    text = "A Chinese Air Force Su-30 fighter was refuelled during a routine combat drill over the West Pacific."
    assert find_participants(text, find_mentions(text), "exercise")[0] == ["China"]
    # a country merely near the drill is not one
    text = "A routine combat drill was held near Japan."
    assert find_participants(text, find_mentions(text), "exercise")[0] == []


def test_a_possessive_ends_the_description():
    from qa.events.exercises import exercise_descriptor

    assert exercise_descriptor("China's recent military exercises near Taiwan were criticised.") == "recent military exercises"
    # a closing quote after a plural is no possessive
    assert exercise_descriptor("Beijing called them 'routine drills' near Taiwan.") == "routine drills"
    assert exercise_descriptor("China called them ‘routine drills’ near Taiwan.").endswith("routine drills")


def test_a_country_speaking_about_the_drills_is_no_party():
    from qa.events.frame import find_participants
    from qa.events.mentions import find_mentions

    text = "Pyongyang says the drills, which were set to start Monday, are invasion rehearsals."
    assert find_participants(text, find_mentions(text), "exercise")[0] == []
    text = "Protesters criticised sanctions on North Korea and joint military exercises."
    assert find_participants(text, find_mentions(text), "exercise")[0] == []
    for text in ("China said its navy conducted live-fire drills.", "Russia says its troops have completed exercises."):
        assert find_participants(text, find_mentions(text), "exercise")[0] == [text.split()[0]], text
    text = "China's naval drills began on Monday."
    assert find_participants(text, find_mentions(text), "exercise")[0] == ["China"]
