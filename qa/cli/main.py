"""The ``qa`` command: a thin layer that parses flags, calls ``qa.api`` and renders the result.

Heavy imports happen inside the commands so that ``qa --help`` is instant.
"""

from __future__ import annotations

import json
import logging
import os
import sys

import click

from qa.errors import QAError


def _settings(ctx: click.Context, **overrides):
    from qa.config import load_settings

    base = ctx.obj or {}
    return load_settings(**{**base, **overrides})


def _emit_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _stderr_console():
    from rich.console import Console

    return Console(stderr=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--index-dir", type=click.Path(file_okay=False), default=None, help="Index folder [env QA_INDEX_DIR; default ./index].")
@click.option("--chroma-url", default=None, help="Use a Chroma server instead of the embedded index [env QA_CHROMA_URL].")
@click.version_option(package_name="qa")
@click.pass_context
def cli(ctx: click.Context, index_dir: str | None, chroma_url: str | None) -> None:
    """Cited answers, briefings and event records from news articles about military exercises,
    deployments and alliances."""
    ctx.obj = {"index_dir": index_dir, "chroma_url": chroma_url}


def _date_options(command):
    """--since/--until, read by qa.text.dates.parse_bound (a bare year or month is the whole period)."""
    for flag, side in (("--until", "before"), ("--since", "after")):
        command = click.option(
            flag, default=None, help=f"Only articles dated on or {side} this day (YYYY-MM-DD, YYYY-MM or YYYY)."
        )(command)
    return command


def _llm_options(offline_help: str):
    """--extractive and --model, shared by every command that can use an LLM."""

    def decorate(command):
        command = click.option("--model", default=None, help="Chat model for LLM mode [env QA_LLM_MODEL].")(command)
        return click.option("--extractive", is_flag=True, help=f"{offline_help} even when an LLM is configured.")(command)

    return decorate


@cli.command("ingest")
@click.argument("paths", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--chunk-size", type=int, default=None, help="Chunk length in tiktoken tokens [env QA_CHUNK_SIZE].")
@click.option("--chunk-overlap", type=int, default=None, help="Chunk overlap in tokens [env QA_CHUNK_OVERLAP].")
@click.pass_context
def ingest_cmd(ctx, paths, as_json, chunk_size, chunk_overlap):
    """Index article files or folders (.txt, .md, .html, .jsonl)."""
    from qa import api
    from qa.cli import render

    settings = _settings(ctx, chunk_size=chunk_size, chunk_overlap=chunk_overlap)
    console = _stderr_console()
    with render.ingest_progress(console, enabled=console.is_terminal) as progress:
        report = api.ingest(
            list(paths),
            settings,
            progress=progress,
            on_wait=lambda p: console.print(f"waiting for another qa process to finish writing ({p}) ..."),
        )
    if as_json:
        _emit_json(report.to_dict())
    else:
        render.ingest_summary(report)


@cli.command("sources")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@click.pass_context
def sources_cmd(ctx, as_json):
    """List the indexed documents."""
    from qa import api
    from qa.cli import render

    sources = api.list_sources(_settings(ctx))
    if as_json:
        _emit_json([s.to_dict() for s in sources])
    else:
        render.sources_table(sources)


@cli.command("remove")
@click.argument("source")
@click.option("--json", "as_json", is_flag=True, help="Print what was removed as JSON.")
@click.pass_context
def remove_cmd(ctx, source, as_json):
    """Remove one document (by file name, path or id) from the index."""
    from qa import api

    removed = api.remove_source(source, _settings(ctx))
    if as_json:
        _emit_json({"removed": removed})
    else:
        for name in removed:
            click.echo(f"removed {name}")


def _llm_settings(ctx, extractive: bool, model: str | None):
    return _settings(ctx, extractive=True if extractive else None, llm_model=model)


def _check_output(path: str | None) -> None:
    """Refuse an output file that cannot be written before any work is done, not after."""
    if path is None:
        return
    from pathlib import Path

    from qa.errors import InputError

    target = Path(path)
    folder = target.parent
    if target.is_dir():
        raise InputError(f"cannot write {path}: it is a folder")
    if not folder.is_dir():
        raise InputError(f"cannot write {path}: folder {folder} does not exist")
    if not os.access(folder, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise InputError(f"cannot write {path}: permission denied")


def _write_output(path: str, text: str) -> None:
    from pathlib import Path

    from qa.errors import InputError

    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None
    click.echo(f"wrote {path}", err=True)


@cli.command("events")
@click.option("--json", "as_json", is_flag=True, help='Print {"events": [...]} (with --relations: {"relations": [...], "citations": [...]}) as JSON.')
@click.option("--topic", default=None, help="Only events about this topic.")
@click.option("--relations", "show_relations", is_flag=True, help="Who with whom: the pairs that exercised, aligned or deployed together.")
@_date_options
@_llm_options("Offline extraction")
@click.pass_context
def events_cmd(ctx, as_json, topic, show_relations, since, until, extractive, model):
    """Exercises, alliances and deployments in the articles, as cited records."""
    from qa import api
    from qa.cli import render

    settings = _llm_settings(ctx, extractive, model)
    events = api.events(settings, topic=topic, since=since, until=until)
    if show_relations:
        pairs = api.relations(events)
        sources = api.relation_sources(pairs, events)
        if as_json:
            _emit_json({"relations": [r.to_dict() for r in pairs], "citations": [c.to_dict() for c in sources]})
        else:
            render.relations_table(pairs, sources, offline=not api.llm_in_use(settings))
    elif as_json:
        _emit_json({"events": [e.to_dict() for e in events]})
    else:
        render.events_list(events, offline=not api.llm_in_use(settings))


@cli.command("brief")
@click.option("--topic", default=None, help="Brief on this topic only (default: the whole index).")
@click.option("--json", "as_json", is_flag=True, help="JSON: title, markdown, citations, events.")
@click.option("--format", "fmt", type=click.Choice(["markdown", "html"]), default="markdown", show_default=True)
@click.option("-o", "--output", default=None, help="Write to this file instead of stdout.")
@_date_options
@_llm_options("Extractive briefing")
@click.pass_context
def brief_cmd(ctx, topic, as_json, fmt, output, since, until, extractive, model):
    """A cited briefing: key points, exercises, alliances, deployments, timeline and sources."""
    from qa import api
    from qa.cli import render

    _check_output(output)
    settings = _llm_settings(ctx, extractive, model)
    briefing = api.brief(settings, topic=topic, since=since, until=until)
    if as_json:
        text = json.dumps(briefing.to_dict(), ensure_ascii=False, indent=2) + "\n"
    elif fmt == "html":
        text = api.brief_html(briefing, settings)
    else:
        text = briefing.markdown
    if output:
        _write_output(output, text)
    elif as_json or fmt == "html":
        click.echo(text, nl=False)
    else:
        render.briefing_markdown(text)


@cli.command("ask")
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object: answer, citations, retrieved chunks.")
@click.option("--k", "k", type=click.IntRange(1, 100), default=None, help="Chunks that reach the answerer [env QA_TOP_K; default 6].")
@click.option("--source", default=None, help="Only this article (file name as in 'qa sources', or its path).")
@_date_options
@_llm_options("Offline extractive answer")
@click.pass_context
def ask_cmd(ctx, question, as_json, k, source, since, until, extractive, model):
    """Answer QUESTION from the indexed articles, citing every claim (or say they do not)."""
    from qa import api
    from qa.cli import render

    settings = _llm_settings(ctx, extractive, model)
    stream = render.AnswerStream(sentinel=api.answer_sentinel())
    live = api.llm_in_use(settings) and not as_json and stream.enabled
    with stream if live else _nullcontext():
        answer = api.ask(
            question,
            settings,
            k=k,
            source=source,
            since=since,
            until=until,
            on_token=stream.on_token if live else None,
            on_restart=stream.on_restart if live else None,
        )
    if answer.mode == "extractive":
        click.echo(api.offline_notice(settings), err=True)
    if as_json:
        _emit_json(answer.to_dict())
    else:
        render.answer_text(answer)


def _nullcontext():
    from contextlib import nullcontext

    return nullcontext()


@cli.command("eval")
@click.argument("file")
@click.option("--json", "as_json", is_flag=True, help="Print the metrics and per-question results as JSON.")
@click.option("--k", "k", type=click.IntRange(1, 100), default=None, help="Chunks that reach the answerer [default 6].")
@_llm_options("Evaluate the offline answerer")
@click.pass_context
def eval_cmd(ctx, file, as_json, k, extractive, model):
    """Run a JSONL question set (question, expect_any, sources, answerable) and report accuracy,
    abstention, retrieval hit@k, verbatim quotes, latency and coverage by confidence; or score
    the event extractor against a JSON events gold file (per kind precision, recall, F1)."""
    from qa import api
    from qa.cli import eval_render
    from qa.evaluation.events_matching import EventsEvalReport

    settings = _llm_settings(ctx, extractive, model)
    api.check_question_file(file, k=k)  # a bad file fails before anything else is said
    if not api.llm_in_use(settings):
        click.echo(api.offline_notice(settings), err=True)
    report = api.evaluate(
        file,
        settings,
        k=k,
        on_item=None if as_json else eval_render.eval_progress,
        on_article=None if as_json else eval_render.gold_progress,
    )
    if as_json:
        _emit_json(report.to_dict())
    elif isinstance(report, EventsEvalReport):
        eval_render.events_score(report)
    else:
        eval_render.eval_report(report)


class _WarningLines(logging.Handler):
    """The library's warnings (an article whose LLM reply was unusable, a fallback taken) as
    ``warning: ...`` lines on stderr; stderr is looked up at each line, so it follows redirection."""

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(f"warning: {record.getMessage()}", err=True)


def _show_warnings() -> None:
    logger = logging.getLogger("qa")
    if not any(isinstance(h, _WarningLines) for h in logger.handlers):
        logger.addHandler(_WarningLines(logging.WARNING))


def main(argv: list[str] | None = None) -> None:
    """Entry point: user errors become one line on stderr and a non-zero exit, never a traceback."""
    _show_warnings()
    try:
        cli.main(args=argv, prog_name="qa", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("qa: interrupted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        click.echo(f"qa: error: {exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except QAError as exc:
        click.echo(f"qa: error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("qa: interrupted", err=True)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
    except Exception as exc:  # noqa: BLE001 - last resort: still one line unless debugging
        if os.environ.get("QA_DEBUG"):
            raise
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        click.echo(f"qa: internal error: {type(exc).__name__}: {first} (set QA_DEBUG=1 for details)", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
