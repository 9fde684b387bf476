"""Next-send arithmetic in the subscription's zone, across daylight-saving changes and short months."""

from datetime import UTC, date, datetime, time

import pytest

from reports.subscriptions.schedule import next_send, parse_every, period_range


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def test_a_weekly_berlin_report_stays_at_0800_berlin_across_the_spring_change():
    # Berlin leaves CET (UTC+1) for CEST (UTC+2) on Sunday 29 March 2026.
    first = next_send(utc(2026, 3, 20, 12), every="weekly", at=time(8), zone="Europe/Berlin", weekday=0)
    second = next_send(first, every="weekly", at=time(8), zone="Europe/Berlin", weekday=0)

    assert first == utc(2026, 3, 23, 7)  # Monday 08:00 CET
    assert second == utc(2026, 3, 30, 6)  # Monday 08:00 CEST


def test_a_weekly_berlin_report_stays_at_0800_berlin_across_the_autumn_change():
    # CEST ends on Sunday 25 October 2026.
    first = next_send(utc(2026, 10, 20), every="weekly", at=time(8), zone="Europe/Berlin", weekday=0)
    second = next_send(first, every="weekly", at=time(8), zone="Europe/Berlin", weekday=0)

    assert (first, second) == (utc(2026, 10, 26, 7), utc(2026, 11, 2, 7))
    assert next_send(utc(2026, 10, 19, 5), every="weekly", at=time(8), zone="Europe/Berlin", weekday=0) == utc(
        2026, 10, 19, 6
    )


def test_a_daily_new_york_report_keeps_its_local_hour_over_the_change():
    before = next_send(utc(2026, 3, 7, 12), every="daily", at=time(9), zone="America/New_York")
    after = next_send(before, every="daily", at=time(9), zone="America/New_York")

    assert before == utc(2026, 3, 7, 14)  # 09:00 EST
    assert after == utc(2026, 3, 8, 13)  # 09:00 EDT, the morning of the change


def test_a_time_the_spring_change_skips_goes_out_an_hour_later_that_day():
    # 02:30 does not exist in Berlin on 29 March 2026; the send is at 03:30 CEST (01:30 UTC).
    moment = next_send(utc(2026, 3, 28, 12), every="daily", at=time(2, 30), zone="Europe/Berlin")
    assert moment == utc(2026, 3, 29, 1, 30)


@pytest.mark.parametrize(
    "after, expected",
    [
        (utc(2026, 1, 31, 12), utc(2026, 2, 28, 8)),  # February: its last day
        (utc(2026, 3, 1), utc(2026, 3, 31, 8)),
        (utc(2026, 4, 1), utc(2026, 4, 30, 8)),  # April has 30 days
        (utc(2028, 2, 1), utc(2028, 2, 29, 8)),  # a leap year
    ],
)
def test_a_monthly_report_on_day_31_goes_out_on_the_last_day_of_shorter_months(after, expected):
    assert next_send(after, every="monthly", at=time(8), zone="UTC", day=31) == expected


def test_the_next_send_is_strictly_after_the_last_one():
    moment = utc(2026, 3, 4, 8)
    assert next_send(moment, every="daily", at=time(8), zone="UTC") == utc(2026, 3, 5, 8)


def test_kolkata_half_hour_offset():
    assert next_send(utc(2026, 3, 4), every="daily", at=time(8), zone="Asia/Kolkata") == utc(2026, 3, 4, 2, 30)


@pytest.mark.parametrize(
    "period, start, end",
    [
        ("last-7-days", date(2026, 2, 25), date(2026, 3, 3)),
        ("last-30-days", date(2026, 2, 2), date(2026, 3, 3)),
        ("last-month", date(2026, 2, 1), date(2026, 2, 28)),
        ("month-to-date", date(2026, 3, 1), date(2026, 3, 4)),
    ],
)
def test_periods_are_whole_days_before_the_send(period, start, end):
    assert period_range(period, utc(2026, 3, 4, 12), "UTC") == (start, end)


def test_periods_follow_the_subscriptions_calendar():
    # 23:30 UTC on 31 March is already 1 April in Berlin: "last month" is March there.
    assert period_range("last-month", utc(2026, 3, 31, 23, 30), "Europe/Berlin") == (
        date(2026, 3, 1),
        date(2026, 3, 31),
    )
    assert period_range("last-month", utc(2026, 3, 31, 23, 30), "UTC") == (date(2026, 2, 1), date(2026, 2, 28))


def test_every_reads_the_command_line_forms():
    assert parse_every("daily") == ("daily", 0, 1)
    assert parse_every("weekly:MON") == ("weekly", 0, 1)
    assert parse_every("weekly:sun") == ("weekly", 6, 1)
    assert parse_every("monthly:31") == ("monthly", 0, 31)
    with pytest.raises(ValueError, match="--every"):
        parse_every("monthly:0")
