"""Date bounds for ``--since``/``--until``: one parser for every command that filters by date."""

from __future__ import annotations

import re
from datetime import date

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
                if not end:
                    return first
                return date.fromordinal(date(year + (first.month == 12), first.month % 12 + 1, 1).toordinal() - 1)
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


def day_ord(day: date) -> int:
    """The YYYYMMDD integer stored as chunk metadata ``date_ord`` (Chroma filters compare numbers)."""
    return day.year * 10000 + day.month * 100 + day.day
