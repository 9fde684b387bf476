"""Metering backfill benchmark: years of location events stored window by window, into SQLite and MariaDB.

    python -m benchmarks.metering_backfill [--years 10] [--locations 7] [--window-hours 24] [--skip-before]

The metering simulator generates the history (its deterministic office, batch and server locations,
spread over two tenants); each window of `window_hours`, re-reading the connector's hour of overlap, is
parsed and stored as the connector stores it, one transaction per window. "before" pairs each touched
location's whole history again after every window (as Meterboard did until the intervals became
incremental); "after" is today's storage code (ingest/vendors/metering/storage.py). The summaries and
metadata the connector also reads are left out: they cost the same either way. Then it times the
queries the metering pages and the overview make at that size. MariaDB runs when DATABASE_URL (or
--mysql-url) is a mysql:// URL, in a database of its own (<name>_bench, dropped and created afresh).
It prints figures and asserts nothing.
"""

import argparse
import bisect
import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

from benchmarks.dataset import fresh_database

END = datetime(2026, 1, 1, tzinfo=UTC)
OVERLAP = timedelta(hours=1)


def tenants(locations):
    """`locations` locations over two tenants, cycling through the simulator's default ones."""
    from ingest.vendors.metering.simulator import DEFAULT_TENANTS

    defaults = [(t, loc) for t, spec in DEFAULT_TENANTS.items() for loc in spec["locations"]]
    spec = {t: {**DEFAULT_TENANTS[t], "locations": []} for t in DEFAULT_TENANTS}
    for n in range(locations):
        tenant, loc = defaults[n % len(defaults)]
        spec[tenant]["locations"].append({**loc, "locId": f"{loc['locId']}-{n // len(defaults)}"})
    return {t: s for t, s in spec.items() if s["locations"]}


def windows(events, window):
    """(start, end, events) of each window, as the connector walks them: [cursor - overlap, cursor + window]."""
    dates = [e["date"] for e in events]
    done = datetime.fromisoformat(dates[0]) - timedelta(seconds=1)
    last = datetime.fromisoformat(dates[-1])
    while done <= last:
        start, end = done - OVERLAP, done + window
        lo = bisect.bisect_left(dates, start.strftime("%Y-%m-%dT%H:%M:%SZ"))
        hi = bisect.bisect_right(dates, end.strftime("%Y-%m-%dT%H:%M:%SZ"))
        yield start, end, events[lo:hi]
        done = end


def store_before(page, source, tenant, rows):
    """The storage as it was: upsert, then pair every touched location's whole history again."""
    from ingest.vendors.metering.storage import rebuild_intervals, upsert_events

    if not rows:
        return
    upsert_events(page, source, tenant, rows)  # (its location notes were not there before: both leave the same tables)
    for loc in sorted({e[3] for e in rows}):
        rebuild_intervals(source, tenant, loc)


def measure(mode, database_url, years, locations, window_hours):
    """Backfill in one mode into a fresh database (child process); print a JSON result line."""
    fresh_database(database_url)
    from django.db import transaction

    from ingest.services import source_save
    from ingest.vendors.base import Page
    from ingest.vendors.metering.models import MeteringEvent, MeteringInterval
    from ingest.vendors.metering.parsing import event_rows
    from ingest.vendors.metering.simulator import MeteringSimulator
    from ingest.vendors.metering.storage import store_events

    spec = tenants(locations)
    sm = MeteringSimulator(tenants=spec, history_days=365 * years, end=END)
    source = source_save(kind="metering", name="bench", base_url="http://127.0.0.1:9/", username="admin",
                         password="x", params={"tenants": ",".join(spec)})  # fmt: skip
    store = store_events if mode == "after" else store_before
    seconds, cpu, count = 0.0, 0.0, 0
    for tenant, events in sm.events.items():
        events = [e for e in events if e["date"] <= END.strftime("%Y-%m-%dT%H:%M:%SZ")]
        for start, _end, batch in windows(events, timedelta(hours=window_hours)):
            rows = event_rows(batch, tenant, source.pk, f"window at {start}")
            began, began_cpu = time.perf_counter(), time.process_time()
            with transaction.atomic():
                store(Page(source), source, tenant, rows)
            seconds += time.perf_counter() - began
            cpu += time.process_time() - began_cpu
            count += len(rows)
    result = {"events": MeteringEvent.objects.count(), "intervals": MeteringInterval.objects.count(),
              "stored": count, "seconds": seconds, "cpu": cpu}  # fmt: skip
    if mode == "after":
        result["queries"] = time_queries()
    print(json.dumps(result))


def time_queries():
    """Median milliseconds of each query the metering pages and the overview make, at this size."""
    from django.db.models import Count, Max, Min
    from django.utils import timezone

    from ingest.vendors.metering.models import MeteringEvent, MeteringInterval
    from reports.metering import selectors
    from reports.periods import Period

    last = END.date() - timedelta(days=1)
    month = Period(start=last - timedelta(days=29), end=last, granularity="day")
    quarter = Period(start=last - timedelta(days=89), end=last, granularity="day")
    decade = Period(start=END.date().replace(year=END.year - 10), end=last, granularity="month")
    interval = MeteringInterval.objects.order_by("-started_at").first()
    tenant, loc = interval.tenant, interval.loc_id
    old_tenants = (  # the home card's query before the locations were kept: every event, grouped
        MeteringEvent.objects.values("tenant")
        .annotate(locations=Count("loc_id", distinct=True), first=Min("date"), last=Max("date"))
        .order_by("tenant")
    )
    checks = {
        "home card tenants (scanning the events, before)": lambda: list(old_tenants.all()),
        "home card tenants (locations)": selectors.metering_tenants,
        "overview licensed things, 90 days": lambda: selectors.licensed_things(quarter),
        "metering overview intervals, 30 days": lambda: selectors.metering_intervals(month),
        "tenant page intervals, 30 days": lambda: selectors.metering_intervals(month, tenant=tenant),
        "location page intervals, 30 days": lambda: selectors.metering_intervals(month, tenant=tenant, loc_id=loc),
        "location page intervals, 10 years": lambda: selectors.metering_intervals(decade, tenant=tenant, loc_id=loc),
        "location page events, 30 days": lambda: selectors.metering_location_events(tenant, loc, month),
        "tenant page other states, 30 days": lambda: selectors.metering_uncounted_states(month, tenant=tenant),
        "latest day": selectors.metering_latest_day,
    }
    timings = {}
    with timezone.override("UTC"):
        for name, call in checks.items():
            runs = []
            for _ in range(5):
                began = time.perf_counter()
                call()
                runs.append((time.perf_counter() - began) * 1000)
            timings[name] = sorted(runs)[2]
    return timings


def child(args):
    cmd = [sys.executable, "-m", "benchmarks.metering_backfill", *args]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"benchmark step {' '.join(args[:3])} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def databases(mysql_url):
    yield "SQLite", f"sqlite:////tmp/meterboard_metering_bench_{os.getpid()}.sqlite3"
    if mysql_url.startswith("mysql://"):
        base, _, name = mysql_url.rpartition("/")
        yield "MariaDB", f"{base}/{name.split('?')[0] or 'meterboard'}_bench"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--locations", type=int, default=7)
    parser.add_argument("--window-hours", type=int, default=24, help="the connector's default window")
    parser.add_argument("--skip-before", action="store_true", help="only today's storage (the old one is slow)")
    parser.add_argument("--mysql-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--measure", nargs=2, metavar=("MODE", "DATABASE_URL"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        return measure(*args.measure, args.years, args.locations, args.window_hours)

    print(f"Metering backfill: {args.locations} locations, {args.years} years, {args.window_hours}-hour windows")
    # CPU seconds are this process's (SQLite's work included; MariaDB's server not): on a busy machine
    # they say more than the wall-clock seconds.
    print(
        f"{'database':<10} {'storage':<42} {'events':>8} {'intervals':>9} {'seconds':>8} {'CPU s':>7} {'events/s':>9}"
    )
    modes = [("after", "incremental intervals (now)")]
    if not args.skip_before:
        modes.insert(0, ("before", "whole history paired per window (before)"))
    for label, url in databases(args.mysql_url):
        queries = None
        for mode, name in modes:
            common = ["--years", str(args.years), "--locations", str(args.locations)]
            r = child(["--measure", mode, url, *common, "--window-hours", str(args.window_hours)])
            rate = r["stored"] / r["seconds"]
            print(
                f"{label:<10} {name:<42} {r['events']:>8,} {r['intervals']:>9,} {r['seconds']:>8.2f} {r['cpu']:>7.2f} {rate:>9,.0f}"
            )
            queries = r.get("queries") or queries
        for query, ms in (queries or {}).items():
            print(f"{label:<10}   {query:<58} {ms:>8.1f} ms")


if __name__ == "__main__":
    main()
