"""Ingest into a real embedded Chroma index with the real bundled embedder."""

import json
import shutil
import subprocess
import sys

import pytest

from qa.api import list_sources, remove_source
from qa.config import load_settings
from qa.errors import EmbeddingMismatchError, IndexMissingError, InputError
from qa.ingest.pipeline import ingest
from qa.storage.store import open_store
from qa.text.spans import fold_ws
from tests.conftest import SEEDS, copy_seeds, run_main, run_qa

EXPECTED_META = {
    "doc_id", "source", "source_key", "path", "title", "chunk_index", "n_chunks",
    "char_start", "char_end", "n_tokens",
}


def _chunk_records(settings):
    return list(open_store(settings).iter_records(documents=True))


def test_seed_index_layout(seed_settings):
    records = _chunk_records(seed_settings)
    by_doc: dict[str, list] = {}
    for chunk_id, meta, text in records:
        assert EXPECTED_META <= set(meta), set(meta) ^ EXPECTED_META
        assert chunk_id == f"{meta['doc_id']}-{meta['chunk_index']:04d}"
        by_doc.setdefault(meta["doc_id"], []).append((meta, text))
    assert len(by_doc) == 2
    for chunks in by_doc.values():
        metas = sorted(chunks, key=lambda mt: mt[0]["chunk_index"])
        assert [m["chunk_index"] for m, _ in metas] == list(range(len(metas)))
        assert all(m["n_chunks"] == len(metas) for m, _ in metas)
        original = fold_ws((SEEDS / metas[0][0]["source"]).read_text(encoding="utf-8"))
        for meta, text in metas:
            assert meta["char_end"] - meta["char_start"] == len(text)
            assert fold_ws(text) in original or all(
                fold_ws(part) in original for part in text.split("\n") if part.strip()
            )
            assert "Leave a Reply" not in text and "Disclaimer" not in text


def test_collection_records_the_embedding_model(seed_settings):
    store = open_store(seed_settings)
    meta = store.collection.metadata
    assert meta["embedding_model"] == "sentence-transformers/all-MiniLM-L6-v2"
    assert meta["chunk_size"] == seed_settings.chunking.size
    assert store.collection.configuration["embedding_function"] is None


def test_sources_list_titles_and_counts(seed_settings):
    sources = list_sources(seed_settings)
    assert {s.source for s in sources} == {"000_52ce17c5f8e0b379.txt", "001_387894d00310cf98.txt"}
    titles = {s.source: s.title for s in sources}
    assert titles["001_387894d00310cf98.txt"] == "China to participate in joint military exercises in Russia"
    assert all(s.chunks >= 1 for s in sources)


def test_reingest_unchanged_writes_nothing(tmp_path, settings):
    folder = copy_seeds(tmp_path / "articles")
    first = ingest([folder], settings)
    assert len(first.added) == 2 and first.chunks_written > 0
    before = {i for i, _m, _t in _chunk_records(settings)}
    revision = open_store(settings).revision
    second = ingest([folder], settings)
    assert second.chunks_written == 0 and second.chunks_deleted == 0
    assert len(second.unchanged) == 2 and not second.added and not second.updated
    assert {i for i, _m, _t in _chunk_records(settings)} == before
    assert open_store(settings).revision == revision


def test_changed_file_replaces_its_chunks(tmp_path, settings):
    folder = copy_seeds(tmp_path / "articles")
    ingest([folder], settings)
    target = folder / "001_387894d00310cf98.txt"
    old_doc = {m["doc_id"] for _i, m, _t in _chunk_records(settings) if m["source"] == target.name}
    target.write_text(target.read_text(encoding="utf-8") + "\nThe exercise will involve 50,000 troops.\n", encoding="utf-8")
    report = ingest([folder], settings)
    assert report.updated == [target.name] and len(report.unchanged) == 1
    records = _chunk_records(settings)
    docs = {m["doc_id"] for _i, m, _t in records if m["source"] == target.name}
    assert len(docs) == 1 and docs.isdisjoint(old_doc)
    assert any("50,000 troops" in t for _i, _m, t in records)
    assert len(list_sources(settings)) == 2


def test_same_article_under_two_names_is_stored_once(tmp_path, settings):
    folder = copy_seeds(tmp_path / "articles")
    shutil.copy(folder / "000_52ce17c5f8e0b379.txt", folder / "copy-of-belarus.txt")
    report = ingest([folder], settings)
    assert len(report.added) == 2
    assert any("same article" in s.reason for s in report.skipped)
    assert len(list_sources(settings)) == 2
    again = ingest([folder], settings)
    assert again.chunks_written == 0


def test_missing_path_changes_nothing(tmp_path, settings):
    folder = copy_seeds(tmp_path / "articles")
    ingest([folder], settings)
    before = sorted(i for i, _m, _t in _chunk_records(settings))
    with pytest.raises(InputError, match="no such file"):
        ingest([folder, tmp_path / "nope"], settings)
    assert sorted(i for i, _m, _t in _chunk_records(settings)) == before


def test_binary_empty_and_unsupported_files_are_skipped_and_the_rest_goes_on(tmp_path, settings):
    folder = copy_seeds(tmp_path / "articles")
    (folder / "blob.txt").write_bytes(bytes(range(256)) * 20)
    (folder / "empty.md").write_text("   \n\n", encoding="utf-8")
    (folder / "only-junk.txt").write_text("Leave a Reply\nYour email address will not be published.\n", encoding="utf-8")
    (folder / "image.png").write_bytes(b"\x89PNG\r\n")
    report = ingest([folder], settings)
    reasons = {s.path.split("/")[-1]: s.reason for s in report.skipped}
    assert "binary" in reasons["blob.txt"]
    assert "empty" in reasons["empty.md"]
    assert "no article text" in reasons["only-junk.txt"]
    assert "image.png" not in reasons  # unsupported files inside a folder are not articles
    assert len(report.added) == 2


def test_cp1252_file_keeps_accents(tmp_path, settings):
    f = tmp_path / "legacy.txt"
    f.write_bytes("Troops met at the café in Brest before the drills began.\n".encode("cp1252"))
    ingest([f], settings)
    (_, meta, text), = _chunk_records(settings)
    assert "café" in text


def test_html_and_jsonl_inputs(tmp_path, settings):
    html = tmp_path / "drills.html"
    html.write_text(
        "<html><head><title>Navies drill in the Baltic</title>"
        '<meta property="article:published_time" content="2024-06-03"></head><body>'
        "<nav>Home | World | Leave a Reply</nav><article><h1>Navies drill in the Baltic</h1>"
        "<p>Ships from eleven nations began the Baltops exercise in the Baltic Sea on Monday, "
        "the alliance said in a statement.</p><p>The drills will last two weeks and include mine "
        "clearing near the coast of Sweden, officials said on Sunday.</p></article>"
        "<footer>Copyright 2024 Example News. All rights reserved.</footer></body></html>",
        encoding="utf-8",
    )
    jl = tmp_path / "feed.jsonl"
    rows = [
        {"id": "a1", "title": "Troops arrive for drills", "text": "Troops arrived in Latvia for drills.", "date": "2024-05-01"},
        "this line is not json",
        {"id": "a2", "title": "No text"},
        {"id": "a3", "title": "Ships sail", "text": "Ships sailed from Kiel for the exercise.", "source": "Example Wire"},
    ]
    jl.write_text("\n".join(json.dumps(r) if isinstance(r, dict) else r for r in rows) + "\n", encoding="utf-8")
    calls = []
    report = ingest([html, jl], settings, progress=lambda done, total, name: calls.append((done, total)))
    assert sorted(report.added) == ["drills.html", "feed.jsonl#a1", "feed.jsonl#a3"]
    # Progress counts articles (1 HTML + 4 JSONL lines), not files, and only moves forward.
    assert {total for _d, total in calls} == {5}
    assert [d for d, _t in calls] == sorted(d for d, _t in calls) and calls[-1] == (5, 5)
    assert len({d for d, _t in calls}) == 6
    reasons = [s.reason for s in report.skipped]
    assert any("invalid JSON" in r for r in reasons) and any("'text'" in r for r in reasons)
    sources = {s.source: s for s in list_sources(settings)}
    assert sources["drills.html"].title == "Navies drill in the Baltic"
    assert sources["drills.html"].date == "2024-06-03"
    assert sources["feed.jsonl#a1"].date == "2024-05-01"
    texts = " ".join(t for _i, _m, t in _chunk_records(settings))
    assert "All rights reserved" not in texts and "Home | World" not in texts


def test_remove_one_document(tmp_path, settings):
    folder = copy_seeds(tmp_path / "articles")
    ingest([folder], settings)
    removed = remove_source("000_52ce17c5f8e0b379.txt", settings)
    assert removed == ["000_52ce17c5f8e0b379.txt"]
    assert [s.source for s in list_sources(settings)] == ["001_387894d00310cf98.txt"]
    with pytest.raises(InputError, match="no indexed document"):
        remove_source("does-not-exist.txt", settings)
    # Re-ingesting brings it back.
    assert len(ingest([folder], settings).added) == 1


def test_a_name_two_files_share_removes_neither(tmp_path, settings):
    for folder, text in (("d1", "Troops drilled near Brest on Monday."), ("d2", "Ships sailed into the Baltic on Friday.")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "same.txt").write_text(f"Title {folder}\n\n{text}\n", encoding="utf-8")
    ingest([tmp_path / "d1", tmp_path / "d2"], settings)
    with pytest.raises(InputError, match="names 2 different files"):
        remove_source("same.txt", settings)
    assert len(list_sources(settings)) == 2  # nothing removed
    # the path says which
    assert remove_source(str(tmp_path / "d1" / "same.txt"), settings) == ["same.txt"]
    assert [s.path for s in list_sources(settings)] == [str((tmp_path / "d2" / "same.txt").resolve())]


def test_reading_a_missing_index_is_a_clear_error(settings):
    with pytest.raises(IndexMissingError, match="qa ingest"):
        list_sources(settings)
    assert not settings.index.index_dir.exists()


def test_other_chunking_or_model_is_a_clear_error(tmp_path, settings):
    ingest([SEEDS], settings)
    other = load_settings(index_dir=settings.index.index_dir, chunk_size=settings.chunking.size + 40)
    with pytest.raises(EmbeddingMismatchError, match="chunks"):
        list_sources(other)
    # A collection of our name that records another model is refused, not read as garbage.
    collection = open_store(settings).collection
    collection.modify(metadata={**collection.metadata, "embedding_model": "other/model"})
    with pytest.raises(EmbeddingMismatchError, match="other/model"):
        list_sources(settings)


@pytest.mark.corpus
def test_bbc_subset_ingests_once(bbc_path, tmp_path, settings):
    subset = tmp_path / "bbc-sample.jsonl"
    with bbc_path.open(encoding="utf-8") as src:
        lines = [ln for i, ln in enumerate(src) if i % 16 == 0]
    subset.write_text("".join(lines), encoding="utf-8")
    report = ingest([subset, SEEDS], settings)
    assert len(report.added) + len(report.skipped) == len(lines) + 2
    # The BBC set repeats a few stories verbatim under other ids: those are stored once.
    assert all("same article" in s.reason for s in report.skipped)
    assert len(report.added) >= len(lines) - 5
    sources = list_sources(settings)
    assert len(sources) == len(report.added)
    assert all(s.title for s in sources)
    assert ingest([subset, SEEDS], settings).chunks_written == 0


# A process killed (os._exit: no cleanup, like kill -9) right after one of the store's writes.
_KILL_AFTER = """
import os, sys
from qa.storage.store import ChunkStore
real = ChunkStore.{method}
def write_then_die(self, *args, **kwargs):
    result = real(self, *args, **kwargs)
    if {condition}:
        os._exit(9)
    return result
ChunkStore.{method} = write_then_die
from qa.cli.main import main
main(sys.argv[1:])
"""


def _feed(path, second_date: str, second_text: str) -> None:
    rows = [
        {"id": "a1", "title": "Troops arrive for drills", "date": "2024-01-10",
         "text": "Troops arrived in Latvia for winter drills with the Baltic states."},
        {"id": "a2", "title": "Norway sends a frigate", "date": second_date, "text": second_text},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


@pytest.mark.slow  # a process killed mid-ingest, then a console ask
@pytest.mark.parametrize(
    ("method", "condition"),
    [
        ("delete_ids", "result"),  # the new version in, the old one out, the run's revision bump not yet made
        ("_upsert", "True"),  # the new version in, the old one still there
    ],
)
def test_a_kill_between_the_chunk_writes_and_the_revision_bump_leaves_no_stale_cache(tmp_path, settings, method, condition):
    """Issue 13 #5: killed after its writes and before the revision bump, an ingest left the
    revision and count of the state the BM25 cache was built for; the re-run found everything
    unchanged, wrote nothing, and `qa ask --since` kept missing the updated article."""
    from qa.api import ask
    from qa.retrieval.lexicon import get_lexicon

    feed = tmp_path / "feed.jsonl"
    _feed(feed, "2024-01-12", "The navy said a patrol boat would visit Tromso in the spring.")
    ingest([feed], settings)
    before = ask("Which frigate did Norway send to Cold Response?", settings, since="2024-06-01")
    assert not before.citations  # nothing that recent yet; the BM25 cache of this state is saved

    _feed(feed, "2024-07-01", "Norway sent the frigate Fridtjof Nansen to the Cold Response exercise in the Arctic.")
    script = _KILL_AFTER.format(method=method, condition=condition)
    killed = subprocess.run([sys.executable, "-c", script, "ingest", str(feed)], capture_output=True, text=True, timeout=300)
    assert killed.returncode == 9, killed.stderr
    assert any("Fridtjof Nansen" in t for _i, _m, t in _chunk_records(settings))  # killed after writing

    ingest([feed], settings)  # the re-run: finds the new version already in, at most clears the old
    store = open_store(settings)
    assert set(get_lexicon(store).ids) == {i for i, _m, _t in store.iter_records()}
    fresh = run_qa("ask", "Which frigate did Norway send to Cold Response?", "--since", "2024-06-01", "--json")
    assert fresh.returncode == 0, fresh.stderr
    assert [c["source"] for c in json.loads(fresh.stdout)["citations"]] == ["feed.jsonl#a2"]


def test_remove_on_a_missing_index_creates_nothing(tmp_path, settings, capsys):
    """Issue 13 #7: `qa remove` on a missing index created the index folder and a lock file."""
    with pytest.raises(InputError, match="nothing to remove: no index at"):
        remove_source("x.txt", settings)
    code, out, err = run_main(capsys, "--index-dir", str(settings.index.index_dir), "remove", "x.txt")
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1 and "no index at" in err
    assert not settings.index.index_dir.exists()


def test_a_local_backend_with_another_model_is_one_line(tmp_path, settings, capsys, monkeypatch):
    """Issue 13 #7: QA_EMBEDDING_MODEL naming another model was silently ignored by the local
    backend, and the mismatch error then named the bundled model twice."""
    ingest([SEEDS], settings)
    monkeypatch.setenv("QA_EMBEDDING_MODEL", "BAAI/bge-small-en-v1.5")
    for args in (("sources",), ("ingest", str(SEEDS)), ("ask", "Who?")):
        code, out, err = run_main(capsys, *args)
        assert code == 2 and out == "" and len(err.strip().splitlines()) == 1, (args, err)
        assert "only the bundled model sentence-transformers/all-MiniLM-L6-v2" in err
        assert "'BAAI/bge-small-en-v1.5'" in err
