"""Inputs a hostile-input probe found mishandled, through the real ingest and CLI: a symlink loop
in a folder, HTML with a year in its text but no date metadata, and a feed whose articles all
share one unreadable date."""

from __future__ import annotations

import json

from qa.ingest.pipeline import ingest
from qa.storage.store import open_store
from tests.conftest import run_main

ARTICLE = "Troops arrive in {place}\n\nBelarusian troops arrived in {place} on Monday for a joint drill.\n"

BODY = (
    "<p>In 2003, NATO expanded eastwards, taking in seven countries of the former Eastern bloc and "
    "changing the security map of Europe for a generation.</p>"
    "<p>Officials in Brussels said the alliance would hold more exercises in the Baltic states next "
    "spring, with troops from many members taking part.</p>"
)


def _page(head: str = "", lead: str = "", title: str = "NATO enlargement") -> str:
    return (f"<html><head><title>{title}</title>{head}</head>"
            f"<body><article><h1>{title}</h1>{lead}{BODY}</article></body></html>")


def _stored(settings):
    store = open_store(settings)
    return {meta["source"]: meta for _id, meta, _text in store.iter_records()}


def test_a_symlink_loop_in_a_folder_is_skipped_and_the_rest_is_indexed(tmp_path, settings, capsys):
    folder = tmp_path / "d"
    folder.mkdir()
    for place in ("Minsk", "Brest"):
        (folder / f"{place}.txt").write_text(ARTICLE.format(place=place), encoding="utf-8")
    (folder / "y.txt").symlink_to("y.txt")  # points at itself
    code, out, err = run_main(capsys, "--index-dir", str(settings.index.index_dir), "ingest", str(folder))
    assert code == 0, err
    assert "internal error" not in err
    shown = " ".join(out.split())  # rich wraps long lines at the console width
    assert f"skipped {folder / 'y.txt'}: cannot read: Too many levels of symbolic links" in shown
    assert sorted(_stored(settings)) == ["Brest.txt", "Minsk.txt"]


def test_a_year_in_the_text_of_an_html_page_is_not_its_date(tmp_path, settings):
    (tmp_path / "bare.html").write_text(_page(), encoding="utf-8")
    report = ingest([tmp_path / "bare.html"], settings)
    assert report.added == ["bare.html"]
    assert not _stored(settings)["bare.html"].get("date")


def test_html_dates_from_metadata_and_datelines_are_kept(tmp_path, settings):
    meta = "<meta property='article:published_time' content='2024-03-05T10:00:00Z'>"
    time = "<time datetime='2022-06-07'>Tuesday</time>"
    (tmp_path / "meta.html").write_text(_page(head=meta, title="NATO grows"), encoding="utf-8")
    (tmp_path / "time.html").write_text(_page(lead=time, title="NATO looks east"), encoding="utf-8")
    (tmp_path / "dateline.html").write_text(_page(lead="<p>Published 4 April 2023</p>", title="NATO at 60"), encoding="utf-8")
    report = ingest([tmp_path], settings)
    assert sorted(report.added) == ["dateline.html", "meta.html", "time.html"]
    dates = {source: meta.get("date") for source, meta in _stored(settings).items()}
    assert dates == {"meta.html": "2024-03-05", "time.html": "2022-06-07", "dateline.html": "2023-04-04"}


def test_one_unreadable_date_shared_by_many_articles_is_one_warning(tmp_path, settings, capsys):
    feed = tmp_path / "feed.jsonl"
    rows = [{"id": str(i), "date": "Q3 2004", "text": f"Troops moved to border post {i} on Monday."} for i in range(30)]
    rows.append({"id": "odd", "date": "2014-13", "text": "Ships sailed south from the port."})
    feed.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    code, out, err = run_main(capsys, "--index-dir", str(settings.index.index_dir), "ingest", "--json", str(feed))
    assert code == 0, err
    report = json.loads(out)
    assert report["added"] == 31
    assert report["warnings"] == [
        {"path": "30 articles in feed.jsonl",
         "reason": "date 'Q3 2004' is not a day qa can read (use YYYY-MM-DD); indexed without a date"},
        {"path": "feed.jsonl#odd",
         "reason": "date '2014-13' is not a day qa can read (use YYYY-MM-DD); indexed without a date"},
    ]
    feed.write_text(feed.read_text(encoding="utf-8").replace("Monday", "Tuesday"), encoding="utf-8")
    code, out, err = run_main(capsys, "--index-dir", str(settings.index.index_dir), "ingest", str(feed))
    assert code == 0, err
    assert out.count("warning ") == 2, out
    assert "warning 30 articles in feed.jsonl: date 'Q3 2004'" in " ".join(out.split())


def test_a_month_a_year_or_a_span_of_years_dates_the_article_for_since_and_until(tmp_path, settings, capsys):
    feed = tmp_path / "feed.jsonl"
    rows = [
        {"id": "span", "date": "2004-2005", "text": "Troops moved to the border post near Brest on Monday."},
        {"id": "month", "date": "April 2014", "text": "Warships sailed south from the naval port of Sevastopol."},
        {"id": "day", "date": "2014-04-20", "text": "Tanks crossed the river during the night exercise."},
    ]
    feed.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    index = ["--index-dir", str(settings.index.index_dir)]
    code, out, err = run_main(capsys, *index, "ingest", "--json", str(feed))
    assert code == 0 and json.loads(out)["warnings"] == [], (out, err)
    code, out, _ = run_main(capsys, *index, "sources", "--json")
    listed = {s["source"]: (s["date"], s["date_period"]) for s in json.loads(out)}
    assert listed == {"feed.jsonl#span": (None, "2004/2005"), "feed.jsonl#month": (None, "2014-04"),
                      "feed.jsonl#day": ("2014-04-20", None)}

    def found(*bounds: str) -> set[str]:
        code, out, err = run_main(capsys, *index, "ask", "Where did troops, warships and tanks go?", "--json", *bounds)
        assert code == 0, err
        return {r["source"] for r in json.loads(out)["retrieved"]}

    assert found("--since", "2014-04-15") == {"feed.jsonl#month", "feed.jsonl#day"}
    assert found("--until", "2014-03") == {"feed.jsonl#span"}
    assert found("--since", "2005-06", "--until", "2013") == {"feed.jsonl#span"}
    assert found("--since", "2014-04-21") == {"feed.jsonl#month"}  # April 2014 may be its last days
