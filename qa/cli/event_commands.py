"""``qa events`` and ``qa brief``: the cited event records, who with whom, and the briefing built
from them. Registered on the ``qa`` group by ``qa.cli.main``."""

from __future__ import annotations

import json

import click

from qa.cli.options import (
    check_output,
    date_options,
    emit_json,
    llm_options,
    llm_settings,
    write_output,
)


@click.command("events")
@click.option("--json", "as_json", is_flag=True, help='Print {"events": [...]} (with --relations: {"relations": [...], "citations": [...]}) as JSON.')
@click.option("--topic", default=None, help="Only events about this topic.")
@click.option("--relations", "show_relations", is_flag=True, help="Who with whom: the pairs that exercised, aligned or deployed together.")
@date_options
@llm_options("Offline extraction")
@click.pass_context
def events_cmd(ctx, as_json, topic, show_relations, since, until, extractive, model):
    """Exercises, alliances and deployments in the articles, as cited records."""
    from qa import api
    from qa.cli import render

    settings = llm_settings(ctx, extractive, model)
    events = api.events(settings, topic=topic, since=since, until=until)
    if show_relations:
        pairs = api.relations(events)
        sources = api.relation_sources(pairs, events)
        if as_json:
            emit_json({"relations": [r.to_dict() for r in pairs], "citations": [c.to_dict() for c in sources]})
        else:
            render.relations_table(pairs, sources, offline=not api.llm_in_use(settings))
    elif as_json:
        emit_json({"events": [e.to_dict() for e in events]})
    else:
        render.events_list(events, offline=not api.llm_in_use(settings))


@click.command("brief")
@click.option("--topic", default=None, help="Brief on this topic only (default: the whole index).")
@click.option("--json", "as_json", is_flag=True, help="JSON: title, markdown, citations, events.")
@click.option("--format", "fmt", type=click.Choice(["markdown", "html"]), default="markdown", show_default=True)
@click.option("-o", "--output", default=None, help="Write to this file instead of stdout.")
@date_options
@llm_options("Extractive briefing")
@click.pass_context
def brief_cmd(ctx, topic, as_json, fmt, output, since, until, extractive, model):
    """A cited briefing: key points, exercises, alliances, deployments, timeline and sources."""
    from qa import api
    from qa.cli import render

    check_output(output)
    if as_json and fmt == "html":
        # the JSON holds the briefing's Markdown and its parts; an HTML page is another output
        raise click.UsageError("--json and --format html are two outputs: choose one")
    settings = llm_settings(ctx, extractive, model)
    briefing = api.brief(settings, topic=topic, since=since, until=until)
    if as_json:
        text = json.dumps(briefing.to_dict(), ensure_ascii=False, indent=2) + "\n"
    elif fmt == "html":
        text = api.brief_html(briefing, settings)
    else:
        text = briefing.markdown
    if output:
        write_output(output, text)
    elif as_json or fmt == "html":
        click.echo(text, nl=False)
    else:
        render.briefing_markdown(text)
