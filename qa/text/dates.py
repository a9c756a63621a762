"""Dates, the one home for them: ``--since``/``--until`` bounds (one parser for every command that
filters by date), month and weekday tables, and the dates a sentence gives an event (a range, a
day, a month, a weekday, a duration), ISO when the year is known or can be inferred from the
publication date."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from qa.errors import InputError


def parse_bound(value: str | date | None, *, end: bool = False, flag: str = "--since") -> date | None:
    """YYYY-MM-DD, YYYY-MM or YYYY (or a full date dateparser reads, "1 July 2024").

    A bare year or month means its first day as a lower bound and its last day as an upper
    bound (``end=True``), so ``--since 2024 --until 2024`` is the whole year."""
    if value is None or isinstance(value, date):
        return value
    text = str(value).strip()
    if not text:
        return None
    m = re.fullmatch(r"(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", text)
    try:
        if m:
            year, month, day = int(m[1]), m[2], m[3]
            if month is None:
                return date(year, 12, 31) if end else date(year, 1, 1)
            if day is None:
                first = date(year, int(month), 1)  # raises for month 13
                return month_end(year, first.month) if end else first
            return date(year, int(month), int(day))
    except ValueError:
        pass
    else:
        import dateparser

        # Strict: "yesterday-ish" or "March" alone must be refused, not read relative to today.
        parsed = dateparser.parse(text, languages=["en"], settings={"STRICT_PARSING": True})
        if parsed is not None:
            return parsed.date()
    raise InputError(f"invalid {flag} date {text!r}: use YYYY-MM-DD (or YYYY-MM, YYYY)")


def parse_range(since: str | date | None, until: str | date | None) -> tuple[date | None, date | None]:
    start = parse_bound(since, flag="--since")
    stop = parse_bound(until, end=True, flag="--until")
    if start and stop and start > stop:
        raise InputError(f"--since {since} is after --until {until}")
    return start, stop


def month_end(year: int, month: int) -> date:
    return date.fromordinal(date(year + (month == 12), month % 12 + 1, 1).toordinal() - 1)


def parse_period(value: str | None) -> tuple[str, date, date] | None:
    """A publication date that names no day, as (label, first day, last day): a month
    ("2014-04", "April 2014" -> "2014-04"), a year ("2014") or a span of up to ten years
    ("2004-2005", "2004 to 2006" -> "2004/2005"). None for anything else."""
    text = (value or "").strip()
    m = re.fullmatch(rf"({YEAR_RE})(?:[-/.](\d{{1,2}}))?", text)
    if m is None and (named := re.fullmatch(rf"({MONTH_RE}),?\s+({YEAR_RE})", text, re.IGNORECASE)):
        m = re.fullmatch(r"(\d{4})-(\d+)", f"{named[2]}-{MONTH_NUMBERS[named[1][:3].lower()]}")
    try:
        if m and m[2] is None:
            year = int(m[1])
            return m[1], date(year, 1, 1), date(year, 12, 31)
        if m:
            year, month = int(m[1]), int(m[2])
            return f"{year}-{month:02d}", date(year, month, 1), month_end(year, month)
    except ValueError:  # month 13
        return None
    span = re.fullmatch(rf"({YEAR_RE})\s*(?:-|–|—|/|to)\s*({YEAR_RE})", text)
    if span and 0 < int(span[2]) - int(span[1]) <= 10:
        return f"{span[1]}/{span[2]}", date(int(span[1]), 1, 1), date(int(span[2]), 12, 31)
    return None


def day_ord(day: date) -> int:
    """The YYYYMMDD integer stored as chunk metadata ``date_ord`` (Chroma filters compare numbers)."""
    return day.year * 10000 + day.month * 100 + day.day


# --------------------------------------------------------------------------- months and weekdays
MONTHS = tuple(
    "january february march april may june july august september october november december".split()
)
# Month number by the first three letters of the name ("sep", "sept", "september" -> 9).
MONTH_NUMBERS: dict[str, int] = {m[:3]: i for i, m in enumerate(MONTHS, start=1)}
# Every way news copy writes a month as one lower-case word: names and abbreviations.
MONTH_WORDS = frozenset([*MONTHS, *MONTH_NUMBERS, "sept"])
WEEKDAYS = tuple("monday tuesday wednesday thursday friday saturday sunday".split())

MONTH_RE = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
YEAR_RE = r"(?:19|20)\d{2}"  # a year of modern news, the one pattern every module uses


def is_year(word: str) -> bool:
    """``word`` is a year ("2019"), as opposed to another number."""
    return bool(re.fullmatch(YEAR_RE, word))


def month_number(text: str) -> int | None:
    """The number of the first month named (capitalised, as in running text) in ``text``."""
    m = re.search(MONTH_RE, text)
    return MONTH_NUMBERS.get(m.group()[:3].lower()) if m else None


def is_iso(value: str | None) -> bool:
    """``value`` is a real YYYY-MM-DD date (event fields keep other dates as written; an LLM's
    "2024-02-30" is not one, and would fail wherever the date is used as a date)."""
    if not value or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _has_year(text: str) -> bool:
    return bool(re.search(rf"\b{YEAR_RE}\b", text))


def parse_day(text: str, published: date | None) -> str | None:
    """ISO for a date phrase ("August 30", "4th of March 2024"): its own year, else the year that
    puts it nearest the publication date; None when no year can be known (the caller keeps the
    text as written)."""
    import dateparser

    clean = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text).replace(" of ", " ")
    if not _has_year(clean) and published is None:
        return None
    base = datetime.combine(published, datetime.min.time()) if published else None
    settings = {"REQUIRE_PARTS": ["day", "month"], "PREFER_DAY_OF_MONTH": "first"}
    if base is not None:
        settings["RELATIVE_BASE"] = base
    parsed = dateparser.parse(clean, languages=["en"], settings=settings)
    if parsed is None:
        return None
    day = parsed.date()
    if not _has_year(clean) and published is not None:
        # Announcements look ahead or back a few months, not a year: pick the nearest year.
        candidates = []
        for y in (published.year - 1, published.year, published.year + 1):
            try:
                candidates.append(day.replace(year=y))
            except ValueError:
                continue
        day = min(candidates, key=lambda d: abs(d - published))
    return day.isoformat()


# --------------------------------------------------------------------------- dates in a sentence
_DAY_RE = r"\d{1,2}(?:st|nd|rd|th)?"
_ONE_RE = (
    rf"(?:\d{{4}}-\d{{2}}-\d{{2}}|{MONTH_RE}\s+{_DAY_RE}(?:,?\s+{YEAR_RE})?"
    rf"|{_DAY_RE}\s+(?:of\s+)?{MONTH_RE}(?:,?\s+{YEAR_RE})?)"
)
_RANGE_RE = re.compile(
    rf"(?:\b(?:from|between)\s+)?(?P<a>{_ONE_RE}|\b{_DAY_RE})\s*(?:to|until|till|through|and|-|–|—)\s*"
    rf"(?P<b>{_ONE_RE}|{_DAY_RE}\b(?:,?\s+{YEAR_RE})?)"
)
_SINGLE_RE = re.compile(rf"(?<![\w-])(?P<a>{_ONE_RE})(?![\w-])")
_MONTH_ONLY_RE = re.compile(
    rf"\b(?:(?i:in|since|until|by|during|from|last|next|this)\s+)(?:(?:early|mid|late|the end of)[- ]?\s*)?"
    rf"(?P<m>{MONTH_RE})(?:\s+(?P<y>{YEAR_RE}))?\b"
)
_WEEKDAY_RE = re.compile(
    r"\b(?P<word>on|from|until|by|next|last|this)\s+(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
)
# Words that put a weekday ahead of the article ("will begin on Monday"), looked for in the
# weekday's own clause: "said on Monday that the drills will..." is a past Monday.
_AHEAD_RE = re.compile(
    r"\b(?:will|would|shall|is to|are to|is due|are due|plans? to|planned|scheduled|set to|expected to)\b", re.IGNORECASE
)
_CLAUSE_START_RE = re.compile(r".*(?:[,;:—–(]|\b(?:and|but|that|which|while|after|before)\b)", re.IGNORECASE | re.DOTALL)
_DURATION_RE = re.compile(
    r"\b(\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    r"twenty|thirty)[- ](day|week|month|hour)s?(?:-long)?\b|\b(?:last(?:s|ing)?|for)\s+(\d{1,3}|one|two|three|"
    r"four|five|six|seven|eight|nine|ten|eleven|twelve)\s+(days|weeks|months|hours)\b",
    re.IGNORECASE,
)


@dataclass
class DateInfo:
    """Dates of an event as found in one sentence; ISO when the year is known."""

    start: str | None = None  # ISO date, or the text as written when the year is unknown
    end: str | None = None
    text: str | None = None  # the date phrase as written ("from August 30 to September 5")
    months: set[int] = field(default_factory=set)
    duration: str | None = None  # as written ("11-day")


def find_dates(sentence: str, published: date | None = None) -> DateInfo:
    """The event dates a sentence gives: a range, a day, a month or a weekday, and a duration."""
    info = DateInfo()
    dur = _DURATION_RE.search(sentence)
    if dur:
        info.duration = dur.group(0)
    rng = next((m for m in _RANGE_RE.finditer(sentence) if month_number(m.group()) is not None), None)
    if rng:
        a, b = rng.group("a").strip(), rng.group("b").strip()
        # "30 to September 5" / "August 3-14, 2024": borrow the month and year from the other side.
        if month_number(a) is None:
            a = f"{a} {re.search(MONTH_RE, b).group()}"
        if month_number(b) is None:
            b = f"{re.search(MONTH_RE, a).group()} {b}"
        year = re.search(rf"\b{YEAR_RE}\b", rng.group())
        a_full = a if _has_year(a) or not year else f"{a} {year.group()}"
        b_full = b if _has_year(b) or not year else f"{b} {year.group()}"
        info.text = rng.group().strip()
        info.start = parse_day(a_full, published) or a
        info.end = parse_day(b_full, published) or b
        if info.start and info.end and info.start > info.end and is_iso(info.start) and is_iso(info.end):
            info.end = parse_day(b_full, date.fromisoformat(info.start) + timedelta(days=40)) or b
        info.months = {m for m in (month_number(a), month_number(b)) if m}
        return info
    single = _SINGLE_RE.search(sentence)
    if single:
        a = single.group("a")
        info.text = a
        info.start = parse_day(a, published) or a
        info.months = {month_number(a)} if month_number(a) else set()
        return info
    mo = _MONTH_ONLY_RE.search(sentence)
    if mo:
        head, rest = mo.group(0).split(" ", 1)
        info.text = rest if head.lower() in ("in", "during", "from") else mo.group(0)
        info.months = {month_number(mo.group("m"))}
        return info
    wd = _WEEKDAY_RE.search(sentence)
    if wd:
        info.text = wd.group(2)
    return info


def weekday_day(sentence: str, published: date, weekday: str | None = None) -> str | None:
    """The ISO day a news sentence means by its weekday ("on Monday"): the last one on or
    before the article's date ("troops arrived on Monday"), or, in a clause about what is to
    come ("will begin on Monday"), the first one on or after it; "next" and "last" Monday are
    never the day itself. ``weekday``: read that one ("Monday"), not the first the sentence
    names. None when the sentence names no (such) weekday."""
    wd = next((m for m in _WEEKDAY_RE.finditer(sentence) if weekday in (None, m.group(2))), None)
    if wd is None:
        return None
    forward = (WEEKDAYS.index(wd.group(2).lower()) - published.weekday()) % 7
    back = (7 - forward) % 7
    if wd["word"] in ("next", "last"):
        forward, back = forward or 7, back or 7
    before = sentence[: wd.start()]
    clause = before[m.end():] if (m := _CLAUSE_START_RE.match(before)) else before
    ahead = wd["word"] == "next" or (wd["word"] != "last" and _AHEAD_RE.search(clause) is not None)
    return (published + timedelta(days=forward) if ahead else published - timedelta(days=back)).isoformat()
