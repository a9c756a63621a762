"""Terminal rendering of results (the only place besides the CLI that prints)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.table import Table

from qa.models import IngestReport, SourceInfo

_out = Console(highlight=False, soft_wrap=False)


@contextmanager
def ingest_progress(console: Console, enabled: bool) -> Iterator:
    """A rich progress bar on a terminal; nothing when output is piped."""
    if not enabled:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("[bold]ingest"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("", total=None)

        def update(done: int, total: int, name: str) -> None:
            bar.update(task, completed=done, total=total, description=name)

        yield update


def ingest_summary(report: IngestReport) -> None:
    _out.print(
        f"documents: {len(report.added)} added, {len(report.updated)} updated, "
        f"{len(report.unchanged)} unchanged, {len(report.skipped)} skipped; "
        f"chunks written: {report.chunks_written}"
        + (f", deleted: {report.chunks_deleted}" if report.chunks_deleted else "")
    )
    for s in report.skipped:
        _out.print(f"  skipped {s.path}: {s.reason}", style="yellow")


def sources_table(sources: list[SourceInfo]) -> None:
    if not sources:
        _out.print("no documents indexed")
        return
    table = Table(show_lines=False, box=None, pad_edge=False)
    table.add_column("file", overflow="fold", max_width=32)
    table.add_column("title", ratio=1, overflow="ellipsis", no_wrap=True, min_width=30)
    table.add_column("date", no_wrap=True)
    table.add_column("chunks", justify="right")
    table.add_column("id", no_wrap=True)
    for s in sources:
        table.add_row(s.source, s.title, s.date or "", str(s.chunks), s.doc_id)
    _out.print(table)
    _out.print(f"{len(sources)} documents, {sum(s.chunks for s in sources)} chunks")
