"""Ingest: load -> clean -> chunk -> embed -> store, incremental and safe to interrupt.

Each document's chunks are written in one upsert with ids derived from its content hash, and
a document's stale chunks are deleted only after its new ones are in. So a ``kill -9`` at any
point leaves either the old or the new version (plus, at worst, leftovers that the next run
of the same command detects by chunk count and clears).

A text is stored once, owned by one input (a file, or a JSONL record keyed by its id or line).
A text that an input of this run holds is never dropped as another input's old version, and
one owned by an input that no longer holds it is relabelled at the end of the run (``finish``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from qa.config import IngestSettings, Settings
from qa.ingest.chunk import chunk_document
from qa.ingest.clean import clean_article, normalise_date
from qa.ingest.files import discover, display_name, display_path, on_disk
from qa.ingest.load import count_articles, read_file
from qa.models import Chunk, Document, IngestReport, RawArticle, SkippedInput
from qa.storage.embedders import Embedder, get_embedder
from qa.storage.locks import write_lock
from qa.storage.records import DocEntry, document_labels
from qa.storage.store import ChunkStore

# Called as progress(done_articles, total_articles, current_name); the CLI draws it with rich.
# Articles, not files: one JSONL file can hold thousands of them.
Progress = Callable[[int, int, str], None]

# Documents are embedded in groups of about this many chunks: big enough for efficient batches,
# small enough that an interrupted run loses little work.
_EMBED_GROUP = 256


@dataclass
class _Pending:
    doc: Document
    chunks: list[Chunk]
    replaces: bool  # the source already had another version


def ingest(
    paths: list[str | Path],
    settings: Settings,
    *,
    embedder: Embedder | None = None,
    progress: Progress | None = None,
    on_wait: Callable[[Path], None] | None = None,
    prune: bool = False,
) -> IngestReport:
    """Index the articles under ``paths``. Raises ``InputError`` before writing anything if a path
    is missing; any other file or article that cannot be indexed is skipped with a reason. With
    ``prune``, documents of files under the folders of ``paths`` that are gone from disk are
    removed (a folder the analyst keeps in step with the index)."""
    # Files are chosen (regular, supported, within bounds) before the lock: nothing opened here
    # can block, and a bad path fails before any other writer has to wait.
    files, skipped = discover(paths, settings.ingest)
    embedder = embedder or get_embedder(settings)
    report = IngestReport(skipped=list(skipped))
    with write_lock(settings, on_wait=on_wait):
        store = ChunkStore(settings, embedder.model_name, create=True)
        store.settle()
        report.collection = store.name
        writer = _Writer(store, embedder, settings, report)
        total = sum(count_articles(path) for path in files) if progress else 0
        done = 0
        for path in files:
            name = display_name(path.name)
            if progress:
                progress(done, total, name)
            whole = True  # every line of the file was read and held an article
            for item in _articles(path, settings.ingest):
                if isinstance(item, SkippedInput):
                    report.skipped.append(item)
                    whole = False
                else:
                    writer.add(item)
                done += 1
                if progress:
                    progress(min(done, total), total, item.source if isinstance(item, RawArticle) else name)
            if whole and path.suffix.lower() == ".jsonl":
                writer.read_whole.add(str(display_path(path).resolve()))  # as its records' "path" label
        writer.flush()
        writer.finish(prune_under=[Path(p).resolve() for p in paths if Path(p).is_dir()] if prune else [])
        report.warnings.extend(_date_warnings(writer.bad_dates))
        if progress:
            progress(total, total, "")
        if report.chunks_written or report.chunks_deleted or report.chunks_moved:
            store.bump_revision()
    return report


def _articles(path: Path, limits: IngestSettings) -> Iterator[RawArticle | SkippedInput]:
    """``read_file``, with a failure of one file turned into a skip of that file alone."""
    try:
        yield from read_file(path, limits)
    except Exception as exc:  # one hostile file must never stop the others
        yield SkippedInput(display_name(path), _failure(exc))


def _failure(exc: Exception) -> str:
    first_line = (str(exc).splitlines() or [""])[0][:200]
    return f"could not be processed ({type(exc).__name__}: {first_line})"


class _Writer:
    def __init__(self, store: ChunkStore, embedder: Embedder, settings: Settings, report: IngestReport) -> None:
        self.store = store
        self.embedder = embedder
        self.settings = settings
        self.report = report
        self.docs: dict[str, DocEntry] = store.doc_index()
        self.keys: dict[str, set[str]] = {}  # source_key -> doc_ids indexed under it
        for doc_id, entry in self.docs.items():
            self.keys.setdefault(entry.source_key, set()).add(doc_id)
        self.pending: list[_Pending] = []
        self.pending_chunks = 0
        self.seen_keys: set[str] = set()
        # This run's reading: which text each input holds, and the first input holding each text.
        # A text some input holds is never dropped as another input's old version (two files
        # with one text, a JSONL record whose line moved), and one indexed under another input
        # is settled at the end, when it is known whether that input still holds it.
        self.current: dict[str, str] = {}  # source_key -> doc_id
        self.claimed: dict[str, str] = {}  # doc_id -> source_key
        self.elsewhere: list[tuple[Document, str]] = []  # (document, label) indexed under another input
        # Texts an input held before this run and holds no more. They are dropped at the end of
        # the run, when every input has been read: until then a later input may turn out to
        # hold one (two files that swapped contents), and a run stopped half-way keeps them.
        self.old_versions: set[str] = set()
        self.read_whole: set[str] = set()  # paths of JSONL files whose every line was read in this run
        # Unreadable metadata date -> (article, file, date found in the text) of each article
        # that had it: one feed can give thousands the same value ("2004-2005"), reported once.
        self.bad_dates: dict[str, list[tuple[str, str, str | None]]] = {}

    def add(self, raw: RawArticle) -> None:
        label = raw.source
        if raw.source_key in self.seen_keys:
            self.report.skipped.append(SkippedInput(label, "listed twice in this run"))
            return
        self.seen_keys.add(raw.source_key)
        try:
            doc = clean_article(raw)
        except Exception as exc:  # one hostile article must never stop the others
            self.report.skipped.append(SkippedInput(label, _failure(exc)))
            return
        refusal = _refusal(doc, self.settings.ingest)
        if refusal:
            self.report.skipped.append(SkippedInput(label, refusal))
            return
        if raw.date and normalise_date(raw.date) is None and not doc.date_period:
            self.bad_dates.setdefault(raw.date, []).append((label, str(raw.path), doc.date))
        self.current[doc.source_key] = doc.doc_id
        self.claimed.setdefault(doc.doc_id, doc.source_key)
        old_versions = self.keys.get(doc.source_key, set()) - {doc.doc_id}
        known = self.docs.get(doc.doc_id)
        if known and known.complete:
            self.old_versions |= old_versions
            if known.source_key != doc.source_key:
                self.elsewhere.append((doc, label))
            elif known.labels != document_labels(doc):  # same text, new title or date
                self._relabel(doc)
                self.report.updated.append(label)
            else:
                (self.report.updated if old_versions else self.report.unchanged).append(label)
            return
        if any(p.doc.doc_id == doc.doc_id for p in self.pending):
            self.report.skipped.append(SkippedInput(label, "same article as another file in this run"))
            return
        try:
            chunks = chunk_document(doc, self.settings.chunking.size, self.settings.chunking.overlap, fits=self.embedder.fits)
        except Exception as exc:  # one hostile article must never stop the others
            self.report.skipped.append(SkippedInput(label, _failure(exc)))
            return
        self.pending.append(_Pending(doc, chunks, replaces=bool(old_versions) or known is not None))
        self.pending_chunks += len(chunks)
        if self.pending_chunks >= _EMBED_GROUP:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        texts = [c.text for p in self.pending for c in p.chunks]
        vectors = self.embedder.embed_documents(texts)
        batch = []
        offset = 0
        for item in self.pending:
            n = len(item.chunks)
            batch.append((item.doc, item.chunks, vectors[offset : offset + n]))
            offset += n
        # New chunks of the whole group first (one upsert: each call has a fixed cost), then
        # the deletions, so a crash never loses a document's only version.
        self.store.write_documents(batch)
        for item in self.pending:
            n = len(item.chunks)
            doc = item.doc
            self.report.chunks_written += n
            if doc.doc_id in self.docs:
                # Partial leftovers of an interrupted earlier write of this very document (only
                # a document the index already knew can have any, so others skip the lookup).
                new_ids = {c.chunk_id for c in item.chunks}
                stale_ids = [i for i in self.store.ids_where({"doc_id": doc.doc_id}) if i not in new_ids]
                self.report.chunks_deleted += self.store.delete_ids(stale_ids)
            self.old_versions |= self.keys.get(doc.source_key, set()) - {doc.doc_id}
            self.docs[doc.doc_id] = DocEntry(doc.source_key, n, n, document_labels(doc))
            self.keys.setdefault(doc.source_key, set()).add(doc.doc_id)
            (self.report.updated if item.replaces else self.report.added).append(doc.source)
        self.pending.clear()
        self.pending_chunks = 0

    def finish(self, prune_under: list[Path]) -> None:
        """Settle what depends on the whole run. A text indexed under another input moves to this
        one when that input no longer holds it (a renamed file, a JSONL line that moved up), and
        is a duplicate otherwise. Records gone from a JSONL file read whole are dropped, and so
        are documents of files under ``prune_under`` that are gone from disk."""
        for doc, label in self.elsewhere:
            entry = self.docs[doc.doc_id]
            owner = entry.source_key
            if owner == doc.source_key:
                self.report.unchanged.append(label)
                continue
            # Read in this run, the owner still holds the text only if it held it now; not read,
            # as long as the input it names may still hold it.
            held = self.current[owner] == doc.doc_id if owner in self.current else self._holds_elsewhere(entry)
            if held:  # two inputs, one text
                self.report.skipped.append(SkippedInput(label, f"same article as {_shown(owner)}, already indexed"))
            else:
                self._relabel(doc)
                self.report.updated.append(label)
        for doc_id, entry in self.docs.items():
            if entry.source_key in self.seen_keys:
                continue
            if self._gone_from_file_read_whole(entry):
                self.old_versions.add(doc_id)
            elif self._gone_from_folder(entry, prune_under) and doc_id not in self.claimed:
                self.old_versions.add(doc_id)
                self.report.removed.append(_shown(entry.source_key))
        self._drop_versions(self.old_versions)

    def _relabel(self, doc: Document) -> None:
        """``doc``'s text, indexed already, now under ``doc``'s labels (input, title, dates)."""
        labels = document_labels(doc)
        self.report.chunks_moved += self.store.relabel_document(doc.doc_id, labels)
        entry = self.docs[doc.doc_id]
        self.keys.get(entry.source_key, set()).discard(doc.doc_id)
        self.keys.setdefault(doc.source_key, set()).add(doc.doc_id)
        self.docs[doc.doc_id] = DocEntry(doc.source_key, entry.present, entry.expected, labels)

    def _gone_from_file_read_whole(self, entry: DocEntry) -> bool:
        """A record of a JSONL file that was read whole in this run (by the file it came from,
        not by a key prefix: a file may be named "feed.jsonl#notes.txt")."""
        return entry.source_key != entry.labels.get("path") and entry.labels.get("path") in self.read_whole

    def _gone_from_folder(self, entry: DocEntry, folders: list[Path]) -> bool:
        """Whether ``entry`` came from a file under one of ``folders`` that is gone from disk."""
        shown = entry.labels.get("path", "")
        if not shown or not folders:
            return False
        path = on_disk(shown)  # a non-UTF-8 name is stored escaped
        return any(path.is_relative_to(folder) for folder in folders) and not self._holds_elsewhere(entry)

    def _holds_elsewhere(self, owner: DocEntry) -> bool:
        """Whether the input ``owner`` names, not read in this run, may still hold its text: the
        file it came from exists and, for a record of a JSONL file read whole in this run, the
        record is still in it (it would have been read)."""
        if self._gone_from_file_read_whole(owner):
            return False
        shown = owner.labels.get("path", "")
        return bool(shown) and (Path(shown).is_file() or on_disk(shown).is_file())  # a non-UTF-8 name is stored escaped

    def _drop_versions(self, doc_ids: set[str]) -> None:
        for doc_id in sorted(doc_ids):
            if doc_id in self.claimed or doc_id not in self.docs:  # held by an input of this run, or gone
                continue
            ids = self.store.ids_where({"doc_id": doc_id})
            self.report.chunks_deleted += self.store.delete_ids(ids)
            key = self.docs.pop(doc_id).source_key
            self.keys.get(key, set()).discard(doc_id)


def _shown(key: str) -> str:
    """An input as a reader knows it: the file name, and a JSONL record's id after '#'."""
    path, sep, record = key.partition("#") if not Path(key).is_file() else (key, "", "")
    return f"{Path(path).name}{sep}{record}"


def _refusal(doc: Document, limits: IngestSettings) -> str | None:
    """Why a cleaned article is not indexed, or None."""
    if not doc.text.strip():
        return "no article text after removing boilerplate"
    if len(doc.title) > limits.max_title_chars:
        return f"title too long ({len(doc.title)} characters; the limit is {limits.max_title_chars}, set QA_MAX_TITLE_CHARS to change it)"
    return None


def _date_warnings(bad_dates: dict[str, list[tuple[str, str, str | None]]]) -> list[SkippedInput]:
    """One warning per distinct metadata date that names no day ("2024-13-45", "2004-2005"),
    so that it is not dropped in silence; a value shared by many articles is one line with a
    count, not one line each."""
    warnings = []
    for value, articles in bad_dates.items():
        shown = value if len(value) <= 40 else value[:40] + "..."
        problem = f"date {shown!r} is not a day qa can read (use YYYY-MM-DD)"
        if len(articles) == 1:
            label, _file, found = articles[0]
            fallback = f"used {found} from the text" if found else "indexed without a date"
            warnings.append(SkippedInput(label, f"{problem}; {fallback}"))
            continue
        files = {file for _label, file, _found in articles}
        where = Path(next(iter(files))).name if len(files) == 1 else f"{len(files):,} files"
        dated = sum(1 for *_rest, found in articles if found)
        undated = len(articles) - dated
        if not dated:
            fallback = "indexed without a date"
        elif not undated:
            fallback = "each dated from its text instead"
        else:
            fallback = f"{dated:,} dated from their text, {undated:,} indexed without a date"
        warnings.append(SkippedInput(f"{len(articles):,} articles in {where}", f"{problem}; {fallback}"))
    return warnings
