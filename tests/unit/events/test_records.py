"""From frames to records: grouping within an article, merge rules across articles, finishing
(name, type, summary) and citation numbering, on records built by hand."""

from __future__ import annotations

from qa.config import load_settings
from qa.events.article_frames import Context, article_frames
from qa.events.extract import number_citations
from qa.events.grouping import group_article
from qa.events.merge import merge_events, merge_into, name_key, same_event
from qa.events.record import Event
from qa.events.summary import finish_record, summarise
from tests.unit.events.articles import article

ARTICLE = (
    "Chinese and Belarusian troops began joint military drills near Brest on Monday. "
    "The drills will run from July 11 to July 21. "
    "The exercise, called Eagle Assault, involves 500 soldiers. "
    "Separately, Russia deployed troops to Belarus in May. "
    "Members of the gym said regular exercise keeps them fit and healthy."
)


class _Context(Context):
    """The rules alone (no sentence classifier, which needs the embedder), with the embedder's
    sense check replaced: only sentences about gyms are not military."""

    def __init__(self, articles):
        super().__init__(load_settings(), articles)
        self.classifier = None
        self.asked: list[str] = []

    def military_sense(self, texts):
        self.asked += texts
        return ["gym" not in t for t in texts]


def test_an_article_becomes_one_record_per_event():
    art = article(ARTICLE)
    ctx = _Context([art])
    frames = article_frames(art, ctx)
    # Exercise words with no military word nearby go to the sense check.
    assert ctx.asked == [
        "The drills will run from July 11 to July 21.",
        "Members of the gym said regular exercise keeps them fit and healthy.",
    ]
    assert [(f.kind, f.sentence.position) for f in frames] == [("exercise", 0), ("exercise", 1), ("exercise", 2), ("deployment", 3)]
    exercise, deployment = group_article(frames, art)
    # The exercise described before its name is given is the named one.
    assert (exercise.name, exercise.named) == ("Eagle Assault", True)
    assert [s.position for s in exercise.evidence] == [0, 1, 2]
    assert exercise.participants == ["China", "Belarus"] and exercise.places == ["Brest"]
    assert (exercise.start, exercise.end) == ("2024-07-11", "2024-07-21")
    finish_record(exercise)
    assert (exercise.type, exercise.cameo, exercise.location) == ("MOBILIZE", "150", "Brest")
    assert exercise.summary == "Eagle Assault exercise: China and Belarus, near Brest, 2024-07-11 to 2024-07-21."
    finish_record(deployment)
    assert (deployment.participants, deployment.host, deployment.cameo) == (["Russia"], "Belarus", "154")


def test_a_record_dated_only_by_a_weekday_gets_that_day_at_the_end():
    text = "Polish and Lithuanian troops began joint drills near Suwalki on Monday."
    art = article(text, date="2024-03-02")  # a Saturday
    (exercise,) = group_article(article_frames(art, _Context([art])), art)
    assert (exercise.start, exercise.dates_text) == (None, "Monday")  # while records are grouped
    finish_record(exercise)
    assert (exercise.start, exercise.dates_text) == ("2024-02-26", "Monday")
    undated = article(text, date=None)
    (exercise,) = group_article(article_frames(undated, _Context([undated])), undated)
    finish_record(exercise)
    assert exercise.start is None


def _exercise(name="", *, named=False, participants=(), places=(), months=(), start=None, host=None) -> Event:
    return Event("exercise", name, list(participants), host=host, places=list(places), start=start, named=named, months=set(months))


def test_named_exercises_match_by_name_without_the_year():
    assert name_key("Vostok-2022") == name_key("Vostok") == "vostok"
    assert same_event(_exercise("Vostok 2022", named=True), _exercise("Vostok", named=True))
    assert not same_event(_exercise("Vostok", named=True), _exercise("Zapad", named=True))
    assert not same_event(_exercise("Vostok", named=True), Event("deployment", "Vostok"))


def test_unnamed_exercises_need_shared_parties_and_a_shared_place_day_or_month():
    a = _exercise(participants=["China", "Belarus"], places=["Brest"], months=[7])
    assert same_event(a, _exercise(participants=["Belarus", "China"], places=["brest"]))
    # A shared month needs a shared, known host: unknown on both sides, two reports of the same
    # allies drilling in one month are as likely two exercises (a probe merged Northern Forest 24
    # in Finland with a US–UK drill off the Philippines that way).
    assert not same_event(a, _exercise(participants=["China", "Belarus"], months=[7]))
    hosted = _exercise(participants=["China", "Belarus"], months=[7], host="Belarus")
    assert same_event(hosted, _exercise(participants=["China", "Belarus"], months=[7], host="Belarus"))
    assert not same_event(a, _exercise(participants=["China", "Belarus"], months=[9]))
    assert not same_event(a, _exercise(participants=["China", "Russia"], places=["Brest"]))  # one shared party of two


def test_alliances_and_deployments_match_on_parties():
    agree = Event("alliance", "x", ["Finland", "Nato"])
    agree.notes.relation_kind = "agree"
    cooperate = Event("alliance", "y", ["Nato", "Finland"])
    cooperate.notes.relation_kind = "cooperate"
    assert not same_event(agree, cooperate)
    cooperate.notes.relation_kind = "agree"
    assert same_event(agree, cooperate)
    assert same_event(Event("deployment", "a", ["Russia"], host="Belarus"), Event("deployment", "b", ["Russia"], host="Belarus"))
    assert not same_event(Event("deployment", "a", ["Russia"], host="Belarus"), Event("deployment", "b", ["Russia"]))


def test_merging_keeps_both_and_prefers_a_name_and_iso_dates():
    target = _exercise("China–Belarus joint exercise", participants=["China"], start="July 11")
    other = _exercise("Eagle Assault", named=True, participants=["China", "Belarus"], start="2024-07-11", host="Belarus")
    other.end = "2024-07-21"
    merge_into(target, other)
    assert (target.name, target.named) == ("Eagle Assault", True)
    assert target.participants == ["China", "Belarus"] and target.host == "Belarus"
    assert (target.start, target.end) == ("2024-07-11", "2024-07-21")


def test_merge_events_folds_later_reports_into_the_first():
    first = _exercise("Vostok", named=True, participants=["Russia"])
    second = _exercise("Vostok", named=True, participants=["China"])
    other = _exercise("Zapad", named=True)
    assert merge_events([first, other, second]) == [first, other]
    assert first.participants == ["Russia", "China"]


def test_summaries():
    ev = Event("alliance", "Finland joined Nato", ["Finland", "Nato"], relation="joined")
    ev.notes.joins = True
    assert summarise(ev) == "Finland joined Nato."
    ev = Event("deployment", "Russia forces in Belarus", ["Russia"], host="Belarus", dates_text="Monday")
    assert summarise(ev) == "Russia deployed forces to Belarus, starting Monday."
    ev = Event("exercise", "vostok", ["Russia", "China", "India"], host="Russia", start="August 30", end="September 5")
    assert summarise(ev) == "Vostok, hosted by Russia with China and India, August 30 to September 5."


def test_citations_are_numbered_once_per_sentence_across_records():
    art = article("Russia and Belarus held drills. The drills ended on Friday. Russia sent troops to Belarus.")
    s0, s1, s2 = art.sentences
    a = Event("exercise", "a", evidence=[s1, s0], articles=[art])
    b = Event("deployment", "b", evidence=[s2, s1], articles=[art])
    existing = s2.citation(1)  # already cited by the briefing
    new = number_citations([a, b], start=2, existing=[existing])
    assert [c.id for c in a.citations] == [2, 3]  # in reading order
    assert [c.id for c in b.citations] == [3, 1]
    assert [c.quote for c in new] == ["Russia and Belarus held drills.", "The drills ended on Friday."]
