"""``qa eval``: score the answerer on a JSONL question set, or the event extractor on a JSON
gold file. Registered on the ``qa`` group by ``qa.cli.main``."""

from __future__ import annotations

import sys

import click

from qa.cli.options import emit_json, llm_options, llm_settings

# Up to this many questions (or gold articles), a log gets one line per item as a terminal does.
_LINE_PER_ITEM = 20


@click.command("eval")
@click.argument("file")
@click.option("--json", "as_json", is_flag=True, help="Print the metrics and per-question results as JSON.")
@click.option("--k", "k", type=click.IntRange(1, 100), default=None, help="Chunks that reach the answerer [default 6].")
@llm_options("Evaluate the offline answerer")
@click.pass_context
def eval_cmd(ctx, file, as_json, k, extractive, model):
    """Run a JSONL question set (question, expect_any, sources, answerable) and report accuracy,
    abstention, retrieval hit@k, verbatim quotes, latency and coverage by confidence; or score
    the event extractor against a JSON events gold file (per kind precision, recall, F1)."""
    from qa import api
    from qa.cli import eval_render
    from qa.evaluation.events_matching import EventsEvalReport

    settings = llm_settings(ctx, extractive, model)
    api.check_question_file(file, k=k)  # a bad file fails before anything else is said
    total = api.check_scorable(file, settings)  # and so does an index that holds none of it
    if not api.llm_in_use(settings):
        click.echo(api.offline_notice(settings), err=True)
    on_item = on_article = None
    logged = not sys.stderr.isatty()
    if not as_json and (not logged or total <= _LINE_PER_ITEM):
        on_item, on_article = eval_render.eval_progress, eval_render.gold_progress
    elif logged:  # a log gets a line now and then, not one per question
        on_item = eval_render.counted_progress(total, "questions")
        on_article = eval_render.counted_progress(total, "gold articles")
    report = api.evaluate(file, settings, k=k, on_item=on_item, on_article=on_article)
    if as_json:
        emit_json(report.to_dict())
    elif isinstance(report, EventsEvalReport):
        eval_render.events_score(report)
    else:
        eval_render.eval_report(report)
