"""The ``qa`` command: a thin layer that parses flags, calls ``qa.api`` and renders the result.
This module holds the group, the index and ``ask`` commands and the entry point; ``qa events``
and ``qa brief`` live in ``event_commands``, ``qa eval`` in ``eval_command``, the shared flags
and helpers in ``options``.

Heavy imports happen inside the commands so that ``qa --help`` is instant.
"""

from __future__ import annotations

import logging
import os
import sys
from contextlib import nullcontext
from pathlib import Path

import click

from qa.cli.eval_command import eval_cmd
from qa.cli.event_commands import brief_cmd, events_cmd
from qa.cli.options import (
    date_options,
    emit_json,
    llm_options,
    llm_settings,
    settings_for,
    stderr_console,
)
from qa.errors import QAError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
# A path that is a file is refused by the settings, with the same line as for QA_INDEX_DIR.
@click.option("--index-dir", type=click.Path(), default=None, help="Index folder [env QA_INDEX_DIR; default ./index].")
@click.option("--chroma-url", default=None, help="Use a Chroma server instead of the embedded index [env QA_CHROMA_URL].")
@click.version_option(package_name="qa")
@click.pass_context
def cli(ctx: click.Context, index_dir: str | None, chroma_url: str | None) -> None:
    """Cited answers, briefings and event records from news articles about military exercises,
    deployments and alliances."""
    ctx.obj = {"index_dir": index_dir, "chroma_url": chroma_url}


@cli.command("ingest")
@click.argument("paths", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--chunk-size", type=int, default=None, help="Chunk length in tiktoken tokens [env QA_CHUNK_SIZE].")
@click.option("--chunk-overlap", type=int, default=None, help="Chunk overlap in tokens [env QA_CHUNK_OVERLAP].")
@click.option("--prune", is_flag=True, help="Also remove documents of files under the given folders that are gone from disk.")
@click.pass_context
def ingest_cmd(ctx, paths, as_json, chunk_size, chunk_overlap, prune):
    """Index article files or folders (.txt, .md, .html, .jsonl)."""
    from qa import api
    from qa.cli import render

    settings = settings_for(ctx, chunk_size=chunk_size, chunk_overlap=chunk_overlap)
    console = stderr_console()
    with render.ingest_progress(console, enabled=console.is_terminal) as progress:
        report = api.ingest(
            list(paths),
            settings,
            progress=progress,
            on_wait=lambda p: _waiting(console, p),
            prune=prune,
        )
    if as_json:
        emit_json(report.to_dict())
    else:
        render.ingest_summary(report)


@cli.command("sources")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@click.pass_context
def sources_cmd(ctx, as_json):
    """List the indexed documents."""
    from qa import api
    from qa.cli import render

    sources = api.list_sources(settings_for(ctx))
    if as_json:
        emit_json([s.to_dict() for s in sources])
    else:
        render.sources_table(sources)


@cli.command("remove")
@click.argument("source")
@click.option("--json", "as_json", is_flag=True, help="Print what was removed as JSON.")
@click.pass_context
def remove_cmd(ctx, source, as_json):
    """Remove one document (by file name, path or id) from the index."""
    from qa import api

    removed = api.remove_source(source, settings_for(ctx), on_wait=lambda p: _waiting(stderr_console(), p))
    if as_json:
        emit_json({"removed": removed})
    else:
        for name in removed:
            click.echo(f"removed {name}")


def _waiting(console, lock: Path) -> None:
    console.print(f"waiting for another qa process to finish writing ({lock}) ...")


@cli.command("ask")
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object: answer, citations, retrieved chunks.")
@click.option("--k", "k", type=click.IntRange(1, 100), default=None, help="Chunks that reach the answerer [env QA_TOP_K; default 6].")
@click.option("--source", default=None, help="Only this article (file name as in 'qa sources', or its path).")
@date_options
@llm_options("Offline extractive answer")
@click.pass_context
def ask_cmd(ctx, question, as_json, k, source, since, until, extractive, model):
    """Answer QUESTION from the indexed articles, citing every claim (or say they do not)."""
    from qa import api
    from qa.cli import render

    settings = llm_settings(ctx, extractive, model, top_k=k)  # --k replaces QA_TOP_K, even an unusable one
    stream = render.AnswerStream(sentinel=api.answer_sentinel())
    live = api.llm_in_use(settings) and not as_json and stream.enabled
    with stream if live else nullcontext():
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
        emit_json(answer.to_dict())
    else:
        render.answer_text(answer)


cli.add_command(events_cmd)
cli.add_command(brief_cmd)
cli.add_command(eval_cmd)


class _WarningLines(logging.Handler):
    """The library's warnings (an article whose LLM reply was unusable, a fallback taken) as
    ``warning: ...`` lines on stderr; stderr is looked up at each line, so it follows redirection."""

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(f"warning: {record.getMessage()}", err=True)


def _show_warnings() -> None:
    logger = logging.getLogger("qa")
    if not any(isinstance(h, _WarningLines) for h in logger.handlers):
        logger.addHandler(_WarningLines(logging.WARNING))


def _interrupted(command: str | None) -> None:
    """One line on Ctrl-C. An ingest keeps every article it had written (each is one upsert),
    and the same command finishes the job, skipping what is already indexed."""
    if sys.stderr.isatty():  # the terminal echoed ^C, or a progress bar was mid-line
        click.echo(err=True)
    if command == "ingest":
        click.echo(
            "qa: interrupted; the articles already indexed are kept: run the same command again to "
            "finish (unchanged articles are skipped)",
            err=True,
        )
    else:
        click.echo("qa: interrupted", err=True)
    sys.exit(130)


def _run(argv: list[str] | None) -> None:
    """The group, invoked without ``click.Command.main`` (which prints a blank line of its own on
    Ctrl-C); the context tells the interrupt message which command was running."""
    args = sys.argv[1:] if argv is None else list(argv)
    ctx = None
    try:
        ctx = cli.make_context("qa", args)
        with ctx:
            cli.invoke(ctx)
    except click.exceptions.NoArgsIsHelpError as exc:  # bare ``qa``: the help, as ``qa --help`` prints it
        click.echo(exc.ctx.get_help())
    except click.exceptions.Exit as exc:
        if exc.exit_code:
            sys.exit(exc.exit_code)
    except (KeyboardInterrupt, click.exceptions.Abort):
        _interrupted(getattr(ctx, "invoked_subcommand", None))


def main(argv: list[str] | None = None) -> None:
    """Entry point: user errors become one line on stderr and a non-zero exit, never a traceback."""
    _show_warnings()
    try:
        _run(argv)
    except (KeyboardInterrupt, click.exceptions.Abort):  # between commands' own handling
        _interrupted(None)
    except click.ClickException as exc:
        click.echo(f"qa: error: {exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except QAError as exc:
        click.echo(f"qa: error: {exc}", err=True)
        sys.exit(exc.exit_code)
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
