"""ingest.db.upsert converts each column's values as its field does, each distinct value once: the two readings
of a repeated hour stay two instants, equal instants in other zones one."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from ingest.db import upsert
from ingest.services import source_save
from ingest.vendors.lstat.models import LstatServer
from reports.overview.models import ThingDay

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
COLUMNS = ["source", "lsid", "name", "host", "port", "manager", "status", "seen_at"]


@pytest.fixture
def source():
    return source_save(kind="lstat", name="upsert", base_url="http://127.0.0.1:9", token="t", params={})


def test_each_reading_of_a_repeated_hour_is_stored_at_its_own_instant(source):
    earlier = datetime(2026, 10, 25, 2, 30, tzinfo=BERLIN)  # 02:30 happens twice in Berlin that night
    moments = {
        1: earlier,  # 00:30 UTC
        2: earlier.replace(fold=1),  # 01:30 UTC: equal to the first in Berlin (fold is not compared)
        3: datetime(2026, 10, 25, 1, 30, tzinfo=UTC),  # the second again, written in UTC
        4: earlier,
        5: datetime(2026, 10, 25, 0, 30, tzinfo=ZoneInfo("Asia/Kolkata")),
    }
    rows = [(source.pk, lsid, f"s{lsid}", "", "", "", "", at) for lsid, at in moments.items()]

    upsert(LstatServer, COLUMNS, rows, keys=["source", "lsid"])

    stored = dict(LstatServer.objects.filter(source=source).values_list("lsid", "seen_at"))
    assert {lsid: at.astimezone(UTC) for lsid, at in stored.items()} == {
        1: datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
        2: datetime(2026, 10, 25, 1, 30, tzinfo=UTC),
        3: datetime(2026, 10, 25, 1, 30, tzinfo=UTC),
        4: datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
        5: datetime(2026, 10, 24, 19, 0, tzinfo=UTC),
    }


def test_dates_and_numbers_are_stored_as_their_fields_take_them(source):
    columns = ["source", "kind", "key", "day", "peak", "used_sum", "used_count", "preferred", "hours"]
    rows = [
        (source.pk, "lstat", f"{source.pk}:{n}", day, peak, 1, 1, False, "[]")
        for n, (day, peak) in enumerate([(date(2026, 3, 1), 2), (date(2026, 3, 1), 2.5), (date(2026, 3, 2), 0)])
    ]

    upsert(ThingDay, columns, rows, keys=["source", "kind", "key", "day"])

    stored = ThingDay.objects.filter(source=source).order_by("key").values_list("day", "peak")
    assert list(stored) == [(date(2026, 3, 1), 2.0), (date(2026, 3, 1), 2.5), (date(2026, 3, 2), 0.0)]


def test_rows_of_the_wrong_length_are_refused(source):
    rows = [(source.pk, 1, "a", "", "", "", "", datetime(2026, 1, 1, tzinfo=UTC)), (source.pk, 2, "b")]

    with pytest.raises(ValueError):
        upsert(LstatServer, COLUMNS, rows, keys=["source", "lsid"])
