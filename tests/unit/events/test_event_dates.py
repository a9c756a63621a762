"""The dates a sentence gives an event, and the month tables (``qa.text.dates``)."""

from __future__ import annotations

from datetime import date

import pytest

from qa.text.dates import (
    MONTH_NUMBERS,
    MONTH_WORDS,
    MONTHS,
    WEEKDAYS,
    find_dates,
    is_iso,
    month_number,
    parse_day,
    weekday_day,
)

PUBLISHED = date(2022, 8, 17)


def test_month_tables():
    assert len(MONTHS) == 12 and MONTHS[0] == "january" and len(WEEKDAYS) == 7
    assert MONTH_NUMBERS["sep"] == 9 and MONTH_NUMBERS["may"] == 5
    assert {"sept", "sep", "september", "may", "dec"} <= MONTH_WORDS and "monday" not in MONTH_WORDS
    assert month_number("from 4 to 15 March 2024") == 3
    assert month_number("Sept. 5") == 9
    assert month_number("on Monday") is None
    assert month_number("in march") is None  # a month in running text is capitalised


def test_iso_dates():
    assert is_iso("2024-03-04") and not is_iso("August 30") and not is_iso(None) and not is_iso("2024-3-4")


@pytest.mark.parametrize(
    ("phrase", "published", "iso"),
    [
        ("4 March 2024", None, "2024-03-04"),
        ("4th of March 2024", None, "2024-03-04"),
        ("August 30", PUBLISHED, "2022-08-30"),
        ("January 5", date(2022, 12, 20), "2023-01-05"),  # the nearest year to the publication date
        ("December 28", date(2023, 1, 3), "2022-12-28"),
        ("August 30", None, None),  # no year can be known
    ],
)
def test_parse_day(phrase, published, iso):
    assert parse_day(phrase, published) == iso


def test_a_range_as_written_or_in_iso():
    info = find_dates("scheduled to take place from August 30 to September 5, according to Moscow")
    assert (info.start, info.end, info.months) == ("August 30", "September 5", {8, 9})
    assert info.text == "from August 30 to September 5"
    info = find_dates("from August 30 to September 5", published=PUBLISHED)
    assert (info.start, info.end) == ("2022-08-30", "2022-09-05")
    # "4 to 15 March 2024": the month and year are borrowed from the other side.
    info = find_dates("The drills will run from 4 to 15 March 2024 at Orzysz.")
    assert (info.start, info.end) == ("2024-03-04", "2024-03-15")


def test_a_day_a_month_a_weekday_and_a_duration():
    info = find_dates("The 11-day drills begin on July 11.", published=PUBLISHED)
    assert (info.start, info.end, info.duration, info.months) == ("2022-07-11", None, "11-day", {7})
    info = find_dates("The exercise will be held in early September.")
    assert (info.start, info.text, info.months) == (None, "early September", {9})
    info = find_dates("Troops arrive on Monday and stay for two weeks.")
    assert (info.text, info.duration, info.months) == ("Monday", "for two weeks", set())
    info = find_dates("No date at all here.")
    assert (info.start, info.end, info.text, info.months, info.duration) == (None, None, None, set(), None)


@pytest.mark.parametrize(
    ("sentence", "day"),
    [
        ("South Korea and the US on Monday launched the exercise.", "2024-01-15"),  # the day itself
        ("Troops arrived on Saturday.", "2024-01-13"),
        ("The drills will begin on Thursday.", "2024-01-18"),
        ("Ships sail next Monday.", "2024-01-22"),
        ("The exercise ended last Monday.", "2024-01-08"),
        ("No weekday here, only March 4.", None),
        # Looking ahead is read in the weekday's own clause.
        ("The ministry said on Monday that the exercise will involve 5,000 troops.", "2024-01-15"),
        ("Troops arrived on Saturday and will stay for two weeks.", "2024-01-13"),
        ("The drills, which will end next month, began on Saturday.", "2024-01-13"),
    ],
)
def test_a_weekday_is_read_against_the_articles_date(sentence, day):
    assert weekday_day(sentence, date(2024, 1, 15)) == day  # a Monday


def test_the_weekday_asked_for_is_the_one_read():
    sentence = "Officials said on Friday that the drills began on Monday."
    assert weekday_day(sentence, date(2024, 1, 20), "Monday") == "2024-01-15"
    assert weekday_day(sentence, date(2024, 1, 20)) == "2024-01-19"
