"""Terminal rendering of ``qa eval`` reports (progress lines on stderr, the metrics and coverage tables, or the events gold scores, on stdout)."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape

from qa.cli.render import StdoutConsole

_out = StdoutConsole(highlight=False, soft_wrap=False)


def _pct(value) -> str:
    return "n/a" if value is None else f"{100 * value:.0f}%"


def _fixed(value) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def eval_progress(item) -> None:
    """One line per question while ``qa eval`` runs (stderr)."""
    mark = "ok " if item.correct else "MISS"
    kind = "answerable" if item.answerable else "unanswerable"
    Console(stderr=True, highlight=False).print(
        f"{mark} {escape(item.id)} ({kind}, {item.latency_s:.1f}s): {escape(item.question)}", style=None if item.correct else "yellow"
    )


def counted_progress(total: int, unit: str):
    """For a log or a pipe: a callback per question (or gold article) that prints a plain line
    now and then (``render.PlainProgress``) instead of one line each."""
    from qa.cli.render import PlainProgress

    lines = PlainProgress("eval", unit)
    done = right = 0

    def step(item=None) -> None:
        nonlocal done, right
        done += 1
        right += bool(getattr(item, "correct", False))
        lines(done, total, f"{right} right so far" if unit == "questions" else "")

    return step


def eval_report(report) -> None:
    from rich.table import Table

    table = Table(show_header=True)
    table.add_column("metric")
    table.add_column("value", justify="right")
    table.add_row("questions", f"{report.questions} ({report.answerable} answerable, {report.unanswerable} unanswerable)")
    table.add_row("mode / k", f"{report.mode} / {report.k}")
    table.add_row("answer accuracy", _pct(report.answer_accuracy))
    table.add_row("abstention accuracy", _pct(report.abstention_accuracy))
    table.add_row("false abstentions (answerable)", _pct(report.false_abstention_rate))
    table.add_row(f"retrieval hit@{report.k}", _pct(report.retrieval_hit_at_k))
    table.add_row("verbatim quotes", _pct(report.verbatim_quote_share))
    if report.citation_precision is not None:  # LLM mode: cited sentences their passages support
        table.add_row("citation precision", _pct(report.citation_precision))
    table.add_row(
        "latency mean / p50 / p95 / max",
        f"{report.latency_mean_s:.2f} / {report.latency_p50_s:.2f} / {report.latency_p95_s:.2f} / {report.latency_max_s:.2f} s",
    )
    _out.print(table)
    if report.coverage:
        eval_coverage(report)


def eval_coverage(report) -> None:
    """Coverage against accuracy: what the answerer would give at each confidence level."""
    from rich.table import Table

    table = Table(
        show_header=True,
        title="coverage and accuracy by confidence (* = the shipped operating point)",
        title_justify="left",
    )
    for name in ("answer when confidence >=", "answered", "accuracy of those answers", "answerable answered right", "unanswerable refused"):
        table.add_column(name, justify="right")
    for row in report.coverage:
        level = row["confidence_at_least"]
        mark = " *" if report.operating_point is not None and abs(level - report.operating_point) < 1e-9 else ""
        table.add_row(
            f"{level:.2f}{mark}",
            f"{row['answered']} ({_pct(row['coverage'])})",
            _pct(row["accuracy_of_answers"]),
            _pct(row["answerable_correct"]),
            _pct(row["unanswerable_refused"]),
        )
    _out.print(table)


def gold_progress(article_id: str) -> None:
    """One line per scored article while ``qa eval`` runs over an events gold file (stderr)."""
    Console(stderr=True, highlight=False).print(f"scored {escape(article_id)}", style="dim")


def events_score(report) -> None:
    """Per kind precision, recall, F1 and participant overlap of the matched records."""
    from rich.table import Table

    data = report.to_dict()
    title = f"{data['mode']} extractor, {data['articles']} articles scored ({data['missing_articles']} of the gold file not indexed)"
    table = Table(show_header=True, title=title, title_justify="left")
    for col in ("kind", "gold", "found", "matched", "precision", "recall", "F1", "Jaccard"):
        table.add_column(col, justify="left" if col == "kind" else "right")
    rows = [*data["kinds"].items(), ("all", data["overall"])]
    for kind, s in rows:
        # A score with nothing to divide by is undefined (null), not zero.
        figures = [_fixed(s.get(key)) for key in ("precision", "recall", "f1", "participant_jaccard")]
        table.add_row(kind, str(s["gold"]), str(s["predicted"]), str(s["matched"]), *figures)
    _out.print(table)
    _out.print(f"[dim]Found: records the extractor gave. Jaccard: participant overlap of matched records. Matching: {escape(data['matching'])}.[/dim]")
