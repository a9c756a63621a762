"""The library API: the whole surface the CLI calls, and what a notebook or a server calls the same way.

    from qa import api
    from qa.config import load_settings

    settings = load_settings(index_dir="index")
    api.ingest(["seeds/"], settings)
    answer = api.ask("How long will the China-Belarus exercise last?", settings)
    print(answer.answer, [c.quote for c in answer.citations])

Every function takes a ``Settings``; LLM mode is used when the settings configure an LLM and do not
ask for ``extractive``. Errors the user can fix are ``qa.errors.QAError`` subclasses with a
one-line message. Stages are imported inside the functions, so importing this module is cheap.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from qa.config import Settings
from qa.errors import InputError
from qa.models import IngestReport, SourceInfo

if TYPE_CHECKING:
    from qa.answering.answer import Answer
    from qa.brief.compose import Briefing
    from qa.evaluation.events_matching import EventsEvalReport
    from qa.evaluation.questions import EvalReport
    from qa.events.record import Event
    from qa.events.relations import Relation
    from qa.ingest.pipeline import Progress

__all__ = [
    "ingest", "list_sources", "remove_source", "open_store",
    "ask", "events", "relations", "relation_sources", "brief", "brief_html", "check_question_file", "check_scorable", "evaluate",
    "llm_in_use", "offline_notice", "answer_sentinel",
]


def ingest(
    paths: list[str | Path],
    settings: Settings,
    *,
    progress: Progress | None = None,
    on_wait: Callable[[Path], None] | None = None,
    prune: bool = False,
) -> IngestReport:
    """Load, clean, chunk, embed and store ``paths`` (files or folders); unchanged content is a no-op.

    ``progress(done, total, name)`` is called as articles are indexed; ``on_wait(lock_path)`` when
    another writer holds the index and this one waits. ``prune`` also removes the documents of
    files under the given folders that are gone from disk."""
    from qa.ingest.pipeline import ingest as run_ingest

    return run_ingest(paths, settings, progress=progress, on_wait=on_wait, prune=prune)


def open_store(settings: Settings):
    """The existing index, for reading; a clear error when it is missing or built with another model."""
    from qa.storage.store import open_store as open_existing

    return open_existing(settings)


def list_sources(settings: Settings) -> list[SourceInfo]:
    return open_store(settings).sources()


def remove_source(selector: str, settings: Settings, *, on_wait: Callable[[Path], None] | None = None) -> list[str]:
    """Remove the document (or the records of one JSONL file) whose id, file name, source or
    path matches ``selector``; a name that several files share is an ``InputError``.
    ``on_wait(lock_path)`` is called when another process is writing and this one waits."""
    from qa.errors import IndexMissingError
    from qa.storage.locks import write_lock

    # The index must exist before the lock is taken: taking it would create the index folder.
    try:
        store = open_store(settings)
    except IndexMissingError as exc:
        raise InputError(f"nothing to remove: {exc}") from None
    try:
        with write_lock(settings, on_wait=on_wait):
            resolved = str(Path(selector).resolve())
            matches = [
                s
                for s in store.sources()
                if selector in (s.doc_id, s.source, s.source_key)
                or s.source.split("#")[0] == selector
                or s.source_key == resolved
                or s.source_key.startswith(resolved + "#")
            ]
            if not matches:
                raise InputError(f"no indexed document matches {selector!r} (see 'qa sources')")
            files = sorted({s.source_key.split("#", 1)[0] for s in matches})
            if len(files) > 1:
                # one name for several files ("same.txt" in two folders): removing all would
                # delete documents the user did not mean; the path says which
                shown = ", ".join(files[:3]) + (f" and {len(files) - 3} more" if len(files) > 3 else "")
                raise InputError(f"{selector!r} names {len(files)} different files ({shown}): give the path of the one to remove")
            for s in matches:
                store.delete_ids(store.ids_where({"doc_id": s.doc_id}))
            store.bump_revision()
    finally:
        store.close()
    return [s.source for s in matches]


def _llm(settings: Settings):
    from qa.llm.chat import get_llm

    return get_llm(settings)


def llm_in_use(settings: Settings) -> bool:
    """Whether commands run in LLM mode with these settings (configured and not ``extractive``)."""
    return settings.use_llm


def offline_notice(settings: Settings) -> str:
    """The one-line note shown when a command runs extractively, saying why."""
    from qa.llm.chat import OFFLINE_NOTICE

    if settings.llm.configured:
        return "note: extractive mode (--extractive): sentences quoted from the articles, no LLM."
    return OFFLINE_NOTICE


def answer_sentinel() -> str:
    """The one "cannot answer" sentence, as a streaming display needs to recognise it."""
    from qa.answering.answer import SENTINEL

    return SENTINEL


def ask(
    question: str,
    settings: Settings,
    *,
    k: int | None = None,
    source: str | None = None,
    since: str | None = None,
    until: str | None = None,
    on_token: Callable[[str], None] | None = None,
    on_restart: Callable[[], None] | None = None,
) -> Answer:
    """Answer ``question`` from the index, every claim cited, or abstain with the reason."""
    from qa.answering.answer import answer_question

    llm = _llm(settings)
    return answer_question(
        question, settings, k=k, source=source, since=since, until=until,
        extractive=llm is None, llm=llm, on_token=on_token, on_restart=on_restart,
    )


def events(
    settings: Settings, *, topic: str | None = None, since: str | None = None, until: str | None = None
) -> list[Event]:
    """Exercises, alliances and deployments in the index (or about ``topic``), as cited records."""
    from qa.events.extract import extract_events

    return extract_events(settings, topic=topic, since=since, until=until, llm=_llm(settings))


def relations(events: list[Event]) -> list[Relation]:
    """Who with whom in ``events`` (from ``events()``): pairs of countries and organisations that
    exercised or aligned together (undirected) or deployed to one another (directed), with the
    number of records, dates, record names and citation numbers; most records first."""
    from qa.events.relations import relations as pairs

    return pairs(events)


def relation_sources(relations: list[Relation], events: list[Event]):
    """The citations (``qa.models.Citation``) that ``relations`` refer to, numbered as in ``events``."""
    from qa.events.relations import cited_sources

    return cited_sources(relations, events)


def brief(
    settings: Settings, *, topic: str | None = None, since: str | None = None, until: str | None = None
) -> Briefing:
    """A cited briefing over the index (or about ``topic``)."""
    from qa.brief.compose import write_briefing

    return write_briefing(settings, topic=topic, since=since, until=until, llm=_llm(settings))


def brief_html(briefing: Briefing, settings: Settings) -> str:
    """One self-contained HTML page of ``briefing`` (each [n] opens its quoted passage)."""
    from qa.brief.html import briefing_html

    return briefing_html(briefing, settings)


def check_question_file(path: str | Path, *, k: int | None = None) -> None:
    """Validate a ``qa eval`` file (a JSONL question set or a JSON events gold file) and the
    options for it; raises ``InputError`` naming the bad line or record."""
    from qa.evaluation.events_gold import is_events_gold_file, load_gold
    from qa.evaluation.questions import load_questions

    if is_events_gold_file(path):
        if k is not None:  # the extractor reads whole articles, so k would be silently ignored
            raise InputError("--k sets the chunks retrieved per question; an events gold file has no questions")
        load_gold(path)
    else:
        load_questions(path)


def check_scorable(path: str | Path, settings: Settings) -> int:
    """How many items of a valid ``qa eval`` file can be scored against the index: its questions,
    or the gold articles of an events gold file that are indexed. Raises ``NothingToScoreError``
    when none can (no gold article indexed; no article a question expects; no document at all),
    as a run would only report empty or meaningless scores."""
    from qa.errors import NothingToScoreError
    from qa.evaluation.events_gold import gold_id_of_source, is_events_gold_file, load_gold
    from qa.evaluation.questions import load_questions, matches_source
    from qa.storage.chroma import where_location

    store = open_store(settings)
    try:
        indexed = store.sources()
    finally:
        store.close()
    where = where_location(settings)
    if not indexed:
        raise NothingToScoreError(f"nothing to score: the index at {where} holds no documents (run 'qa ingest PATH' first)")
    if is_events_gold_file(path):
        gold = {a.id for a in load_gold(path)}
        ids = {gold_id_of_source(s.source) for s in indexed}
        present = len(gold & ids)
        if not present:
            raise NothingToScoreError(
                f"nothing to score: none of the {len(gold)} gold articles of {path} is indexed in {where} "
                "(ingest them first; gold ids are file names without extension or JSONL record ids)"
            )
        return present
    questions = load_questions(path)
    expected = sorted({name for q in questions if q.answerable for name in q.sources})
    if expected and not any(matches_source(s.source, s.path, expected) for s in indexed):
        raise NothingToScoreError(
            f"nothing to score: none of the {len(expected)} articles that {path} expects "
            f"(e.g. {expected[0]}) is indexed in {where}; ingest them first"
        )
    return len(questions)


def evaluate(
    path: str | Path,
    settings: Settings,
    *,
    k: int | None = None,
    on_item: Callable | None = None,
    on_article: Callable[[str], None] | None = None,
) -> EvalReport | EventsEvalReport:
    """Run a question set (accuracy, abstention, retrieval hit@k, quotes, latency, coverage by
    confidence) or score the event extractor (the LLM's when one is configured) against an events gold file (per kind
    precision, recall, F1 and participant overlap)."""
    from qa.evaluation.events_gold import evaluate_events, is_events_gold_file
    from qa.evaluation.questions import run_eval

    llm = _llm(settings)
    if is_events_gold_file(path):
        check_question_file(path, k=k)
        return evaluate_events(path, settings, on_article=on_article, llm=llm)
    return run_eval(path, settings, k=k, extractive=llm is None, llm=llm, on_item=on_item)
