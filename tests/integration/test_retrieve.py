"""Hybrid retrieval: filters, exact terms, the BM25 cache kept in step with the index."""

from __future__ import annotations

import json

import pytest

from qa.answering.matching import term_in
from qa.api import open_store
from qa.config import load_settings
from qa.ingest.pipeline import ingest
from qa.retrieval.hybrid import diversify as mmr
from qa.retrieval.hybrid import retrieve
from qa.retrieval.lexicon import LEXICON_FORMAT, cache_dir_for, get_lexicon
from qa.retrieval.question import analyse
from qa.text.terms import fold_spelling, lex_terms, stem


def test_lex_terms_keep_names_and_numbers_whole():
    toks = lex_terms("The 11-day drills; China’s Y-20 landed.")
    assert {"11-day", "11", "day", "y-20", "20", "china", "drill", "land"} <= set(toks)


@pytest.mark.parametrize(
    ("british", "american"),
    [("manoeuvres", "maneuvers"), ("manoeuvred", "maneuvered"), ("defence", "defense"), ("mobilised", "mobilized"),
     ("organisation", "organization"), ("centre", "center"), ("theatre", "theater"), ("armoured", "armored"),
     ("analysed", "analyzed"), ("catalogue", "catalog")],
)
def test_british_and_american_spellings_meet(british, american):
    assert stem(british) == stem(american)
    assert lex_terms(f"NATO {british}") == lex_terms(f"NATO {american}")


def test_spelling_folding_leaves_other_words_apart():
    for word in ("four", "hour", "tour", "genre", "acre", "size", "rise", "raise", "sense", "league"):
        assert fold_spelling(word) == word
    assert stem("exercise") == stem("exercises") == stem("exercised")
    assert len({stem(w) for w in ("four", "for", "hour", "tour", "defence", "fence", "prise", "prize")}) == 8


def test_how_quickly_expects_a_duration():
    assert analyse("How quickly can the maps be produced?").expects == "duration"


def test_question_analysis():
    info = analyse('How many soldiers did China send to "Brest"?')
    assert info.expects == "number" and info.counted == "soldiers"
    kinds = {t.text: t.kind for t in info.terms}
    assert kinds["china"] == "name" and kinds["brest"] == "quoted"
    assert analyse("Which city hosts the drills?").focus == ("city",)
    assert analyse("When is Vostok?").expects == "date"
    chinese = next(t for t in analyse("Did China act?").terms if t.text == "china")
    assert term_in(chinese, "Chinese soldiers landed")


def test_exact_term_pulls_its_passage_up(seed_settings):
    r = retrieve("Y-20", seed_settings, k=1)
    assert "Y-20" in r.chunks[0].text
    r = retrieve("Baranovichi", seed_settings, k=1)
    assert "Baranovichi" in r.chunks[0].text


def test_k_and_source_filter(seed_settings):
    r = retrieve("Chinese troops in Russia", seed_settings, k=2)
    assert len(r.chunks) == 2
    path = next(c.path for c in r.chunks)
    r2 = retrieve("Chinese troops", seed_settings, k=10, source=path)  # a path works too
    assert r2.chunks and {c.path for c in r2.chunks} == {path}


def test_mmr_skips_near_duplicates():
    import numpy as np

    a = np.array([1.0, 0.0], dtype=np.float32)
    b = np.array([0.0, 1.0], dtype=np.float32)
    emb = {"a": a, "a2": a, "b": b}
    assert mmr(["a", "a2", "b"], {"a": 1.0, "a2": 0.99, "b": 0.5}, emb, 2) == ["a", "b"]


def _dated_article(folder, name, date, text):
    folder.mkdir(parents=True, exist_ok=True)
    rows = [{"id": name, "title": f"Drills {name}", "date": date, "text": text}]
    (folder / f"{name}.jsonl").write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")


def test_date_filters_and_cache_follows_the_index(tmp_path, session_cache):
    """--since/--until on article dates; after every ingest/remove the BM25 cache is rebuilt."""
    from qa.api import remove_source

    s = load_settings(index_dir=tmp_path / "idx", cache_dir=session_cache)
    docs = tmp_path / "docs"
    _dated_article(docs, "old", "2021-09-10", "The Zapad-2021 exercise involved 200,000 troops in Belarus and Russia.")
    _dated_article(docs, "new", "2023-07-01", "Polish troops moved to the border as Wagner fighters arrived in Belarus.")
    ingest([docs], s)
    store = open_store(s)
    first = get_lexicon(store)
    assert first.count == store.count()

    r = retrieve("Zapad troops", s, k=5, since="2022")
    assert r.chunks and all(c.date >= "2022-01-01" for c in r.chunks)
    r = retrieve("troops", s, k=5, until="2021-12")
    assert r.chunks and all(c.date <= "2021-12-31" for c in r.chunks)
    r = retrieve("troops", s, k=5, since="2030")
    assert r.chunks == []

    # a new article becomes searchable at once (revision bumped -> new cache)
    _dated_article(docs, "later", "2024-01-02", "Kaliningrad hosted the Iskander deployment drills.")
    ingest([docs], s)
    r = retrieve("Iskander Kaliningrad", s, k=1)
    assert "Iskander" in r.chunks[0].text
    lex = get_lexicon(open_store(s))
    assert lex.revision > first.revision and "iskand" in lex.df
    folders = [p.name for p in cache_dir_for(open_store(s)).iterdir() if not p.name.startswith(".")]
    assert folders == [f"r{lex.revision}-n{lex.count}-v{LEXICON_FORMAT}"]  # older states were deleted

    # removing it takes it out of BM25 too
    remove_source("later.jsonl", s)
    assert "iskand" not in get_lexicon(open_store(s)).df


def test_cache_survives_a_new_process_state(seed_settings):
    """The on-disk cache is reused (same revision) and gives the same ranking."""
    import qa.retrieval.lexicon as R

    r1 = retrieve("Chubby Girl airlifter", seed_settings, k=3)
    R._memory.clear()
    r2 = retrieve("Chubby Girl airlifter", seed_settings, k=3)
    assert [c.chunk_id for c in r1.chunks] == [c.chunk_id for c in r2.chunks]

