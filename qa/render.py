"""Terminal rendering of results (the only place besides the CLI that prints)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.markup import escape

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
    # One block per document reads well at any terminal width, unlike a wide table.
    for s in sources:
        date = f"  {s.date}" if s.date else ""
        _out.print(f"[bold]{escape(s.title)}[/bold]{date}")
        _out.print(f"  {escape(s.source)} · {s.chunks} chunks · id {s.doc_id}", style="dim")
        _out.print(f"  {escape(s.path)}", style="dim", overflow="fold")
    _out.print(f"{len(sources)} documents, {sum(s.chunks for s in sources)} chunks")
