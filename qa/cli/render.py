"""Terminal rendering of results (the only place besides the CLI that prints)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click
from rich.console import Console
from rich.markup import escape

from qa.models import IngestReport, SourceInfo


class StdoutConsole(Console):
    """Standard output. When a reader closes the pipe early (``qa events | head``) rich would
    exit with status 1 and no message; this hands the closed pipe to the CLI's one handler
    (``BrokenPipeError``: exit 0, as for ``head`` on any tool), with stdout pointed at
    /dev/null so that Python's final flush does not complain."""

    def on_broken_pipe(self) -> None:
        import os
        import sys

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise BrokenPipeError


_out = StdoutConsole(highlight=False, soft_wrap=False)


class PlainProgress:
    """Progress as whole plain lines on stderr, for a log or a pipe (no bar, no ANSI codes). Work
    done within ``quiet_start`` seconds prints nothing (a short job's summary says it all); a
    longer one gets a line once that time has passed and one when it ends, between them one at
    each further tenth of it (not within a second of the last) and after ``interval`` seconds
    without one, never more than ``max_lines`` in all: it shows it is alive without flooding."""

    def __init__(
        self, label: str, unit: str, *, interval: float = 10.0, max_lines: int = 20, quiet_start: float = 2.0, clock=None
    ) -> None:
        import time

        self.label, self.unit, self.interval, self.max_lines = label, unit, interval, max_lines
        self.quiet_start = quiet_start
        self._clock = clock or time.monotonic
        self._started = self._last_time = self._clock()
        self._last_tenth = -1
        self._last_done = -1
        self.lines = 0

    def __call__(self, done: int, total: int, note: str = "") -> None:
        if total <= 0:  # nothing to do: the summary says so
            return
        now = self._clock()
        if self.lines == 0 and now - self._started < self.quiet_start:
            return
        tenth = 10 * done // total
        quiet = now - self._last_time
        due = (
            self.lines == 0
            or (tenth > self._last_tenth and quiet >= 1.0)
            or (quiet >= self.interval and done != self._last_done)
        )
        finished = done >= total and self._last_done < total
        if not (due or finished) or (self.lines >= self.max_lines - 1 and not finished):
            return
        tail = f", {note}" if note else ""
        click.echo(f"{self.label}: {done}/{total} {self.unit} ({100 * done // total}%), {now - self._started:.0f}s{tail}", err=True)
        self.lines += 1
        self._last_time, self._last_tenth, self._last_done = now, tenth, done


@contextmanager
def ingest_progress(console: Console, enabled: bool) -> Iterator:
    """A rich progress bar on a terminal; plain lines now and then when stderr is piped."""
    if not enabled:
        yield PlainProgress("ingest", "articles")
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    with Progress(
        TextColumn("[bold]ingest"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
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
        f"{len(report.unchanged)} unchanged, "
        + (f"{len(report.removed)} removed (gone from disk), " if report.removed else "")
        + f"{len(report.skipped)} skipped; "
        f"chunks written: {report.chunks_written}"
        + (f", deleted: {report.chunks_deleted}" if report.chunks_deleted else "")
        + (f", relabelled: {report.chunks_moved}" if report.chunks_moved else "")
    )
    for s in report.skipped:
        _out.print(f"  skipped {escape(s.path)}: {escape(s.reason)}", style="yellow")
    for w in report.warnings:
        _out.print(f"  warning {escape(w.path)}: {escape(w.reason)}", style="yellow")


def sources_table(sources: list[SourceInfo]) -> None:
    if not sources:
        _out.print("no documents indexed")
        return
    # One block per document reads well at any terminal width, unlike a wide table.
    for s in sources:
        date = f"  {s.date or s.date_period}" if s.date or s.date_period else ""
        _out.print(f"[bold]{escape(s.title)}[/bold]{date}")
        _out.print(f"  {escape(s.source)} · {s.chunks} chunks · id {s.doc_id}", style="dim")
        _out.print(f"  {escape(s.path)}", style="dim", overflow="fold")
    _out.print(f"{len(sources)} documents, {sum(s.chunks for s in sources)} chunks")


# --------------------------------------------------------------------------- qa events / qa brief
def _offline_events_note(what: str) -> None:
    """On stderr, so that piped output stays the records alone: ``what`` (fields, pairs) was
    read from the quoted sentences, not by an LLM."""
    Console(stderr=True).print(f"note: events extracted offline (no LLM): {what} come from the quoted sentences", style="dim")


def events_list(events, offline: bool) -> None:
    """Event records as readable blocks: what, who, where, when, and the quoted evidence."""
    if offline:
        _offline_events_note("fields")
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


def relations_table(pairs, sources, offline: bool) -> None:
    """Who with whom as a table (pair, kinds, records, dates, sources), then the cited sources."""
    from rich.table import Table

    if offline:
        _offline_events_note("pairs")
    if not pairs:
        _out.print("no pairs: no exercise, alliance or deployment names two participants")
        return
    table = Table(header_style="bold", expand=True)
    # A date ("2024-04-22") and a kind ("deployment") are never cut: those columns keep their
    # width and the pair and sources columns share the rest; source numbers wrap whole.
    table.add_column("Pair (records)", ratio=3, overflow="fold")
    table.add_column("Kinds", min_width=10, max_width=12)
    table.add_column("Events", justify="right", width=6)
    table.add_column("When", min_width=10, max_width=12, overflow="fold")
    table.add_column("Sources", ratio=1, min_width=6, style="cyan", overflow="fold")
    for r in pairs:
        table.add_row(
            f"[bold]{escape(r.label)}[/bold]\n[dim]{escape('; '.join(r.names))}[/dim]", ", ".join(r.kinds), str(r.count),
            escape(r.when), escape(" ".join(f"[{n}]" for n in r.citations)),
        )
    _out.print(table)
    _out.print()
    _out.print("Sources:", style="bold")
    for c in sources:
        _out.print(f"  [cyan]{escape(f'[{c.id}]')}[/cyan] [dim]{escape(c.source)}:[/dim] “{escape(c.quote)}”", overflow="fold")
    _out.print()
    _out.print(f"{len(pairs)} pairs", style="dim")


def briefing_markdown(markdown: str) -> None:
    """Markdown as is when piped; rendered with rich on a terminal."""
    if _out.is_terminal:
        from rich.markdown import Markdown

        _out.print(Markdown(markdown))
    else:
        import sys

        sys.stdout.write(markdown)


# --------------------------------------------------------------------------- qa ask / qa eval
class AnswerStream:
    """Streams an LLM answer to the terminal as it arrives, then leaves room for the checked one.

    Tokens are shown live (rich ``Live``, transient): when the answer is done the live text is
    replaced by the checked answer with its verified citations. Text that may be the start of
    the "cannot answer" sentinel is held back; a retry clears what the failed attempt showed.
    """

    def __init__(self, console: Console | None = None, sentinel: str = "") -> None:
        self.console = console or _out
        self.sentinel = sentinel
        self.text = ""
        self._live = None

    @property
    def enabled(self) -> bool:
        return self.console.is_terminal

    def __enter__(self) -> AnswerStream:
        if self.enabled:
            from rich.live import Live
            from rich.text import Text

            self._live = Live(Text(""), console=self.console, transient=True, refresh_per_second=12, vertical_overflow="visible")
            self._live.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        if self._live is not None:
            self._live.__exit__(*exc)
            self._live = None

    def visible(self) -> str:
        stripped = self.text.lstrip()
        if self.sentinel and (self.sentinel.startswith(stripped) or stripped.startswith(self.sentinel)):
            return ""
        return self.text

    def on_token(self, token: str) -> None:
        self.text += token
        self._refresh()

    def on_restart(self) -> None:
        self.text = ""
        self._refresh()

    def _refresh(self) -> None:
        if self._live is not None:
            from rich.text import Text

            self._live.update(Text(self.visible()))


def answer_text(answer) -> None:
    """The answer with its [n] markers, then the numbered sources with their quotes."""
    err = Console(stderr=True, highlight=False)
    for w in answer.warnings:
        err.print(f"warning: {escape(w)}", style="yellow", overflow="fold")
    if answer.abstained:
        _out.print(escape(answer.answer))
        if answer.reason:
            _out.print(f"({escape(answer.reason)})", style="dim")
        return
    _out.print(escape(answer.answer), overflow="fold")
    _out.print()
    _out.print("Sources:", style="bold")
    for c in answer.citations:
        _out.print(f"[cyan]{escape(f'[{c.id}]')}[/cyan] {escape(c.title)} [dim]({escape(c.source)})[/dim]", overflow="fold")
        _out.print(f"    “{escape(c.quote)}”", overflow="fold")
