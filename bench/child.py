"""The command line shared by ``reference.py`` and ``qa_side.py``: the same sub-commands on both
sides, each printing one JSON line for ``harness.py`` to read."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable


def main(description: str, handlers: dict[str, Callable[[argparse.Namespace], dict]]) -> None:
    parser = argparse.ArgumentParser(description=description)
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("ingest")
    p.add_argument("--data", required=True)
    p.add_argument("--index", required=True)
    p = sub.add_parser("ask")
    p.add_argument("--index", required=True)
    p.add_argument("--query", required=True)
    p = sub.add_parser("latency")
    p.add_argument("--source", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--sizes", default="10000,100000")
    p.add_argument("--queries", required=True)
    args = parser.parse_args()
    sys.stdout.write(json.dumps(handlers[args.cmd](args)) + "\n")
