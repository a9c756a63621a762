"""YAML front matter of a Markdown or text file: the metadata block that static-site exports,
note apps and scrapers put above the article (``---`` / ``title: ...`` / ``date: ...`` / ``---``).

Read with PyYAML's safe loader. Only scalar values are taken, so a block of anchors and aliases
cannot be expanded into a huge title; a block that is not valid YAML, not a mapping, or names
none of the fields below is left in the text as it was."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

# A block opens on the first line and closes at the next "---" or "..." line, within a bound.
_BLOCK_RE = re.compile(r"\A\ufeff?---[ \t]*\n(?P<yaml>.{0,4000}?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_FIELDS = {
    "title": ("title", "headline"),
    "date": ("date", "published", "pubdate", "publishdate", "published_at", "date_published"),
    "publisher": ("source", "publisher", "site", "site_name"),
    "url": ("url", "link", "source_url", "canonical_url"),
}


@dataclass(frozen=True)
class FrontMatter:
    title: str | None = None
    date: str | None = None
    publisher: str | None = None
    url: str | None = None


def split_front_matter(text: str) -> tuple[FrontMatter | None, str]:
    """(its metadata, the text below the block), or (None, ``text``) when it has no block."""
    original = text
    text = text.replace("\r\n", "\n")  # as cleaning will read it anyway
    m = _BLOCK_RE.match(text)
    if not m:
        return None, original
    import yaml

    try:
        data = yaml.safe_load(m["yaml"] or "")
    except yaml.YAMLError:
        return None, original
    if not isinstance(data, dict):
        return None, original
    lowered = {str(k).strip().lower(): v for k, v in data.items()}
    found = {name: next(filter(None, (_scalar(lowered.get(k)) for k in keys)), None) for name, keys in _FIELDS.items()}
    if not any(found.values()):
        return None, original
    return FrontMatter(**found), text[m.end():]


def _scalar(value: object) -> str | None:
    """A field's value as text: a string, number or date; None for lists, mappings and nulls."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return str(value).strip() or None
    return None
