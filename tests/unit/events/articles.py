"""Articles built by hand for the unit tests: one chunk per article, sentences as the index
would give them, no model and no index."""

from __future__ import annotations

from qa.models import StoredChunk
from qa.retrieval.articles import Article, Sentence
from qa.text.spans import sentence_spans


def article(text: str, *, date: str | None = "2024-03-02", source: str = "a.txt", doc_id: str = "doc-a") -> Article:
    chunk = StoredChunk(f"{doc_id}-0", doc_id, text, source, f"Title of {source}", f"/corpus/{source}", 0, 0, len(text), date)
    sentences = [Sentence(s.text, s.start, s.end, chunk, s, i) for i, s in enumerate(sentence_spans(text))]
    return Article(doc_id, source, chunk.title, chunk.path, date, text, [chunk], sentences)


def sentence(text: str, **kw) -> tuple[Sentence, Article]:
    """The one sentence of a one-sentence article, and the article."""
    art = article(text, **kw)
    assert len(art.sentences) == 1, art.sentences
    return art.sentences[0], art
