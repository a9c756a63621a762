"""--since/--until bounds: one parser shared by ask, brief and events."""

from datetime import date

import pytest

from qa.errors import InputError
from qa.text.dates import day_ord, is_iso, parse_bound, parse_period, parse_range


def test_partial_dates_cover_the_whole_period():
    assert parse_bound("2024") == date(2024, 1, 1)
    assert parse_bound("2024", end=True) == date(2024, 12, 31)
    assert parse_bound("2024-02", end=True) == date(2024, 2, 29)
    assert parse_bound("2023-12", end=True) == date(2023, 12, 31)
    assert parse_bound("2024-03-05", end=True) == date(2024, 3, 5)
    assert parse_bound("1 July 2024") == date(2024, 7, 1)
    assert parse_bound(date(2020, 5, 6)) == date(2020, 5, 6)
    assert parse_bound(None) is None and parse_bound("  ") is None
    assert day_ord(date(2024, 3, 5)) == 20240305
    # As the retrieval filters store them (chunk metadata date_ord).
    assert day_ord(parse_bound("2024")) == 20240101
    assert day_ord(parse_bound("2024", end=True)) == 20241231
    assert day_ord(parse_bound("2024-02", end=True)) == 20240229
    assert day_ord(parse_bound("2024-03-05")) == 20240305


@pytest.mark.parametrize("bad", ["yesterday-ish", "2024-13", "2024-02-30", "March"])
def test_unreadable_bounds_are_input_errors(bad):
    with pytest.raises(InputError, match="--until"):
        parse_bound(bad, end=True, flag="--until")


def test_reversed_range_is_an_input_error():
    assert parse_range("2024", "2024") == (date(2024, 1, 1), date(2024, 12, 31))
    with pytest.raises(InputError, match="after --until"):
        parse_range("2024-06-01", "2024-05")


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2024-02-29", True), ("2024-02-30", False), ("2023-13-01", False), ("2024-2-3", False), ("August 30", False), (None, False)],
)
def test_is_iso_accepts_only_real_calendar_days(value, expected):
    """An LLM's impossible date stays as written instead of crashing the timeline chart."""
    assert is_iso(value) is expected


@pytest.mark.parametrize(
    ("value", "period"),
    [
        ("2014-04", ("2014-04", date(2014, 4, 1), date(2014, 4, 30))),
        ("2024-2", ("2024-02", date(2024, 2, 1), date(2024, 2, 29))),
        ("April 2014", ("2014-04", date(2014, 4, 1), date(2014, 4, 30))),
        ("Sept. 2019", ("2019-09", date(2019, 9, 1), date(2019, 9, 30))),
        ("2014", ("2014", date(2014, 1, 1), date(2014, 12, 31))),
        ("2004-2005", ("2004/2005", date(2004, 1, 1), date(2005, 12, 31))),
        ("2004 – 2006", ("2004/2006", date(2004, 1, 1), date(2006, 12, 31))),
        # not a period: a day, a bad month, a span backwards or of decades, words, nothing
        ("2024-03-05", None), ("2014-13", None), ("2005-2004", None), ("1990-2030", None),
        ("Q3 2004", None), ("soon", None), ("", None), (None, None), ("1850", None),
    ],
)
def test_a_publication_period_names_a_month_a_year_or_a_span_of_years(value, period):
    assert parse_period(value) == period
