"""A briefing's parts without a model or an index: headings for quoted sentences, the timeline,
reading the model's Markdown, and the Markdown and HTML pages of a briefing built by hand."""

from __future__ import annotations

import re

from qa.brief.compose import Briefing
from qa.brief.html import render_html
from qa.brief.llm_brief import parse_briefing
from qa.brief.sections import section_of, timeline
from qa.events.record import Event
from qa.models import Citation

LOW = {"Exercises": 0.1, "Alliances and alignments": 0.2, "Deployments": 0.3}


def test_sentences_go_under_headings_by_the_classifier_then_cue_words_then_by_prototype():
    # the classifier's verdict first
    assert section_of("Finland joined the alliance.", LOW, {"alliance": 1.2}) == "Alliances and alignments"
    assert section_of("Officials met in Minsk.", LOW, {"deployment": 1.1}) == "Deployments"
    # of several kinds, the one the cue words name, else the furthest above its threshold
    both = {"deployment": 1.3, "exercise": 1.1}
    assert section_of("China will send troops to Russia for joint military exercises.", LOW, both) == "Exercises"
    assert section_of("Officials met in Minsk.", LOW, both) == "Deployments"
    # without one, military sentences by cue words, then by prototype
    assert section_of("China and Belarus began joint military drills near Brest.", LOW) == "Exercises"
    assert section_of("Russia deployed troops to Belarus.", LOW) == "Deployments"
    assert section_of("Russian troops and their allies are in Belarus.", LOW) == "Alliances and alignments"
    assert section_of("Military officials met in Minsk.", LOW | {"Deployments": 0.5}) == "Deployments"
    # and business or politics words with no military one are no alignment, exercise or deployment
    assert section_of("Peugeot and Mitsubishi signed a technology-sharing agreement.", LOW) == "Background"
    assert section_of("Finland joined the alliance.", LOW | {"Alliances and alignments": 0.6}) == "Background"
    assert section_of("The minister will exercise restraint, officials said.", LOW) == "Background"


def _citation(n: int, quote: str = "Russia's troops & Belarus <held> drills.") -> Citation:
    return Citation(id=n, source="a.txt", title="Drills \"near\" Brest", quote=quote, chunk_id="c1", path="/a.txt", char_start=0, char_end=len(quote))


def _events() -> list[Event]:
    vostok = Event("exercise", "Vostok", ["Russia", "China"], start="August 30", end="September 5", named=True, months={8, 9})
    vostok.citations = [_citation(1)]
    baltic = Event("exercise", "Baltic Shield", ["Poland"], host="Poland", start="2024-03-04", end="2024-03-15", named=True)
    baltic.citations = [_citation(2)]
    nato = Event("alliance", "Finland joined Nato", ["Finland", "Nato"])
    return [vostok, baltic, nato]


def test_timeline_puts_iso_dates_first_and_skips_undated_records():
    assert timeline(_events()) == [
        ("2024-03-04 – 2024-03-15", "Baltic Shield exercise", [2]),
        ("August 30 – September 5", "Vostok exercise", [1]),
    ]


def test_the_models_markdown_keeps_cited_bullets_only():
    text = (
        "# Briefing\n- Vostok began with Russian and Chinese troops [1].\n- No source here.\n- Share [2]\n"
        "## Alliances\n* Finland joined Nato [2, 3]\n## Sources\n1. a.txt [1]\n## Exercises\n1) Drills near Brest [3]\n"
    )
    key_points, sections, dropped = parse_briefing(text)
    assert key_points == ["Vostok began with Russian and Chinese troops [1]."]
    assert sections == {"Alliances and alignments": ["Finland joined Nato [2, 3]"], "Exercises": ["Drills near Brest [3]"]}
    assert dropped == 2  # no marker; a marker on web furniture


def _briefing() -> Briefing:
    return Briefing(
        "Briefing: <Vostok>",
        "extractive",
        label="Extractive briefing.",
        key_points=["Russia & China joined Vostok. [1][7]"],
        sections={"Exercises": ["Drills near Brest [2]"]},
        citations=[_citation(1), _citation(2, "Poland hosts Baltic Shield.")],
        events=_events(),
        articles=2,
    )


def test_markdown_page():
    md = _briefing().markdown
    assert md.startswith("# Briefing: \\<Vostok>\n\n_Extractive briefing._\n\n## Key points\n\n- Russia & China joined Vostok. [1][7]\n")
    assert "## Timeline\n\n- **2024-03-04 – 2024-03-15**: Baltic Shield exercise [2]\n" in md
    assert "| exercise | Baltic Shield | Poland | Poland | 2024-03-04 – 2024-03-15 |  () | [2] |" in md
    assert md.endswith("2. **Drills \"near\" Brest**: `a.txt`: “Poland hosts Baltic Shield.”\n")


def test_markdown_page_makes_article_html_and_links_inert():
    from markdown_it import MarkdownIt

    evil = 'Troops <img src=x onerror="alert(1)"> landed, see [here](javascript:alert(2)).'
    b = Briefing("Briefing: <script>alert(3)</script>", "extractive", label="Extractive briefing.",
                 key_points=[f"{evil} [1]"], sections={"Exercises": [evil]},
                 citations=[_citation(1, evil)], articles=1)
    md = b.markdown
    html = MarkdownIt("commonmark").render(md)  # what a viewer makes of the file
    assert "<img" not in html and "<script" not in html and "href=" not in html
    assert html.count("&lt;img src=x onerror=") == 3 and "[here](javascript:alert(2))" in html
    assert "- Troops \\<img" in md  # the words stay as written, escaped for Markdown only


def test_html_page_is_escaped_linked_and_self_contained():
    quote = "Russia's troops & Belarus <held> drills."
    page = render_html(_briefing(), {"c1": f"Before. {quote} After <b>."})
    assert page.startswith("<!DOCTYPE html>\n<html lang=\"en\">") and page.endswith("</script></body></html>\n")
    assert "<title>Briefing: &lt;Vostok&gt;</title>" in page
    assert "<style>" in page and "<script>" in page and 'src="http' not in page
    # [1] links to its source; [7] has none and is dropped; text around markers is escaped.
    assert '<li>Russia &amp; China joined Vostok.<a class="cite" href="#src-1" title="source 1">[1]</a></li>' in page
    assert 'href="#src-7"' not in page
    # The quote is marked inside its chunk's text, both escaped.
    assert '<div class="passage">Before. <mark id="quote-1">Russia&#39;s troops &amp; Belarus &lt;held&gt; drills.</mark> After &lt;b&gt;.</div>' in page
    assert page.count("<mark") == 2 and set(re.findall(r'id="(src-\d+)"', page)) == {"src-1", "src-2"}
    for section in ('id="key-points"', 'id="exercises"', 'id="timeline"', 'id="events"', 'id="sources"'):
        assert section in page
    assert "<td>Finland, Nato</td>" in page and "2 article(s) · 3 event record(s) · 2 source passage(s)" in page


def test_html_page_without_events_or_key_points():
    page = render_html(Briefing("Empty", "llm", label="x"))
    assert "<li>No key points.</li>" in page
    assert 'id="events"' not in page and 'id="timeline"' not in page


def test_a_month_or_a_year_sorts_by_its_first_day_among_days():
    day = Event("exercise", "Baltops", ["Poland"], start="2024-08-02", named=True)
    month = Event("exercise", "Juniper Oak", ["Israel"], start="January 2024", named=True)
    year = Event("alliance", "Poland–Lithuania alignment", ["Poland", "Lithuania"], start="2014")
    undated = Event("exercise", "Vostok", ["Russia"], start="August 30", named=True, months={8})
    assert (month.sort_date, year.sort_date, undated.sort_date) == ("2024-01-01", "2014-01-01", "9999")
    assert [what for _when, what, _ids in timeline([undated, day, month, year])] == [
        "Poland–Lithuania alignment", "Juniper Oak exercise", "Baltops exercise", "Vostok exercise"]
