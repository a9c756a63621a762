"""What the ``qa`` commands share: settings from the global flags, the --since/--until and LLM
flags, JSON output, and the checks and writes of an ``--output`` file.

Heavy imports happen inside the helpers so that ``qa --help`` stays instant.
"""

from __future__ import annotations

import json
import os

import click


def settings_for(ctx: click.Context, **overrides):
    """The settings: environment and defaults, the group's --index-dir/--chroma-url, then ``overrides``."""
    from qa.config import load_settings

    base = ctx.obj or {}
    return load_settings(**{**base, **overrides})


def llm_settings(ctx: click.Context, extractive: bool, model: str | None, **overrides):
    """Settings for a command that can use an LLM: --extractive forces offline mode."""
    settings = settings_for(ctx, extractive=True if extractive else None, llm_model=model, **overrides)
    if model is not None and not settings.llm.configured:
        click.echo(f"note: --model {model} is not used: no LLM is configured (QA_LLM_BASE_URL or OPENAI_API_KEY)", err=True)
    return settings


def emit_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def stderr_console():
    from rich.console import Console

    return Console(stderr=True)


def date_options(command):
    """--since/--until, read by qa.text.dates.parse_bound (a bare year or month is the whole period)."""
    for flag, side in (("--until", "before"), ("--since", "after")):
        command = click.option(
            flag, default=None, help=f"Only articles dated on or {side} this day (YYYY-MM-DD, YYYY-MM or YYYY)."
        )(command)
    return command


def llm_options(offline_help: str):
    """--extractive and --model, shared by every command that can use an LLM."""

    def decorate(command):
        command = click.option("--model", default=None, help="Chat model for LLM mode [env QA_LLM_MODEL].")(command)
        return click.option("--extractive", is_flag=True, help=f"{offline_help} even when an LLM is configured.")(command)

    return decorate


def check_output(path: str | None) -> None:
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


def write_output(path: str, text: str) -> None:
    from pathlib import Path

    from qa.errors import InputError

    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None
    click.echo(f"wrote {path}", err=True)
