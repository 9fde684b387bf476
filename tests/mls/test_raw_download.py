"""The raw-minute download: every stored minute of the period, streamed, with ISO 8601 times in the display zone."""

import io
from datetime import UTC, date, datetime, timedelta

import pytest
from django.test import override_settings
from django.utils import timezone
from openpyxl import load_workbook

from ingest.vendors.mls.models import MlsRecord
from reports.exports import xlsx_response
from tests.conftest import MAC_A
from tests.downloads import csv_rows

pytestmark = pytest.mark.django_db

URL = f"/mls/{MAC_A}/"
DAY = {"start": "2026-03-03", "end": "2026-03-03"}


def stored_minutes(day):
    """The supervisor's records of one local day, as the download should hold them."""
    start = timezone.make_aware(datetime.combine(day, datetime.min.time()))
    end = timezone.make_aware(datetime.combine(day + timedelta(days=1), datetime.min.time()))
    rows = []
    for r in MlsRecord.objects.filter(supervisor__macaddress=MAC_A).order_by("ts_date", "ts_time"):
        moment = datetime.combine(r.ts_date, r.ts_time, tzinfo=UTC)
        if start <= moment < end:
            local = timezone.localtime(moment)
            rows.append([local.isoformat(), str(r.lic_used), str(r.lic_prepaid), str(r.lic_metered), str(r.record_id)])
    return rows


def test_the_page_links_to_the_raw_minutes(viewer, mls_fetched):
    html = viewer.get(URL, DAY).content.decode()

    assert "table=raw&amp;format=csv" in html and "table=raw&amp;format=xlsx" in html


def test_the_csv_holds_every_stored_minute_of_the_local_days(viewer, mls_fetched):
    rows = csv_rows(viewer.get(URL, {**DAY, "table": "raw", "format": "csv"}), streaming=True)

    assert rows[0] == ["Time", "Used", "Prepaid", "Metered", "MLS id"]
    assert rows[1:] == stored_minutes(date(2026, 3, 3))
    assert len(rows) == 1 + 1440


@pytest.mark.parametrize(
    "zone, first, last",
    [
        ("UTC", "2026-03-03T00:00:00+00:00", "2026-03-03T23:59:00+00:00"),
        ("America/New_York", "2026-03-03T00:00:00-05:00", "2026-03-03T23:59:00-05:00"),
        ("Asia/Kolkata", "2026-03-03T00:00:00+05:30", "2026-03-03T23:59:00+05:30"),
    ],
)
def test_times_are_iso_8601_with_the_display_zones_offset(viewer, mls_fetched, zone, first, last):
    with override_settings(TIME_ZONE=zone):
        rows = csv_rows(viewer.get(URL, {**DAY, "table": "raw", "format": "csv"}), streaming=True)

    assert (rows[1][0], rows[-1][0]) == (first, last)


def test_the_xlsx_holds_the_same_rows(viewer, mls_fetched):
    response = viewer.get(URL, {**DAY, "table": "raw", "format": "xlsx"})

    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('-minutes.xlsx"')
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)["Rows"]
    cells = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert cells[0] == ["Time", "Used", "Prepaid", "Metered", "MLS id"]
    # Excel has no zones: the times are the display zone's, as naive Excel datetimes
    expected = [
        [datetime.fromisoformat(time).replace(tzinfo=None), *map(int, rest)]
        for time, *rest in stored_minutes(date(2026, 3, 3))
    ]
    assert cells[1:] == expected


def test_an_unknown_format_is_a_clear_400(viewer, mls_fetched):
    response = viewer.get(URL, {**DAY, "table": "raw", "format": "pdf"})

    assert response.status_code == 400 and b"Unknown format 'pdf'" in response.content


def test_a_period_without_minutes_downloads_the_header_alone(viewer, mls_fetched):
    rows = csv_rows(
        viewer.get(URL, {"start": "2025-01-01", "end": "2025-01-02", "table": "raw", "format": "csv"}), streaming=True
    )

    assert rows == [["Time", "Used", "Prepaid", "Metered", "MLS id"]]


def test_rows_beyond_a_sheet_continue_on_the_next_sheet():
    rows = ({"n": i, "text": f"row {i}"} for i in range(5))
    response = xlsx_response("numbers", [("n", "N"), ("text", "Text")], rows, sheet="Rows", sheet_rows=2)

    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    assert book.sheetnames == ["Rows", "Rows 2", "Rows 3", "About"]
    assert [list(r) for r in book["Rows 3"].iter_rows(values_only=True)] == [["N", "Text"], [4, "row 4"]]
