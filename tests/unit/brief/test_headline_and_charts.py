"""Headline facts for key points on single sentences, and the briefing's two drawings (graph
and timeline) as deterministic, escaped inline SVG. No model, no index."""

from __future__ import annotations

import re

import pytest

from qa.brief.charts import relations_svg, short_label, timeline_svg
from qa.brief.compose import Briefing
from qa.brief.headline import excerpt, facts, headline_detail
from qa.events.record import Event
from qa.events.relations import Relation
from tests.unit.events.articles import article

Y20 = ("Photographs from the Baranovichi air base on Saturday, about 100 miles south-west of Minsk, showed Chinese soldiers "
       "wearing forage caps as they unloaded their equipment from a single Xian Y-20, a heavy strategic airlifter nicknamed "
       "“Chubby Girl”.")


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        (Y20, ["100 miles", "Y-20"]),
        ("About 2,500 troops and three warships from the 31st Marine Expeditionary Unit took part.",
         ["2,500 troops", "three warships", "31st Marine Expeditionary Unit"]),
        ("In January 2022, the CSTO deployed 2,000 of its peacekeepers to Kazakhstan.", ["2,000 of its peacekeepers"]),
        ("The contingent includes five A-10C Thunderbolt II aircraft and a MC-130H.", ["five A-10C", "MC-130H"]),
    ],
)
def test_strong_facts_by_their_shape(text, wanted):
    strong, _ = facts(text, "")
    assert strong == wanted


def test_dates_years_and_what_the_summary_says_are_no_new_facts():
    assert facts("The drills will run from August 30 to September 5 in 2024.", "") == ([], [])
    assert facts("Officials said the talks would continue next week.", "") == ([], [])
    assert facts("About 2,500 troops joined the 11-day drills.", "Drills (11-day).")[0] == ["2,500 troops"]


def test_a_long_sentence_is_cut_to_the_clauses_with_its_facts():
    long = ("The ministry said on Tuesday, in a statement read by a spokesman to reporters gathered at the ministry in "
            "the capital, that the exercise would go ahead as planned, that about 3,000 troops would take part, and "
            "that officials from several neighbouring countries would be invited to watch the final stage of the drills.")
    cut = excerpt(long, ["3,000 troops"])
    assert cut == "…that about 3,000 troops would take part…"
    assert excerpt("Short sentence with 3,000 troops.", ["3,000 troops"]) == "Short sentence with 3,000 troops."


def test_the_detail_comes_from_the_sentence_next_to_the_evidence_not_from_another_record():
    art = article(
        "Chinese soldiers landed in Belarus for drills. Chinese media said the exercises would be held in Brest. "
        f"{Y20} In May, the two countries staged thirteen-hour maneuvers near Japan with 20 ships. The weather was fine."
    )
    ev = Event("exercise", "China–Belarus exercise", ["China", "Belarus"], evidence=[art.sentences[1]], articles=[art])
    detail = headline_detail(ev, "China–Belarus exercise: China and Belarus, near Brest.")
    assert detail is not None and "Xian Y-20" in detail.text and detail.sentence.position == 2
    other = {(art.doc_id, 2)}  # the Y-20 sentence tells another record: the next best is not it
    assert headline_detail(ev, "China–Belarus exercise.", skip=other) is None


def _relations() -> list[Relation]:
    return [
        Relation("China", "Russia", kinds=["exercise", "alliance"], event_ids=["a", "b"], names=["Vostok"], citations=[1]),
        Relation("<script>alert(1)</script>", "Russia", kinds=["exercise"], event_ids=["c"], names=["X"], citations=[2]),
        Relation("Russia", "Belarus", directed=True, kinds=["deployment"], event_ids=["d"], names=["Y"], citations=[3]),
        Relation("Russia", "Shanghai Cooperation Organisation (SCO)", kinds=["alliance"], event_ids=["e"], names=["Z"]),
        Relation("Chile", "Peru", kinds=["alliance"], event_ids=["f"], names=["W $x$"]),  # apart: not drawn
    ]


def test_the_graph_is_inline_svg_deterministic_and_escaped():
    svg = relations_svg(_relations())
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert svg == relations_svg(_relations())  # same pairs, same bytes
    assert "<script" not in svg and "&lt;script&gt;alert(1)" in svg  # matplotlib escapes text
    labels = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert {"China", "Russia", "Belarus", "SCO"} <= set(labels)
    assert "Chile" not in labels  # only the largest connected group
    # no external reference: the only URLs are XML namespace names
    assert all(attr.startswith("xmlns") for attr in re.findall(r'([\w:]+)="https?:', svg))
    assert relations_svg([]) == "" and short_label("Shanghai Cooperation Organisation (SCO)") == "SCO"


def test_the_timeline_chart_uses_dates_or_months_without_a_year():
    dated = [Event("exercise", "Baltic Shield", start="2024-03-04", end="2024-03-15"),
             Event("exercise", "$Vostok$ <b>", start="2024-08-30")]
    svg = timeline_svg(dated)
    assert svg.startswith("<svg") and "Baltic Shield" in svg and "$Vostok$ &lt;b&gt;" in svg
    assert svg == timeline_svg(dated)
    loose = timeline_svg([Event("exercise", "Vostok", start="August 30", end="September 5", months={8, 9}),
                          Event("exercise", "Maneuvers", dates_text="May", months={5})])
    assert "Vostok" in loose and "Maneuvers" in loose and "no year" in loose
    assert timeline_svg([Event("exercise", "Undated", dates_text="Monday")]) == ""
    # one page holds both drawings: no id in common, and every reference points inside its own
    both = svg + relations_svg(_relations())
    ids = re.findall(r'\bid="([^"]+)"', both)
    assert len(ids) == len(set(ids)) and "qa-timeline" in ids and "qa-relations" in ids
    assert set(re.findall(r'(?:url\(#|href="#)([^")]+)', both)) <= set(ids)


def test_who_with_whom_in_markdown():
    vostok = Event("exercise", "Vostok", ["Russia", "China"], start="August 30", end="September 5", named=True)
    from qa.models import Citation

    vostok.citations = [Citation(id=1, source="a.txt", title="t", quote="Russia and China held Vostok.", chunk_id="c1")]
    md = Briefing("B", "extractive", events=[vostok], citations=vostok.citations).markdown
    assert "## Who with whom\n\n- **China – Russia**: exercise; 1 event (Vostok); August 30 – September 5 [1]\n" in md
    assert md.index("## Who with whom") < md.index("## Timeline")
