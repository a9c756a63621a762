"""Who with whom from event records built by hand: pairs per kind, counts, dates, citations and
their order. No model, no index."""

from __future__ import annotations

from qa.events.organisations import looks_like_organisation
from qa.events.record import Event
from qa.events.relations import cited_sources, naming_strength, relations
from qa.models import Citation


def _cite(n: int, quote: str) -> Citation:
    return Citation(id=n, source="a.txt", title="t", quote=quote, chunk_id="c", char_start=n, char_end=n + 1)


def _event(kind: str, name: str, parties: list[str], *cites: Citation, **kw) -> Event:
    ev = Event(kind, name, parties, **kw)
    ev.citations = list(cites)
    return ev


def _records() -> list[Event]:
    return [
        _event("exercise", "Vostok", ["China", "Russia", "India"], _cite(1, "Troops from India arrived."),
               _cite(2, "China and Russia began Vostok."), _cite(3, "Russian and Chinese ships sailed."),
               start="2022-08-30", end="2022-09-05"),
        _event("exercise", "Joint Sea", ["Russia", "China"], _cite(4, "Russian and Chinese navies drilled."), start="2021-07-01"),
        _event("alliance", "SCO membership", ["SCO", "Iran", "India", "Pakistan"], _cite(5, "The SCO includes Iran, India and Pakistan.")),
        _event("deployment", "Russian missiles in Belarus", ["Russia"], _cite(6, "Russia deployed missiles in Belarus."), host="Belarus",
               dates_text="March"),
    ]


def test_pairs_per_kind_with_counts_dates_and_order():
    rels = relations(_records())
    labels = [r.label for r in rels]
    # China–Russia exercised twice: first; then the rest by kind of pair and name.
    assert labels[0] == "China – Russia"
    top = rels[0]
    assert (top.count, top.kinds, top.names) == (2, ["exercise"], ["Vostok", "Joint Sea"])
    assert (top.first, top.last) == ("2021-07-01", "2022-09-05")
    # a bloc's members pair with the bloc, not with each other
    assert "India – SCO" in labels and "Iran – SCO" in labels and "Iran – Pakistan" not in labels
    # an exercise's participants all pair up
    assert "China – India" in labels and "India – Russia" in labels
    # a deployment points from the deployer to its host, and keeps its date as written
    dep = next(r for r in rels if r.directed)
    assert (dep.a, dep.b, dep.kinds, dep.dates_text, dep.when) == ("Russia", "Belarus", ["deployment"], ["March"], "March")
    assert dep.label == "Russia → Belarus"
    assert labels == sorted(labels, key=lambda x: (-next(r.count for r in rels if r.label == x), x.count("→"), x.casefold()))


def test_a_pair_cites_the_quotes_that_name_it():
    rels = {r.label: r for r in relations(_records())}
    # Vostok cites [1][2][3]; China–Russia takes the two naming both (adjectives count), India–China the one naming India.
    assert rels["China – Russia"].citations == [2, 3, 4]
    assert rels["China – India"].citations[0] == 1
    assert [c.id for c in cited_sources([rels["China – Russia"]], _records())] == [2, 3, 4]
    data = rels["China – Russia"].to_dict()
    assert data["events"] == 2 and data["citations"] == [2, 3, 4] and data["directed"] is False


def test_one_record_counts_once_and_lone_or_hostless_records_make_no_pair():
    ev = _event("exercise", "Drill", ["China", "Russia", "China"], _cite(1, "x"))
    rels = relations([ev, ev])
    assert [(r.label, r.count) for r in rels] == [("China – Russia", 1)]
    assert relations([_event("exercise", "Solo", ["Poland"]), _event("deployment", "Nowhere", ["Russia"])]) == []


def test_organisations_by_name_not_by_list():
    for name in ("NATO", "Shanghai Cooperation Organisation (SCO)", "European Union", "Collective Security Treaty Organization"):
        assert looks_like_organisation(name), name
    for name in ("India", "United States", "Netherlands", "Iran", "United Kingdom"):
        assert not looks_like_organisation(name), name


def test_a_quote_names_a_party_by_name_demonym_unit_or_acronym():
    assert naming_strength("Chinese and Russian ships sailed.", "China") == 1
    assert naming_strength("The Marines landed at dawn.", "United States") == 1
    assert naming_strength("The SCO summit opened.", "Shanghai Cooperation Organisation (SCO)") == 2
    assert naming_strength("Leaders of the shanghai cooperation organisation met.", "Shanghai Cooperation Organisation (SCO)") == 2
    # a place inside another name is no mention of the country ("South China Sea")
    assert naming_strength("Ships sailed in the South China Sea.", "China") == 0
    assert naming_strength("Troops from India arrived.", "Pakistan") == 0


def test_a_party_written_another_way_is_resolved_before_it_is_looked_up():
    assert naming_strength("Türkiye and the U.S. signed the deal.", "Turkey") == 2
    assert naming_strength("Türkiye and the U.S. signed the deal.", "U.S.") == 2


def test_a_quote_naming_both_by_name_is_the_most_telling():
    ev = _event("exercise", "Drill", ["China", "Belarus"], _cite(1, "Chinese soldiers landed in Belarus."),
                _cite(2, "Belarusian and Chinese officers met."), _cite(3, "China and Belarus will train near Brest."))
    assert relations([ev])[0].citations == [1, 3]
