"""Remove boilerplate lines, find title and date. Sentences are never rewritten: quotes stay verbatim."""

from __future__ import annotations

import hashlib
import re
from datetime import date

from qa.models import Document, RawArticle

# Lines matching any of these are web furniture, not reporting. Each is anchored or bounded so
# that an ordinary sentence that merely mentions e.g. "copyright" is kept.
_BOILERPLATE = [
    r"^leave a (reply|comment)\b",
    r"^(your )?email address will not be published",
    r"^required fields are marked",
    r"^disclaimer\s*:",
    r"^(the )?copyright (of|in) this article",
    r"^(copyright|©|\(c\))\s*(\d{4}|©)",
    r"\ball rights reserved\.?$",
    r"^see also\b",
    r"^scroll down for (the )?video",
    r"^(read|see) (more|also)\s*:?",
    r"^more on this story\b",
    r"^related (articles?|stories|coverage|content)\b",
    r"^(share|tweet|email|print|whatsapp|facebook|twitter)( this( article| story)?)?( on .*)?\s*$",
    r"^(click|tap) (here )?to (share|print|email|subscribe|read)",
    r"^(sign up|subscribe)( now)?\b.*(newsletter|updates|free)",
    r"^follow (us|\w+) on (twitter|x|facebook|instagram|telegram)",
    r"^advertisement\s*$",
    r"^(\d+ )?comments?\s*$",
    r"^posted (in|by)\b.{0,80}$",
    r"^(image|photo|picture|video)( source| caption)?\s*:",
    r"^(getty images|reuters|afp|ap|epa|pa media)\s*$",
]
_BOILERPLATE_RE = re.compile("|".join(f"(?:{p})" for p in _BOILERPLATE), re.IGNORECASE)

# Captions carry an inline credit ("... bread Credit: Belarus Ministry of Defence"). Such a line
# repeats the photo, not the story; it is short and ends with the credit.
_CREDIT_RE = re.compile(
    r"\b(credit|photo(graph)?|image|picture)s?\s*:\s*[^.!?]{2,80}$|/\s*(getty images|reuters|afp|ap|epa)\s*$",
    re.IGNORECASE,
)

_ISO_DATE_RE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_DATELINE_RE = re.compile(
    r"^(published|updated|posted|date)?\s*:?\s*(on\s+)?"
    r"((\d{1,2}\s+)?(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+(\d{1,2},?\s+)?\d{4}"
    r"|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{4})\b.{0,40}$",
    re.IGNORECASE,
)


def is_boilerplate(line: str) -> bool:
    stripped = line.strip()
    if not stripped:
        return False
    if _BOILERPLATE_RE.search(stripped):
        return True
    return len(stripped.split()) <= 40 and bool(_CREDIT_RE.search(stripped))


def content_hash(text: str) -> str:
    """Hash of the text with whitespace folded, so re-wrapped copies of an article match."""
    folded = " ".join(text.split())
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


def clean_text(text: str) -> tuple[str, int]:
    """Drop boilerplate lines; collapse runs of blank lines. Returns (text, lines removed)."""
    kept: list[str] = []
    removed = 0
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if is_boilerplate(line):
            removed += 1
            continue
        line = line.rstrip()
        if not line.strip():
            if kept and kept[-1] != "":
                kept.append("")
            continue
        kept.append(line)
    while kept and kept[-1] == "":
        kept.pop()
    return "\n".join(kept), removed


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
    # A dateline ("Published 4 April 2023") is neither a headline nor a stray link: it is passed
    # over here and kept in the text, where find_dateline reads it.
    lines = [ln for ln in (raw.strip() for raw in text.split("\n")) if ln and not _DATELINE_RE.match(ln)]
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
    strays = [ln for i, ln in enumerate(leading) if i != best and scores[i] < 0.5 * scores[best]]
    return leading[best].rstrip(".").strip(), strays


def headline(text: str) -> str | None:
    return split_headlines(text)[0]


def normalise_date(value: str | None) -> str | None:
    """An ISO date (YYYY-MM-DD) when ``value`` names a day; None for ranges like '2004-2005'."""
    if not value:
        return None
    value = value.strip()
    m = _ISO_DATE_RE.search(value)
    if m:
        try:
            return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        except ValueError:
            return None
    if not re.search(r"\d", value) or re.fullmatch(r"[\d\s\-–/]+", value) and len(value) <= 9:
        return None
    import dateparser

    parsed = dateparser.parse(
        value,
        languages=["en"],
        settings={"STRICT_PARSING": True, "REQUIRE_PARTS": ["day", "month", "year"]},
    )
    return parsed.date().isoformat() if parsed else None


def find_dateline(text: str) -> str | None:
    """A publication date from a dateline among the first lines ("Published 8 July 2024")."""
    for line in [ln.strip() for ln in text.split("\n") if ln.strip()][:6]:
        m = _DATELINE_RE.match(line)
        if m:
            found = normalise_date(m.group(3))
            if found:
                return found
    return None


def clean_article(raw: RawArticle) -> Document:
    text, removed = clean_text(raw.text)
    title, strays = split_headlines(text)
    if strays:
        lines = text.split("\n")
        for stray in strays:
            lines.remove(next(ln for ln in lines if ln.strip() == stray))
        text, _ = clean_text("\n".join(lines))
        removed += len(strays)
    title = (raw.title or "").strip() or title or raw.path.stem
    return Document(
        doc_id=content_hash(text)[:16],
        source_key=raw.source_key,
        path=raw.path,
        source=raw.source,
        title=title,
        text=text,
        date=normalise_date(raw.date) or find_dateline(text),
        publisher=raw.publisher,
        url=raw.url,
        removed_lines=removed,
    )
