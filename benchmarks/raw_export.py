"""Raw export benchmark: MLS minutes as the supervisor page's raw CSV and XLSX downloads, at 100 k and 1 M rows.

    python -m benchmarks.raw_export [--rows 100000 1000000]

Stores the largest number of minutes once in SQLite (a temporary file), then, for each size and format, builds the download exactly as the page does
(`reports.exports.raw_download` over `reports.mls.selectors.mls_raw_minutes`) and reads the whole response:
once for time (rows/s) and once under tracemalloc for the peak Python heap. Flat memory means the peak stays
the same from 100 k to 1 M rows. It asserts nothing; it prints a table.
"""

import argparse
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta

START = datetime(2024, 1, 1, tzinfo=UTC)
MAC = "00:1A:2B:3C:4D:5E"


def setup(database_url):
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dashboard.settings_test")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def store(rows):
    """`rows` minutes of one supervisor from START, stored in batches."""
    from ingest.models import Source
    from ingest.vendors.mls.models import MlsRecord, MlsSupervisor

    source = Source.objects.create(kind="mls", name="bench", base_url="http://127.0.0.1:1")
    supervisor = MlsSupervisor.objects.create(source=source, macaddress=MAC)
    batch = 20_000
    for first in range(0, rows, batch):
        records = []
        for i in range(first, min(rows, first + batch)):
            moment = START + timedelta(minutes=i)
            records.append(MlsRecord(
                supervisor=supervisor, record_id=i + 1, ts_date=moment.date(), ts_time=moment.time(),
                lic_used=i % 25, lic_prepaid=20, lic_metered=max(0, i % 25 - 20),
            ))  # fmt: skip
        MlsRecord.objects.bulk_create(records)
    return supervisor


def export(supervisor, rows, fmt):
    """Build the raw download of the first `rows` minutes and read it all; (rows, bytes)."""
    from reports.exports import raw_download
    from reports.mls.selectors import MLS_RAW_COLUMNS, mls_raw_minutes

    minutes = mls_raw_minutes(supervisor, START, START + timedelta(minutes=rows))
    response = raw_download(fmt, "bench", MLS_RAW_COLUMNS, minutes)
    size = sum(len(chunk) for chunk in response.streaming_content)
    response.close()
    return size


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    args = parser.parse_args()
    sqlite = tempfile.NamedTemporaryFile(suffix=".sqlite3", delete=False)
    setup(f"sqlite:///{sqlite.name}")
    from django.db import connection

    began = time.perf_counter()
    supervisor = store(max(args.rows))
    print(f"stored {max(args.rows):,} minutes in {connection.vendor} in {time.perf_counter() - began:.1f} s")
    print(f"{'format':<6} {'rows':>10} {'seconds':>8} {'rows/s':>9} {'MB out':>7} {'peak heap MB':>13}")
    try:
        for rows in sorted(args.rows):
            for fmt in ("csv", "xlsx"):
                began = time.perf_counter()
                size = export(supervisor, rows, fmt)
                seconds = time.perf_counter() - began
                tracemalloc.start()
                export(supervisor, rows, fmt)
                peak = tracemalloc.get_traced_memory()[1]
                tracemalloc.stop()
                print(
                    f"{fmt:<6} {rows:>10,} {seconds:>8.1f} {rows / seconds:>9,.0f} {size / 1e6:>7.1f} {peak / 1e6:>13.1f}"
                )
    finally:
        os.unlink(sqlite.name)
    print(f"peak RSS of the process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    sys.exit(main())
