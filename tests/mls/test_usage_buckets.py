"""A supervisor's days, weeks and months, summed by the database from the UTC hour rollups (reports/mls/selectors.py),
against the same figures computed here from the minute records, in UTC, America/New_York and Asia/Kolkata.

The two histories hold New York's DST changes (8 March 2026, a 23-hour day; 1 November 2026, a 25-hour day that
is also the first of a month) and the starts of weeks and months; Kolkata's days start at 18:30 UTC, inside an hour.
Periods start and end on and off the buckets' boundaries (a week's table starting on a Wednesday) and beyond the data.
"""

from collections import defaultdict
from datetime import UTC, date, datetime

import pytest
from django.test import override_settings
from django.utils import timezone

from ingest.services import run_fetch, source_save
from ingest.simulators.server import SimulatorServer
from ingest.vendors.mls.models import MlsRecord, MlsRollup, MlsSupervisor
from reports.heatmap import weekday_hours
from reports.mls.selectors import MLS_METRICS, mls_chart_usage, mls_heatmap, mls_usage
from reports.periods import Period, bucket_start
from tests.conftest import MAC_A

pytestmark = pytest.mark.django_db

ZONES = ["UTC", "America/New_York", "Asia/Kolkata"]
HISTORIES = {  # (end of the simulator's history, days of history): (periods asked for)
    "spring": (
        datetime(2026, 3, 12, 12, 0, tzinfo=UTC),
        13,
        [
            (date(2026, 2, 20), date(2026, 3, 20)),  # beyond the data on both sides
            (date(2026, 2, 28), date(2026, 3, 10)),  # from a Saturday: weeks and months cut by the period
            (date(2026, 3, 2), date(2026, 3, 8)),  # a whole week, Monday to the DST Sunday
            (date(2026, 3, 8), date(2026, 3, 8)),  # the 23-hour day alone
            (date(2026, 3, 4), date(2026, 3, 11)),  # Wednesday to Wednesday
        ],
    ),
    "fall": (
        datetime(2026, 11, 4, 6, 0, tzinfo=UTC),
        10,
        [
            (date(2026, 10, 1), date(2026, 11, 30)),
            (date(2026, 10, 29), date(2026, 11, 2)),  # across the 25-hour first of November
            (date(2026, 11, 1), date(2026, 11, 1)),
        ],
    ),
}


@pytest.fixture(params=sorted(HISTORIES))
def history(request, db):
    """A supervisor fetched from the MLS simulator over one of HISTORIES: (supervisor, periods)."""
    end, days, periods = HISTORIES[request.param]
    server = SimulatorServer(options={"mls": {"history_days": days, "end": end}}, kinds=["mls"]).start()
    try:
        source = source_save(
            kind="mls", name=request.param, base_url=server.url("mls"), username="demo", password="demo-password",
            params={"macaddresses": MAC_A},
        )  # fmt: skip
        assert run_fetch(source).status == "succeeded"
    finally:
        server.stop()
    return MlsSupervisor.objects.get(macaddress=MAC_A), periods


def minutes(supervisor):
    """(UTC instant, used, prepaid, metered) of every minute record of the supervisor."""
    records = MlsRecord.objects.filter(supervisor=supervisor).values_list(
        "ts_date", "ts_time", "lic_used", "lic_prepaid", "lic_metered"
    )
    return [(datetime.combine(day, clock, tzinfo=UTC), *values) for day, clock, *values in records]


def from_minutes(records, period):
    """The rows of min/avg/max per bucket of the period, from every minute record (`minutes`) that falls in it, each
    in the local bucket it falls in (hour buckets: the UTC hours starting in the period, whole)."""
    zone, start, end = timezone.get_current_timezone(), period.start_dt, period.end_dt
    buckets = defaultdict(list)
    for moment, *values in records:
        if period.granularity == "hour":  # UTC hours, those starting in the period
            key = moment.replace(minute=0, second=0)
            if start <= key < end:
                buckets[key].append(values)
        elif start <= moment < end:
            buckets[bucket_start(moment, period.granularity, zone).astimezone(UTC)].append(values)
    rows = []
    for key in sorted(buckets):
        row = {"bucket": key, "samples": len(buckets[key])}
        for m, values in zip(MLS_METRICS, zip(*buckets[key], strict=True), strict=True):
            row |= {f"{m}_sum": sum(values), f"{m}_min": min(values), f"{m}_max": max(values)}
            row[f"{m}_avg"] = round(sum(values) / len(values), 2)
        rows.append(row)
    return rows


def test_buckets_hold_exactly_their_minutes(history):
    supervisor, periods = history
    records = minutes(supervisor)
    for zone in ZONES:
        with override_settings(TIME_ZONE=zone):
            for granularity in ("day", "week", "month", "hour"):
                for first, last in periods:
                    period = Period(first, last, granularity)
                    rows = mls_usage.uncached(supervisor, period)

                    # in UTC: a local time of the repeated hour never equals an instant of another zone (PEP 495)
                    assert [r | {"bucket": r["bucket"].astimezone(UTC)} for r in rows] == from_minutes(
                        records, period
                    ), (zone, period)
                    assert all(r["bucket"].utcoffset() == timezone.localtime(r["bucket"]).utcoffset() for r in rows)
                    assert sum(r["samples"] for r in rows) > 0
                    if granularity == "day":  # a chart's weeks and months merged from the table's days
                        for coarser in ("week", "month"):
                            chart = Period(first, last, coarser)
                            merged = mls_chart_usage(supervisor, period, chart, rows)
                            assert merged == mls_usage.uncached(supervisor, chart), (zone, chart)


def test_the_local_days_are_the_zones_own(history):
    """The DST days have 23 and 25 hours of minutes in New York; a Kolkata day starts at 18:30 UTC."""
    supervisor, periods = history
    with override_settings(TIME_ZONE="America/New_York"):
        days = {r["bucket"].date(): r["samples"] for r in mls_usage.uncached(supervisor, Period(*periods[0], "day"))}
    with override_settings(TIME_ZONE="Asia/Kolkata"):
        first = mls_usage.uncached(supervisor, Period(*periods[0], "day"))[1]["bucket"]

    assert days.get(date(2026, 3, 8), 23 * 60) == 23 * 60 and days.get(date(2026, 11, 1), 25 * 60) == 25 * 60
    assert first.astimezone(UTC).strftime("%H:%M") == "18:30"


def test_the_heatmap_counts_each_utc_hour_in_its_local_weekday_and_hour(history):
    supervisor, periods = history
    for zone in ZONES:
        with override_settings(TIME_ZONE=zone):
            for first, last in periods:
                period = Period(first, last, "day")
                hours = MlsRollup.objects.filter(
                    supervisor=supervisor, bucket__gte=period.start_dt, bucket__lt=period.end_dt
                ).values_list("bucket", "used_max")

                assert mls_heatmap.uncached(supervisor, period) == weekday_hours(sorted(hours)), (zone, period)
