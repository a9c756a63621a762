"""An index kept in step with its inputs over several runs: records of a JSONL file that move
or go, two files with one text of which one is edited, a renamed file, an index rebuilt where
another was. Each run must leave every text that an input holds indexed, once, under that
input's name, and nothing of what no input holds any more (JSONL records); found by a probe."""

from __future__ import annotations

import json
import shutil

import pytest

from qa.api import ask, list_sources, remove_source
from qa.ingest.pipeline import ingest
from qa.storage.store import open_store
from tests.conftest import run_qa


def _texts(settings) -> dict[str, str]:
    """source -> the document's text (its chunks joined)."""
    out: dict[str, list[str]] = {}
    for _id, meta, text in sorted(open_store(settings).iter_records(documents=True), key=lambda r: (r[1]["source"], r[1]["chunk_index"])):
        out.setdefault(meta["source"], []).append(text or "")
    return {k: " ".join(v) for k, v in out.items()}


def _article(letter: str, days: int) -> str:
    return (f"Exercise {letter}lpha took place near the town of {letter}ville. Troops from {letter}land "
            f"joined the drill for {days} days. The commander said the {letter}-drill went well.")


def _feed(path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def test_a_jsonl_line_deleted_above_others_keeps_them_under_their_new_lines(tmp_path, settings):
    feed = tmp_path / "in" / "feed.jsonl"
    feed.parent.mkdir()
    rows = [{"title": f"Article {c}", "text": _article(c, n)} for c, n in (("A", 5), ("B", 6), ("C", 7))]
    _feed(feed, rows)
    ingest([feed.parent], settings)
    _feed(feed, rows[1:])  # no ids: records are keyed by line, and every line moves up
    report = ingest([feed.parent], settings)
    texts = _texts(settings)
    assert set(texts) == {"feed.jsonl#line1", "feed.jsonl#line2"}, report
    assert "Bland" in texts["feed.jsonl#line1"] and "Cland" in texts["feed.jsonl#line2"]
    assert report.chunks_written == 0 and report.chunks_moved == 2  # relabelled, not re-embedded
    again = ingest([feed.parent], settings)
    assert len(again.unchanged) == 2 and again.chunks_written == again.chunks_deleted == again.chunks_moved == 0
    answer = ask("How many days did troops from Bland drill?", settings.with_overrides(extractive=True))
    assert [c.source for c in answer.citations][:1] == ["feed.jsonl#line1"]


def test_a_record_gone_from_a_jsonl_file_read_whole_is_dropped_but_not_when_a_line_failed(tmp_path, settings):
    feed = tmp_path / "feed.jsonl"
    rows = [{"id": c, "text": _article(c, n)} for c, n in (("a", 5), ("b", 6), ("c", 7))]
    _feed(feed, rows)
    ingest([feed], settings)
    feed.write_text(json.dumps(rows[0]) + "\n{broken\n" + json.dumps(rows[2]) + "\n", encoding="utf-8")
    ingest([feed], settings)  # a line that cannot be read may be record b: b is kept
    assert set(_texts(settings)) == {"feed.jsonl#a", "feed.jsonl#b", "feed.jsonl#c"}
    _feed(feed, [rows[0], rows[2]])
    report = ingest([feed], settings)
    assert set(_texts(settings)) == {"feed.jsonl#a", "feed.jsonl#c"} and report.chunks_deleted == 1


def test_editing_one_of_two_files_with_one_text_keeps_the_other(tmp_path, settings):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a.txt", "b.txt"):
        (folder / name).write_text(f"Zorya drill\n\n{_article('Z', 11)}\n", encoding="utf-8")
    first = ingest([folder], settings)
    assert [s.reason for s in first.skipped] == ["same article as another file in this run"]
    (folder / "a.txt").write_text(f"Zorya drill\n\n{_article('Z', 12)}\n", encoding="utf-8")
    ingest([folder], settings)
    texts = _texts(settings)
    assert "12 days" in texts["a.txt"] and "11 days" in texts["b.txt"], texts


def test_a_renamed_file_is_cited_and_removed_by_its_new_name(tmp_path, settings):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "old.txt").write_text(f"Zorya drill\n\n{_article('Z', 11)}\n", encoding="utf-8")
    ingest([folder], settings)
    (folder / "old.txt").rename(folder / "new.txt")
    report = ingest([folder], settings)
    assert [s.source for s in list_sources(settings)] == ["new.txt"] and report.updated == ["new.txt"]
    answer = ask("How long did troops from Zland drill?", settings.with_overrides(extractive=True))
    assert {c.source for c in answer.citations} == {"new.txt"}
    assert len(remove_source("new.txt", settings)) == 1 and list_sources(settings) == []


def test_a_copy_elsewhere_of_an_indexed_file_is_still_a_duplicate(tmp_path, settings):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "one.txt").write_text(f"Zorya drill\n\n{_article('Z', 11)}\n", encoding="utf-8")
    shutil.copy(tmp_path / "a" / "one.txt", tmp_path / "b" / "two.txt")
    ingest([tmp_path / "a"], settings)
    report = ingest([tmp_path / "b"], settings)  # one.txt, not read this run, still holds the text
    assert [s.reason for s in report.skipped] == ["same article as one.txt, already indexed"]
    assert [s.source for s in list_sources(settings)] == ["one.txt"]


def test_an_index_rebuilt_where_another_was_does_not_meet_the_old_lexicon_cache(tmp_path):
    # separate processes, as a user rebuilds an index: one process cannot delete an index it has open
    index = ["--index-dir", str(tmp_path / "index")]
    for name, text in (("a.txt", _article("A", 5)), ("b.txt", "The frigate Kestrel sailed from Portsmouth to patrol the Baltic with Danish minehunters for three weeks.")):
        folder = tmp_path / name.removesuffix(".txt")
        folder.mkdir()
        (folder / name).write_text(f"Title {name}\n\n{text}\n", encoding="utf-8")
    assert run_qa(*index, "ingest", str(tmp_path / "a")).returncode == 0
    assert run_qa(*index, "ask", "Where did the exercise take place?").returncode == 0  # caches BM25
    shutil.rmtree(tmp_path / "index")
    assert run_qa(*index, "ingest", str(tmp_path / "b")).returncode == 0  # same revision and count
    out = run_qa(*index, "ask", "Kestrel", "--source", "b.txt", "--json")
    assert out.returncode == 0, out.stderr
    retrieved = json.loads(out.stdout)["retrieved"]
    assert retrieved and all("Kestrel" in r["text"] for r in retrieved)


def test_two_files_that_swap_texts_are_relabelled_and_a_stop_half_way_loses_neither(tmp_path, settings, monkeypatch):
    import qa.ingest.pipeline as pipeline

    folder = tmp_path / "in"
    folder.mkdir()
    a, b, c = folder / "a.txt", folder / "b.txt", folder / "c.txt"
    for path, letter in ((a, "A"), (b, "B"), (c, "C")):
        path.write_text(f"{letter} drill\n\n{_article(letter, 5)}\n", encoding="utf-8")
    ingest([folder], settings)
    texts_a, texts_b = a.read_text(encoding="utf-8"), b.read_text(encoding="utf-8")
    a.write_text(texts_b, encoding="utf-8")
    b.write_text(texts_a, encoding="utf-8")
    c.write_text(f"C drill\n\n{_article('C', 9)}\n", encoding="utf-8")  # something to embed

    def stop(self):  # Ctrl-C while the run embeds c.txt's new text
        if self.pending:
            raise KeyboardInterrupt

    with monkeypatch.context() as m:
        m.setattr(pipeline._Writer, "flush", stop)
        with pytest.raises(KeyboardInterrupt):
            ingest([folder], settings)
    held = " ".join(_texts(settings).values())
    assert "Aland" in held and "Bland" in held and "Cland" in held  # nothing any file holds was lost
    report = ingest([folder], settings)
    texts = _texts(settings)
    assert "Bland" in texts["a.txt"] and "Aland" in texts["b.txt"] and "9 days" in texts["c.txt"]
    assert report.chunks_moved == 2 and report.chunks_written == 1  # the swap relabelled, not re-embedded


def test_a_jsonl_line_inserted_at_the_top_relabels_every_record_and_embeds_only_the_new_one(tmp_path, settings):
    feed = tmp_path / "feed.jsonl"
    rows = [{"text": _article(c, n)} for c, n in (("A", 5), ("B", 6), ("C", 7), ("D", 8))]
    _feed(feed, rows)
    ingest([feed], settings)
    _feed(feed, [{"text": _article("N", 3)}, *rows])
    report = ingest([feed], settings)
    assert report.chunks_written == 1 and report.chunks_moved == 4 and report.chunks_deleted == 0
    texts = _texts(settings)
    assert "Nland" in texts["feed.jsonl#line1"] and "Dland" in texts["feed.jsonl#line5"]


def test_a_record_whose_title_or_date_changed_is_relabelled(tmp_path, settings):
    feed = tmp_path / "feed.jsonl"
    _feed(feed, [{"id": "draft-1", "title": "Draft", "date": "2014", "text": _article("A", 5)}])
    ingest([feed], settings)
    _feed(feed, [{"id": "draft-1", "title": "Aland drill ends", "date": "2016-03-02", "text": _article("A", 5)}])
    report = ingest([feed], settings)
    assert report.updated == ["feed.jsonl#draft-1"] and report.chunks_written == 0
    (source,) = list_sources(settings)
    assert (source.title, source.date, source.date_period) == ("Aland drill ends", "2016-03-02", None)
    answer = ask("How many days did troops from Aland drill?", settings.with_overrides(extractive=True), since="2016-01-01")
    assert [c.source for c in answer.citations][:1] == ["feed.jsonl#draft-1"]
    assert len(ingest([feed], settings).unchanged) == 1


def test_a_file_named_like_a_jsonl_record_is_not_one_of_its_records(tmp_path, settings):
    folder = tmp_path / "in"
    folder.mkdir()
    _feed(folder / "feed.jsonl", [{"id": "a", "text": _article("A", 5)}])
    (folder / "feed.jsonl#notes.txt").write_text(f"Notes\n\n{_article('N', 4)}\n", encoding="utf-8")
    ingest([folder], settings)
    report = ingest([folder / "feed.jsonl"], settings)
    assert report.chunks_deleted == 0 and set(_texts(settings)) == {"feed.jsonl#a", "feed.jsonl#notes.txt"}


def test_a_relabel_killed_half_way_leaves_no_cache_of_its_old_labels(tmp_path, settings, monkeypatch):
    from qa.retrieval.lexicon import get_lexicon
    from qa.storage.store import ChunkStore

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "old.txt").write_text(f"Zorya drill\n\n{_article('Z', 11)}\n", encoding="utf-8")
    ingest([folder], settings)
    (folder / "old.txt").rename(folder / "new.txt")
    relabel = ChunkStore.relabel_document

    def killed_after_the_update(self, doc_id, labels):
        # a reader builds the BM25 lexicon between the first bump and the update ...
        self.bump_revision(relabel_open=True)
        assert get_lexicon(open_store(settings)).sources == ["old.txt"]
        monkeypatch.setattr(ChunkStore, "bump_revision", lambda self, **kw: None)  # ... and no bump follows
        return relabel(self, doc_id, labels)

    monkeypatch.setattr(ChunkStore, "relabel_document", killed_after_the_update)
    ingest([folder], settings)
    monkeypatch.undo()
    assert get_lexicon(open_store(settings)).sources == ["new.txt"]  # no cache kept for the open relabel
    ingest([folder], settings)  # unchanged, yet it settles the mark
    assert open_store(settings).current_state()[2]
    answer = ask("How long did troops from Zland drill?", settings.with_overrides(extractive=True), source="new.txt")
    assert {c.source for c in answer.citations} == {"new.txt"}


def test_chunks_labelled_apart_by_a_relabel_killed_between_pages_are_relabelled_again(tmp_path, settings):
    folder = tmp_path / "in"
    folder.mkdir()
    long_text = " ".join(_article(c, 5) for c in "ABCDEFGHIJKL")
    (folder / "old.txt").write_text(f"Zorya drill\n\n{long_text}\n", encoding="utf-8")
    ingest([folder], settings)
    (folder / "old.txt").rename(folder / "new.txt")
    store = open_store(settings)
    ids = store.ids_where({"source": "old.txt"})
    assert len(ids) >= 3
    first_page = ids[: len(ids) // 2]  # a page of the relabel written, then the process killed
    new_path = str((folder / "new.txt").resolve())
    store.collection.update(ids=first_page, metadatas=[{"source": "new.txt", "source_key": new_path, "path": new_path}] * len(first_page))
    report = ingest([folder], settings)
    assert report.chunks_written == 0 and report.chunks_moved == len(ids)
    assert {meta["source"] for _i, meta, _d in open_store(settings).iter_records()} == {"new.txt"}


def test_a_copy_of_a_file_with_a_non_utf8_name_is_a_duplicate(tmp_path, settings):
    import os

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    odd = os.fsdecode(os.fsencode(str(tmp_path / "a")) + b"/caf\xe9.txt")
    with open(odd, "w", encoding="utf-8") as fh:
        fh.write(f"Zorya drill\n\n{_article('Z', 11)}\n")
    ingest([tmp_path / "a"], settings)
    shutil.copy(odd, tmp_path / "b" / "copy.txt")
    report = ingest([tmp_path / "b" / "copy.txt"], settings)
    assert [s.reason for s in report.skipped] == ["same article as caf\\xe9.txt, already indexed"]
    assert [s.source for s in list_sources(settings)] == ["caf\\xe9.txt"]


def test_prune_removes_only_documents_of_files_gone_from_the_folders_given(tmp_path, settings):
    folder, outside = tmp_path / "in", tmp_path / "out"
    (folder / "sub").mkdir(parents=True)
    outside.mkdir()
    for path, letter in ((folder / "a.txt", "A"), (folder / "sub" / "c.txt", "C"), (folder / "b.txt", "B"),
                         (folder / "e.txt", "E"), (outside / "d.txt", "D")):
        path.write_text(f"{letter} drill\n\n{_article(letter, 9)}\n", encoding="utf-8")
    _feed(folder / "feed.jsonl", [{"id": "f", "text": _article("F", 4)}, {"id": "g", "text": _article("G", 3)}])
    ingest([folder, outside], settings)
    for gone in (folder / "a.txt", folder / "sub" / "c.txt", folder / "feed.jsonl", outside / "d.txt"):
        gone.unlink()
    (folder / "b.txt").rename(folder / "b2.txt")  # renamed: relabelled, not pruned
    (folder / "e.txt").write_text("", encoding="utf-8")  # still on disk, skipped as empty: kept
    kept = ingest([folder], settings)
    assert kept.removed == [] and len(list_sources(settings)) == 7
    report = ingest([folder], settings, prune=True)
    assert sorted(report.removed) == ["a.txt", "c.txt", "feed.jsonl#f", "feed.jsonl#g"]
    assert sorted(s.source for s in list_sources(settings)) == ["b2.txt", "d.txt", "e.txt"]
    again = ingest([folder], settings, prune=True)
    assert again.removed == [] and again.chunks_deleted == 0
