"""Remove boilerplate lines, find title and date. Sentences are never rewritten: quotes stay verbatim."""

from __future__ import annotations

import hashlib
import re
from datetime import date

from qa.models import Document, RawArticle
from qa.text.boilerplate import is_boilerplate
from qa.text.controls import strip_controls
from qa.text.dates import MONTH_RE, YEAR_RE, parse_period
from qa.text.spans import clip, sentence_spans

_ISO_DATE_RE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_COMPACT_DATE_RE = re.compile(r"(\d{4})(\d{2})(\d{2})")  # 20240101, as some feeds write it
# Longer than any way of writing one date ("Wednesday, 10 September 2024 14:05:00 GMT+01:00"):
# no use handing a page of text to dateparser.
_LONGEST_DATE = 80
_DATELINE_RE = re.compile(
    r"^(published|updated|posted|date)?\s*:?\s*(on\s+)?"
    r"((\d{1,2}\s+)?(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+(\d{1,2},?\s+)?\d{4}"
    r"|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{4})\b.{0,40}$",
    re.IGNORECASE,
)
# A wire dateline opening the story: a place, then the day, an agency, a dash ("WARSAW, May 3,
# 2024 (Reuters) - ...", "NORFOLK, Va., 3 May 2024 — ..."). Only a date with its year is read:
# "May 3" alone would be dated to whatever year the reader parses it in.
_WIRE_DATELINE_RE = re.compile(
    r"^[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}(?:,\s*[A-Z][\w.'’ -]{1,25}?){0,2},\s*"
    rf"(?P<date>(?:\d{{1,2}}\s+)?(?i:{MONTH_RE})\s+(?:\d{{1,2}},?\s+)?{YEAR_RE})"
    r"\s*(?:\([^()]{1,30}\))?\s*(?:--?|–|—)(?:\s|$)",
)
# A byline above the story ("By Jane Smith", "By Defence Correspondent") names no article.
_BYLINE_RE = re.compile(r"^(?i:by)\s+[A-Z][\w.'’-]*(?:\s+(?:[A-Z][\w.'’-]*|and|&|of|the|,)){0,7},?$")
_MARKUP_RE = re.compile(r"[*_]{1,3}|^#{1,6}\s+")  # Markdown emphasis and a heading's hashes


def _unmarked(line: str) -> str:
    """A line without Markdown emphasis or heading marks ("**Published:** 3 May" -> "Published: 3 May")."""
    return _MARKUP_RE.sub("", line.strip()).strip()


def _stands_apart(plain: str) -> bool:
    """A line that is a dateline or a byline alone, not a headline ("Published 4 April 2023",
    "SYDNEY, July 24, 2023 —", "By Jane Smith"); a wire lede that opens with its dateline is
    a paragraph of the story."""
    wire = _WIRE_DATELINE_RE.match(plain)
    return bool(_DATELINE_RE.match(plain) or wire and not plain[wire.end():].strip() or _BYLINE_RE.match(plain))


_LEDE_TITLE = 100  # characters of a first sentence used as a title


def _printable(value: str | None) -> str | None:
    """A metadata value without escapes and controls, stripped; None when nothing is left."""
    return strip_controls(value or "").strip() or None


def _lede(text: str) -> str | None:
    """The first sentence of ``text``, cut to a title's length. A line break ends a sentence,
    so only the first non-blank line is split."""
    line = next((ln for ln in text.split("\n") if ln.strip()), "")
    first = next((sp.text for sp in sentence_spans(line) if sp.text.strip()), "")
    return clip(first.rstrip("."), _LEDE_TITLE) or None


def content_hash(text: str) -> str:
    """Hash of the text with whitespace folded, so re-wrapped copies of an article match."""
    folded = " ".join(text.split())
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


def clean_text(text: str) -> tuple[str, int]:
    """Drop boilerplate lines; collapse runs of blank lines; join hard-wrapped lines. Returns
    (text, lines removed). Lines are joined only within a run of kept lines, never across a
    removed one, so every sentence of the result is in the original."""
    parts: list[str] = []
    run: list[str] = []
    gap = ""  # what separates the next run of lines from the text so far
    removed = 0

    def flush() -> None:
        nonlocal gap
        if run:
            parts.append(gap + _unwrapped(run))
            run.clear()
            gap = "\n"

    for raw in strip_controls(text.replace("\r\n", "\n").replace("\r", "\n")).split("\n"):
        if is_boilerplate(raw):
            removed += 1
            flush()
            continue
        line = raw.rstrip()
        if not line.strip():
            flush()
            gap = "\n\n" if parts else ""
            continue
        run.append(line)
    flush()
    return "".join(parts), removed


# A list item or a table row starts its own line even inside a wrapped paragraph.
_LINE_ITEM_RE = re.compile(r"\s*(?:[-*•–|>#]|\d{1,3}[.)])\s")


def _unwrapped(lines: list[str]) -> str:
    """The lines of one paragraph, joined when it is hard-wrapped: text filled to a fixed width,
    as in plain-text exports and mail, where a sentence would otherwise be cut at every break.

    A paragraph is hard-wrapped when it has several lines, its longest line is long enough to
    have been filled (>= 50 characters, <= 120), every line but the last fills at least half of
    that width, and none is a list item or table row. Short lines (addresses, verse, a title above
    a dateline) and lists are left as they are.
    """
    if len(lines) > 1:
        width = max(len(line) for line in lines)
        if (
            50 <= width <= 120
            and all(len(line) >= width / 2 for line in lines[:-1])
            and not any(_LINE_ITEM_RE.match(line) for line in lines)
        ):
            return " ".join(line.strip() for line in lines)
    return "\n".join(lines)


def _is_headline_like(line: str) -> bool:
    words = line.split()
    sentence_breaks = len(re.findall(r"[.!?][\"”’)]?\s+[A-Z“\"]", line))
    return 0 < len(words) <= 30 and sentence_breaks == 0


_WORD_RE = re.compile(r"[A-Za-z][A-Za-z'-]{3,}")


def _overlap(line: str, body: str) -> float:
    words = {w.lower() for w in _WORD_RE.findall(line)}
    if not words:
        return 0.0
    body_words = {w.lower() for w in _WORD_RE.findall(body)}
    return len(words & body_words) / len(words)


def split_headlines(text: str) -> tuple[str | None, list[str]]:
    """The headline, and stray leading headline-like lines that are not about this article.

    Pages pasted from the web often start with a link to another story before the real
    headline ("Russia deploys ... Kaliningrad" above "China to participate ..."). When the
    article opens with several headline-like lines, the one sharing most words with the body
    is the title and the others, sharing few, are links to drop.
    """
    # A dateline or byline standing apart is neither a headline nor a stray link: it is passed
    # over here and kept in the text, where find_dateline reads a dateline. A Markdown heading is
    # read without its hashes and emphasis; a stray is returned as written, to be removed.
    written: list[str] = []
    lines: list[str] = []  # as read
    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            continue
        plain = _unmarked(line)
        if not _stands_apart(plain):
            written.append(line)
            lines.append(plain if line.startswith("#") else line)
    leading: list[str] = []
    for ln in lines[:4]:
        if not _is_headline_like(ln) or ln.endswith((".", "?", "!", "”", '"')) and len(ln.split()) > 12:
            break
        leading.append(ln)
    if not leading:
        first = lines[0] if lines else ""
        # A long one-sentence lede still makes a readable title.
        return (first.rstrip(".").strip() if first and _is_headline_like(first) else None), []
    if len(leading) == 1:
        return leading[0].rstrip(".").strip(), []
    body = "\n".join(lines[len(leading):])
    scores = [_overlap(ln, body) for ln in leading]
    best = max(range(len(leading)), key=lambda i: scores[i])
    strays = [written[i] for i in range(len(leading)) if i != best and scores[i] < 0.5 * scores[best]]
    return leading[best].rstrip(".").strip(), strays


def headline(text: str) -> str | None:
    return split_headlines(text)[0]


def normalise_date(value: str | None) -> str | None:
    """An ISO date (YYYY-MM-DD) when ``value`` names a day; None for ranges like '2004-2005'."""
    if not value:
        return None
    value = value.strip()
    if len(value) > _LONGEST_DATE:
        return None
    m = _ISO_DATE_RE.search(value) or _COMPACT_DATE_RE.fullmatch(value)
    if m:
        try:
            return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        except ValueError:
            return None
    if not re.search(r"\d", value) or re.fullmatch(r"[\d\s\-–/]+", value) and len(value) <= 9:
        return None
    import dateparser

    # No relative dates: "3 days ago" in a feed was written relative to a day we do not know,
    # and read relative to today it would date the article anew on every run.
    parsed = dateparser.parse(
        value,
        languages=["en"],
        settings={
            "STRICT_PARSING": True,
            "REQUIRE_PARTS": ["day", "month", "year"],
            "PARSERS": ["timestamp", "custom-formats", "absolute-time"],
        },
    )
    return parsed.date().isoformat() if parsed else None


def find_dateline(text: str) -> str | None:
    """A publication date from a dateline among the first lines: one of its own ("Published 8
    July 2024") or a wire story's opening ("WARSAW, May 3, 2024 (Reuters) - ...")."""
    for line in [_unmarked(ln) for ln in text.split("\n") if ln.strip()][:6]:
        m = _DATELINE_RE.match(line)
        found = normalise_date(m.group(3)) if m else None
        if not found and (wire := _WIRE_DATELINE_RE.match(line)):
            found = normalise_date(wire["date"])
        if found:
            return found
    return None


def clean_article(raw: RawArticle) -> Document:
    text, removed = clean_text(raw.text)
    title, strays = split_headlines(text)
    if strays:
        # A stray leaves a blank line, so the lines around it are never joined as one
        # hard-wrapped paragraph (as for any removed line).
        lines = text.split("\n")
        for stray in strays:
            lines[next(i for i, ln in enumerate(lines) if ln.strip() == stray)] = ""
        text, _ = clean_text("\n".join(lines))
        removed += len(strays)
    # Metadata is printed and stored like the text, so it loses escapes and controls too. A
    # file's name says what it holds; one JSONL file's name is shared by all its records, so a
    # record without a title or headline is named by its first sentence.
    title = _printable(raw.title) or title
    if not title and raw.path.suffix.lower() == ".jsonl":
        title = _lede(text)
    title = title or _printable(raw.path.stem) or "untitled"
    return Document(
        doc_id=content_hash(text)[:16],
        source_key=raw.source_key,
        path=raw.path,
        source=raw.source,
        title=title,
        text=text,
        date=(day := normalise_date(raw.date) or find_dateline(text)),
        publisher=_printable(raw.publisher),
        url=_printable(raw.url),
        removed_lines=removed,
        date_period=None if day else (parse_period(raw.date) or (None,))[0],
    )
