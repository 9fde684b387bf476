"""OFFICE_HOURS: parsed and checked at start-up, with a clear error."""

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from dashboard.office_hours import parse

ROOT = Path(__file__).resolve().parent.parent
NEW_YORK = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("text", "days", "label"),
    [
        ("Mon-Fri 08:00-18:00", (0, 1, 2, 3, 4), "Mon–Fri 08:00–18:00"),
        ("sun-thu 7:30-16:00", (0, 1, 2, 3, 6), "Mon–Thu, Sun 07:30–16:00"),
        ("Mon,Wed,Fri 09:00-24:00", (0, 2, 4), "Mon, Wed, Fri 09:00–24:00"),
        ("Sat-Tue 10:00-12:00", (0, 1, 5, 6), "Mon–Tue, Sat–Sun 10:00–12:00"),
    ],
)
def test_office_hours_are_read_as_people_write_them(text, days, label):
    office = parse(text)

    assert office.days == days and office.label == label


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Mon-Fri 9-5", "e.g. 'Mon-Fri 08:00-18:00'"),
        ("Mon-Fry 08:00-18:00", "unknown day 'Fry'"),
        ("Mon-Fri 18:00-08:00", "start (18:00) must be before their end (08:00)"),
        ("Mon-Fri 08:00-25:00", "25:00 is no time of day"),
        ("Mon-Fri 08:75-18:00", "08:75 is no time of day"),
        ("", "e.g."),
    ],
)
def test_a_bad_value_says_what_is_wrong(text, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse(text)


def test_the_dashboard_refuses_to_start_with_bad_office_hours():
    env = {**os.environ, "DEBUG": "true", "OFFICE_HOURS": "weekdays 9 to 5", "DJANGO_SETTINGS_MODULE": ""}
    env.pop("DJANGO_SETTINGS_MODULE")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )

    assert result.returncode != 0
    assert "ImproperlyConfigured: OFFICE_HOURS: write office hours as days and times" in result.stderr


def test_an_hour_is_covered_split_or_outside_in_local_time():
    office = parse("Mon-Fri 08:00-18:00")
    kolkata = ZoneInfo("Asia/Kolkata")

    assert office.covers(datetime(2026, 3, 9, 13, tzinfo=UTC), NEW_YORK) is True  # 09:00 EDT, a Monday
    assert office.covers(datetime(2026, 3, 9, 23, tzinfo=UTC), NEW_YORK) is False  # 19:00
    assert office.covers(datetime(2026, 3, 8, 14, tzinfo=UTC), NEW_YORK) is False  # Sunday
    assert office.covers(datetime(2026, 3, 9, 2, tzinfo=UTC), kolkata) is None  # 07:30-08:30 IST
    assert office.covers(datetime(2026, 3, 9, 3, tzinfo=UTC), kolkata) is True
    assert office.contains(datetime(2026, 3, 9, 17, 59, tzinfo=NEW_YORK))
    assert not office.contains(datetime(2026, 3, 9, 18, 0, tzinfo=NEW_YORK))
