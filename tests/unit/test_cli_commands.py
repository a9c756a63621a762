"""The ``qa`` group keeps every command and flag wherever the command is defined (qa.cli.main,
qa.cli.event_commands, qa.cli.eval_command)."""

from __future__ import annotations

from qa.cli.main import cli

FLAGS = {
    "ingest": {"--json", "--chunk-size", "--chunk-overlap", "--prune"},
    "sources": {"--json"},
    "remove": {"--json"},
    "ask": {"--json", "--k", "--source", "--since", "--until", "--extractive", "--model"},
    "events": {"--json", "--topic", "--relations", "--since", "--until", "--extractive", "--model"},
    "brief": {"--topic", "--json", "--format", "-o", "--output", "--since", "--until", "--extractive", "--model"},
    "eval": {"--json", "--k", "--extractive", "--model"},
}


def test_every_command_is_on_the_group():
    assert set(cli.commands) == set(FLAGS)


def test_every_command_keeps_its_flags():
    for name, flags in FLAGS.items():
        declared = {o for p in cli.commands[name].params for o in getattr(p, "opts", []) if o.startswith("-")}
        assert declared == flags, name


def test_the_group_keeps_its_global_flags():
    declared = {o for p in cli.params for o in p.opts if o.startswith("-")}
    assert {"--index-dir", "--chroma-url", "--version"} <= declared
