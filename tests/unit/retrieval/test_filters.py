"""--source/--since/--until as a Chroma where clause and as a mask over the lexicon."""

from __future__ import annotations

import os
from datetime import date

import numpy as np
import pytest

from qa.errors import InputError
from qa.retrieval.filters import Filters, make_filters, resolve_sources
from qa.retrieval.lexicon import Lexicon


def _lexicon() -> Lexicon:
    return Lexicon(
        ids=["a:0", "a:1", "b:0", "c#2:0"],
        sources=["a.txt", "a.txt", "b.md", "c.jsonl#2"],
        paths=["/docs/a.txt", "/docs/a.txt", "/other/b.md", "/docs/c.jsonl"],
        source_keys=["/docs/a.txt", "/docs/a.txt", "/other/b.md", "/docs/c.jsonl#2"],
        date_ords=np.array([20210910, 20210910, 20230701, 0], dtype=np.int32),
        df={},
        revision=1,
        count=4,
    )


def test_no_filters():
    f = Filters()
    assert not f.active and f.where() is None
    assert f.mask(_lexicon()).all()


def test_where_clauses():
    assert Filters(since=20220101).where() == {
        "$or": [{"date_ord": {"$gte": 20220101}}, {"period_last_ord": {"$gte": 20220101}}]
    }
    assert Filters(("a.txt",), None, 20211231).where() == {
        "$and": [{"source": {"$in": ["a.txt"]}},
                 {"$or": [{"date_ord": {"$lte": 20211231}}, {"period_first_ord": {"$lte": 20211231}}]}]
    }
    both = Filters(since=20210101, until=20211231).where()
    assert both == {"$or": [
        {"$and": [{"date_ord": {"$gte": 20210101}}, {"date_ord": {"$lte": 20211231}}]},
        {"$and": [{"period_last_ord": {"$gte": 20210101}}, {"period_first_ord": {"$lte": 20211231}}]},
    ]}


def test_between_takes_dates():
    f = Filters.between(date(2021, 1, 1), date(2022, 12, 31))
    assert (f.since, f.until, f.sources) == (20210101, 20221231, None)
    assert Filters.between(None, None) == Filters()


def test_mask_on_the_lexicon():
    lex = _lexicon()
    assert Filters(since=20220101).mask(lex).tolist() == [False, False, True, False]
    # an undated article is outside any --until, but not outside an open range
    assert Filters(until=20221231).mask(lex).tolist() == [True, True, False, False]
    assert Filters(("c.jsonl#2",)).mask(lex).tolist() == [False, False, False, True]


def test_an_article_dated_by_a_period_is_kept_when_the_period_overlaps_the_bounds():
    lex = _lexicon()
    lex.period_first_ords = np.array([0, 0, 0, 20040101], dtype=np.int32)  # c: "2004/2005"
    lex.period_last_ords = np.array([0, 0, 0, 20051231], dtype=np.int32)
    assert Filters(since=20050601).mask(lex).tolist() == [True, True, True, True]
    assert Filters(since=20060101).mask(lex).tolist() == [True, True, True, False]
    assert Filters(until=20040131).mask(lex).tolist() == [False, False, False, True]
    assert Filters(until=20031231).mask(lex).tolist() == [False, False, False, False]
    assert Filters(since=20050101, until=20050201).mask(lex).tolist() == [False, False, False, True]


def test_resolve_sources_by_name_record_and_path():
    lex = _lexicon()
    assert resolve_sources("a.txt", lex) == ("a.txt",)
    assert resolve_sources("c.jsonl", lex) == ("c.jsonl#2",)  # a file's records
    assert resolve_sources("/docs/c.jsonl#2", lex) == ("c.jsonl#2",)
    assert resolve_sources("/other/b.md", lex) == ("b.md",)
    assert resolve_sources(os.path.join("elsewhere", "b.md"), lex) == ("b.md",)  # a path to the same name
    with pytest.raises(InputError, match="no indexed document"):
        resolve_sources("missing.txt", lex)


def test_make_filters_reads_flags():
    f = make_filters(_lexicon(), "a.txt", "2021", "2021-09")
    assert f == Filters(("a.txt",), 20210101, 20210930)
    with pytest.raises(InputError):
        make_filters(_lexicon(), None, "2023", "2022")
