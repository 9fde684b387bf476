"""The ten-year data set the page and load benchmarks read, built once per database and kept.

    python -m benchmarks.dataset [--years 10] [--database-url URL] [--rebuild]

Every simulator holds `--years` of history (two MLS supervisors: 10.5 M minutes at ten years; five License
Statistics features on two servers; the metering tenants; BigFix), and one source per vendor is fetched
exactly as a scheduled fetch runs, over HTTP. The data set is built once: a database that already holds
it (its `bench-<kind>` sources each have a successful run) is reused unless
`--rebuild`. SQLite lives in benchmarks/.data/ (ignored by git); MariaDB in the database the URL names.
"""

import argparse
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

DATA = Path(__file__).resolve().parent / ".data"
# A fixed end, so that every run reads the same rows.
END = datetime(2026, 11, 1, tzinfo=UTC)


def default_sqlite_url(years):
    DATA.mkdir(exist_ok=True)
    return f"sqlite:///{DATA / f'meterboard-{years}y.sqlite3'}"


def fresh_database(database_url):
    """Point Django at `database_url` after emptying it (an SQLite file removed, a MySQL database recreated), migrated."""
    os.environ["DATABASE_URL"] = database_url
    if database_url.startswith("sqlite:///"):
        for suffix in ("", "-wal", "-shm"):
            Path(database_url[10:] + suffix).unlink(missing_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dashboard.settings_test")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "mysql":
        name = connection.settings_dict["NAME"]
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")
            cursor.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
        connection.close()
    call_command("migrate", verbosity=0)


def setup(database_url, *, rebuild=False):
    """Point Django at `database_url` (production settings, DEBUG off) and migrate; True when it was wiped."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dashboard.settings_test")
    wiped = False
    if rebuild and database_url.startswith("sqlite:///"):
        for suffix in ("", "-wal", "-shm"):
            Path(database_url[10:] + suffix).unlink(missing_ok=True)
        wiped = True
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    # The test settings' short timeouts are for the suite; the data set is fetched as production would.
    settings.FETCH_READ_TIMEOUT, settings.FETCH_RETRIES, settings.FETCH_BACKOFF = 120.0, 4, 1.0

    if rebuild and connection.vendor == "mysql":
        call_command("flush", interactive=False, verbosity=0)
        wiped = True
    call_command("migrate", verbosity=0)
    return wiped


def build(years, log=print, kinds=None):
    """Fetch `years` of every simulator (or of `kinds`) into the configured database, unless it is there already."""
    from ingest.models import IngestRun, Source
    from ingest.services import run_fetch, source_save
    from ingest.simulators.server import SimulatorServer
    from ingest.vendors import VENDORS

    done = IngestRun.objects.filter(status=IngestRun.Status.SUCCEEDED, source__name__startswith="bench-")
    wanted = [v for v in VENDORS if kinds is None or v.kind in kinds]
    missing = [v for v in wanted if not done.filter(source__name=f"bench-{v.kind}").exists()]
    if not missing:
        return
    days = 365 * years + years // 4
    options = {v.kind: {"history_days": days, "end": END} for v in VENDORS}
    server = SimulatorServer(options=options)
    server.start()
    try:
        for vendor in missing:
            Source.objects.filter(name=f"bench-{vendor.kind}").delete()
            spec = server.simulators[vendor.kind].demo_source(server.url(vendor.kind))
            source = source_save(name=f"bench-{vendor.kind}", interval_minutes=60, **spec)
            began = time.perf_counter()
            run = run_fetch(source, trigger="bench")
            log(f"  fetched {years} years of {vendor.kind}: {run.status}, {time.perf_counter() - began:.0f} s")
            if run.status != IngestRun.Status.SUCCEEDED:
                raise SystemExit(f"the {vendor.kind} fetch failed: {run.error}")
    finally:
        server.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--database-url", help="default: an SQLite file in benchmarks/.data/")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--kinds", nargs="+", help="only these vendors (default: all)")
    args = parser.parse_args()
    setup(args.database_url or default_sqlite_url(args.years), rebuild=args.rebuild)
    build(args.years, kinds=args.kinds)


if __name__ == "__main__":
    sys.exit(main())
