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


# --------------------------------------------------------------------------- qa events / qa brief
def events_list(events, offline: bool) -> None:
    """Event records as readable blocks: what, who, where, when, and the quoted evidence."""
    if offline:
        Console(stderr=True).print(
            "note: events extracted offline (no LLM): fields come from the quoted sentences", style="dim"
        )
    if not events:
        _out.print("no exercises, alliances or deployments found")
        return
    for ev in events:
        _out.print(f"[bold]{escape(ev.kind.capitalize())}: {escape(ev.name)}[/bold]  [dim]{ev.type} · CAMEO {ev.cameo}[/dim]")
        if ev.participants:
            label = "parties" if ev.kind == "alliance" else "participants"
            _out.print(f"  {label}: {escape(', '.join(ev.participants))}")
        if ev.relation and ev.kind == "alliance":
            _out.print(f"  relation: {escape(ev.relation)}")
        where = ", ".join(dict.fromkeys(x for x in (ev.location, ev.host) if x))
        if where:
            _out.print(f"  where: {escape(where)}")
        when = f"{ev.start} to {ev.end}" if ev.start and ev.end else ev.start or ev.dates_text
        if when or ev.duration:
            _out.print(f"  when: {escape(when or '')}{' (' + escape(ev.duration) + ')' if ev.duration else ''}")
        _out.print(f"  {escape(ev.summary)}")
        for c in ev.citations:
            _out.print(f"  [cyan]{escape(f'[{c.id}]')}[/cyan] [dim]{escape(c.source)}:[/dim] “{escape(c.quote)}”", overflow="fold")
        _out.print()
    _out.print(f"{len(events)} records", style="dim")


def briefing_markdown(markdown: str) -> None:
    """Markdown as is when piped; rendered with rich on a terminal."""
    if _out.is_terminal:
        from rich.markdown import Markdown

        _out.print(Markdown(markdown))
    else:
        import sys

        sys.stdout.write(markdown)
