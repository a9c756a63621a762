"""Checks shared by the events and briefing tests."""

from __future__ import annotations

import re
from pathlib import Path

from qa.text.citations import MARKER_RE, is_verbatim
from qa.text.spans import fold_ws

BOILERPLATE = ("Disclaimer", "Leave a Reply", "Leave a reply", "See also", "Credit:", "Share this article",
               "newsletter", "Advertisement", "email address will not be published", "infringement")


def assert_quote_verbatim(citation: dict, store_texts: dict[str, str]) -> None:
    """The quote is in its chunk and in the original file (whitespace aside)."""
    quote = citation["quote"]
    assert is_verbatim(quote, store_texts[citation["chunk_id"]]), quote
    original = Path(citation["path"]).read_text(encoding="utf-8")
    assert fold_ws(quote) in fold_ws(original), quote


def markers(text: str) -> set[int]:
    return {int(n) for m in MARKER_RE.finditer(text) for n in re.findall(r"\d+", m.group(1))}


def bullets(markdown: str) -> list[str]:
    return [ln for ln in markdown.splitlines() if ln.lstrip().startswith(("- ", "* "))]
