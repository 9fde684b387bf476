"""The raw usage download of a feature: every stored hourly and daily row of the period, formula-safe."""

import io
from datetime import UTC, datetime

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from ingest.vendors.lstat.models import LstatFeature, LstatUsage
from tests.downloads import comparable, csv_rows

pytestmark = pytest.mark.django_db

HEADER = [
    "Granularity", "Period start", "Period label (as sent)", "Feature name (as sent)", "Feature version (as sent)",
    "Used min", "Used avg", "Used max", "Total seats", "Borrowed min", "Borrowed max", "Denials", "Hours used",
]  # fmt: skip


@pytest.fixture
def feature(lstat_source):
    feature = LstatFeature.objects.create(source=lstat_source, fid=902, name="MATLAB", seen_at=timezone.now())
    rows = [
        ("day", datetime(2026, 3, 2, 5, tzinfo=UTC), "2026-03-02", "MATLAB"),
        ("hour", datetime(2026, 3, 3, 14, tzinfo=UTC), "2026-03-03 09", '=HYPERLINK("http://evil.example","x")'),
        ("hour", datetime(2026, 3, 3, 15, tzinfo=UTC), "2026-03-03 10", "+SUM(A1)"),
        ("hour", datetime(2026, 2, 1, 15, tzinfo=UTC), "2026-02-01 10", "before the period"),
    ]
    LstatUsage.objects.bulk_create(
        LstatUsage(
            feature=feature, granularity=g, period_start=start, period_label=label, feature_name=name,
            used_min=1, used_avg=2.5, used_max=4, borrowed_min=0, borrowed_max=1, denials=3, hours_used=6.5,
            total_seats=20,
        )
        for g, start, label, name in rows
    )  # fmt: skip
    return feature


def download(viewer, feature, fmt):
    url = reverse("reports:lstat_feature", args=[feature.pk])
    return viewer.get(url, {"start": "2026-03-01", "end": "2026-03-04", "table": "raw", "format": fmt})


def test_the_page_links_to_the_raw_rows(viewer, feature):
    html = viewer.get(reverse("reports:lstat_feature", args=[feature.pk])).content.decode()

    assert "table=raw&amp;format=csv" in html and "table=raw&amp;format=xlsx" in html


def test_the_csv_holds_the_periods_rows_with_times_in_new_york_and_formulas_defused(viewer, feature):
    with override_settings(TIME_ZONE="America/New_York"):
        rows = csv_rows(download(viewer, feature, "csv"), streaming=True)

    assert rows == [
        HEADER,
        ["day", "2026-03-02T00:00:00-05:00", "2026-03-02", "MATLAB", "", "1", "2.5", "4", "20", "0", "1", "3", "6.5"],
        ["hour", "2026-03-03T09:00:00-05:00", "2026-03-03 09", "'=HYPERLINK(\"http://evil.example\",\"x\")", "",
         "1", "2.5", "4", "20", "0", "1", "3", "6.5"],
        ["hour", "2026-03-03T10:00:00-05:00", "2026-03-03 10", "'+SUM(A1)", "", "1", "2.5", "4", "20", "0", "1", "3", "6.5"],
    ]  # fmt: skip


def test_the_csv_times_are_utc_in_utc(viewer, feature):
    with override_settings(TIME_ZONE="UTC"):
        rows = csv_rows(download(viewer, feature, "csv"), streaming=True)

    assert [r[1] for r in rows[1:]] == ["2026-03-02T05:00:00+00:00", "2026-03-03T14:00:00+00:00", "2026-03-03T15:00:00+00:00"]  # fmt: skip


def test_the_xlsx_holds_the_same_rows_as_text_never_formulas(viewer, feature):
    with override_settings(TIME_ZONE="America/New_York"):
        csv_text = csv_rows(download(viewer, feature, "csv"), streaming=True)
        response = download(viewer, feature, "xlsx")

    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book["Rows"]
    with override_settings(TIME_ZONE="America/New_York"):
        assert comparable(sheet.iter_rows(values_only=True)) == comparable(csv_text)
    assert sheet["D3"].data_type == "s" and sheet["D3"].value.startswith("'=HYPERLINK")
