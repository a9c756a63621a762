"""Chunks: token-bounded, on sentence boundaries, exact spans, within the embedder's 256 word pieces."""


import pytest

from qa.ingest.chunk import chunk_document
from qa.ingest.clean import clean_article
from qa.ingest.load import read_file
from qa.text.spans import sentence_spans
from qa.text.tokens import count_tokens
from tests.conftest import SEEDS


def _model_tokenizer():
    """The model's own tokenizer through transformers, independent of qa's word-piece counter."""
    from transformers import AutoTokenizer

    from qa.storage.local_model import local_model_dir

    return AutoTokenizer.from_pretrained(str(local_model_dir()), local_files_only=True)


def _docs(paths):
    for p in paths:
        for raw in read_file(p):
            yield clean_article(raw)


def test_chunks_are_exact_spans_in_order_with_overlap():
    for doc in _docs(sorted(SEEDS.glob("*.txt"))):
        chunks = chunk_document(doc, 160, 32)
        assert len(chunks) >= 2
        assert chunks[0].char_start == 0
        assert chunks[-1].char_end == len(doc.text.rstrip())
        for prev, cur in zip(chunks, chunks[1:], strict=False):
            assert cur.char_start > prev.char_start
            assert cur.char_start <= prev.char_end + 2  # contiguous or overlapping
        for c in chunks:
            assert doc.text[c.char_start : c.char_end] == c.text
            assert c.n_tokens <= 160 or len(sentence_spans(c.text)) == 1
            assert c.chunk_id == f"{doc.doc_id}-{c.index:04d}"


def test_chunk_boundaries_fall_on_sentences():
    doc = next(_docs([SEEDS / "000_52ce17c5f8e0b379.txt"]))
    starts = {s.start for s in sentence_spans(doc.text)}
    ends = {s.end for s in sentence_spans(doc.text)}
    for c in chunk_document(doc, 160, 32):
        assert c.char_start in starts and c.char_end in ends


def test_a_sentence_longer_than_the_budget_is_split_at_words(tmp_path):
    from qa.models import RawArticle

    long_sentence = " ".join(f"word{i}" for i in range(600)) + "."
    doc = clean_article(RawArticle("k", tmp_path / "l.txt", "l.txt", long_sentence))
    chunks = chunk_document(doc, 100, 20)
    assert len(chunks) > 3
    assert all(count_tokens(c.text) <= 100 for c in chunks)


def test_embedder_limit_is_enforced_even_with_a_large_token_budget():
    from qa.storage.local_model import WordPieceCounter, local_model_dir

    counter = WordPieceCounter(local_model_dir(), 256)
    doc = next(_docs([SEEDS / "000_52ce17c5f8e0b379.txt"]))
    chunks = chunk_document(doc, 1000, 0, fits=counter.fits)
    tok = _model_tokenizer()
    assert len(chunks) >= 2, "a 1000-token budget must still be cut to the model's 256 word pieces"
    for c in chunks:
        assert len(tok(c.text)["input_ids"]) <= 256


@pytest.mark.corpus
def test_no_bbc_chunk_exceeds_256_word_pieces(bbc_path, tmp_path):
    """Across many real articles, with the default settings, every chunk fits the model."""
    from qa.config import load_settings
    from qa.storage.local_model import WordPieceCounter, local_model_dir

    settings = load_settings()
    counter = WordPieceCounter(local_model_dir(), 256)
    tok = _model_tokenizer()
    sample = tmp_path / "sample.jsonl"
    with bbc_path.open(encoding="utf-8") as src, sample.open("w", encoding="utf-8") as dst:
        for i, line in enumerate(src):
            if i % 5 == 0:
                dst.write(line)
    worst = 0
    n = 0
    for doc in _docs([sample]):
        for c in chunk_document(doc, settings.chunking.size, settings.chunking.overlap, fits=counter.fits):
            worst = max(worst, len(tok(c.text)["input_ids"]))
            n += 1
    assert n > 1000
    assert worst <= 256, worst
