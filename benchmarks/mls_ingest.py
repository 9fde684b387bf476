"""MLS ingest benchmark: one supervisor-year from the simulator over HTTP, into SQLite and MariaDB.

    make bench            (or: python -m benchmarks.mls_ingest [--days 365] [--mysql-url URL])

For each database it runs, in a fresh process, Meterboard's connector (bulk
upsert per page, rollups, cursor) and the seed's approach (requests, every
record kept in a list, then one INSERT and one commit per record), and prints
records/s and peak memory. The simulator runs in its own process, as a real
MLS would.
"""

import argparse
import json
import os
import subprocess
import sys
import time
import tracemalloc
from datetime import UTC, datetime

from benchmarks.dataset import fresh_database

END = datetime(2026, 1, 1, tzinfo=UTC)
MAC = "00:1A:2B:3C:4D:5E"
SUPERVISORS = [{"macaddress": MAC, "prepaid": 20, "peak": 24}]


def serve(port, days):
    """Run the MLS simulator with a fixed year of history (child process)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dashboard.settings_test")
    import django

    django.setup()
    from ingest.simulators.server import SimulatorServer

    options = {"mls": {"history_days": days, "end": END, "supervisors": SUPERVISORS, "static_tokens": ["bench"]}}
    server = SimulatorServer(port=port, options=options, kinds=["mls"])
    print("ready", flush=True)
    server.serve_forever()


def peak_rss_mb():
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(approach, database_url, base_url, days, limit, trace=False):
    """Run one approach against one database (child process); print a JSON result line."""
    fresh_database(database_url)
    if trace:
        tracemalloc.start()
    approaches = {"meterboard": ours, "seed": seed_style, "seed-defaults": seed_style_sqlite_defaults}
    count, seconds = approaches[approach](base_url, limit)  # each times its fetch-and-store only
    heap_mb = tracemalloc.get_traced_memory()[1] / 2**20 if trace else None
    print(json.dumps({"records": count, "seconds": seconds, "peak_mb": peak_rss_mb(), "heap_mb": heap_mb}))


def ours(base_url, limit):
    from ingest.models import IngestRun
    from ingest.services import run_fetch, source_save
    from ingest.vendors.mls.models import MlsRecord

    source = source_save(kind="mls", name="bench", base_url=base_url, token="bench", params={"macaddresses": MAC})
    start = time.perf_counter()
    run = run_fetch(source, trigger="benchmark")
    seconds = time.perf_counter() - start
    assert run.status == IngestRun.Status.SUCCEEDED, run.error
    assert MlsRecord.objects.count() == run.records_created
    return run.records_created, seconds


def seed_records(base_url, limit):
    """The seed's sample: every page into one list (memory grows with the history)."""
    import requests

    records, page = [], 1
    while len(records) < limit:
        url = f"{base_url}/api/v2/records?macaddress={MAC}&starting_id=0&page={page}&per_page={1440 * 7}"
        batch = requests.get(url, headers={"Authorization": "Bearer bench"}, timeout=60).json()
        if not batch:
            break
        records.extend(batch)
        page += 1
    return records[:limit]


SEED_INSERT = (
    "INSERT INTO ingest_mlsrecord (supervisor_id, record_id, ts_date, ts_time, lic_used, lic_prepaid,"
    " lic_metered) VALUES (%s, %s, %s, %s, %s, %s, %s)"
)


def seed_supervisor(base_url):
    from ingest.services import source_save
    from ingest.vendors.mls.models import MlsSupervisor

    source = source_save(kind="mls", name="seed", base_url=base_url, token="bench", params={"macaddresses": MAC})
    return MlsSupervisor.objects.create(source=source, macaddress=MAC)


def seed_values(supervisor, r):
    return [supervisor.pk, r["id"], r["ts_date"], r["ts_time"], r["lic_used"], r["lic_prepaid"], r["lic_metered"]]


def seed_style(base_url, limit):
    """Then one INSERT and one commit per record, on Meterboard's own database settings."""
    from django.db import connection, transaction

    supervisor = seed_supervisor(base_url)
    start = time.perf_counter()
    records = seed_records(base_url, limit)
    with connection.cursor() as cursor:
        for r in records:
            with transaction.atomic():
                cursor.execute(SEED_INSERT, seed_values(supervisor, r))
    return len(records), time.perf_counter() - start


def seed_style_sqlite_defaults(base_url, limit):
    """The same on SQLite as the seed's script would open it: rollback journal, full sync (no WAL)."""
    import sqlite3

    from django.db import connection

    supervisor = seed_supervisor(base_url)
    path = connection.settings_dict["NAME"]
    connection.close()
    start = time.perf_counter()
    records = seed_records(base_url, limit)
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=DELETE")
    for r in records:
        db.execute(SEED_INSERT.replace("%s", "?"), seed_values(supervisor, r))
        db.commit()
    db.close()
    return len(records), time.perf_counter() - start


APPROACHES = {
    "meterboard": "Meterboard (bulk upsert per page)",
    "seed": "seed style (INSERT+commit per record)",
    "seed-defaults": "seed style, SQLite's default journal",
}


def child(args):
    cmd = [sys.executable, "-m", "benchmarks.mls_ingest", *args]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"benchmark step {' '.join(args[:2])} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--baseline-records", type=int, default=30_000,
                        help="records for the seed-style baseline (one commit per record is slow)")  # fmt: skip
    parser.add_argument("--mysql-url", default=os.environ.get("TEST_MYSQL_URL", "mysql://root@127.0.0.1:3306/test"))
    parser.add_argument("--port", type=int, default=8799)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--measure", nargs=3, metavar=("APPROACH", "DATABASE_URL", "BASE_URL"), help=argparse.SUPPRESS)
    parser.add_argument("--limit", type=int, default=10**9, help=argparse.SUPPRESS)
    parser.add_argument("--trace-memory", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        return serve(args.port, args.days)
    if args.measure:
        return measure(*args.measure, args.days, args.limit, args.trace_memory)

    base_url = start_simulator(args.port, args.days)
    mysql_db = args.mysql_url.rsplit("/", 1)[0] + "/meterboard_bench"
    sqlite_db = "sqlite:////tmp/meterboard_bench.sqlite3"
    print(f"MLS ingest benchmark: 1 supervisor, {args.days} days ({args.days * 1440:,} records) over HTTP")
    print(f"{'database':<10} {'approach':<40} {'records':>9} {'seconds':>8} {'records/s':>10} {'peak MB':>8}")
    try:
        for label, url in (("SQLite", sqlite_db), ("MariaDB", mysql_db)):
            compare(label, url, base_url, args)
        # Memory stays flat: Python's peak heap (tracemalloc; SQLite's own page cache aside) is the
        # same for a quarter of the history as for all of it.
        short_url = start_simulator(args.port + 1, args.days // 4)
        heaps = []
        for days, url in ((args.days // 4, short_url), (args.days, base_url)):
            r = child(["--measure", "meterboard", sqlite_db, url, "--days", str(days), "--trace-memory"])
            heaps.append(f"{days} days ({r['records']:,} records): {r['heap_mb']:.1f} MB")
        print("Peak Python heap while ingesting, " + "; ".join(heaps))
    finally:
        for server in SERVERS:
            server.terminate()


SERVERS = []


def start_simulator(port, days):
    server = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.mls_ingest", "--serve", "--port", str(port), "--days", str(days)],
        stdout=subprocess.PIPE,
        text=True,
    )
    SERVERS.append(server)
    server.stdout.readline()
    return f"http://127.0.0.1:{port}/mls"


def compare(label, url, base_url, args):
    results = {}
    approaches = [("meterboard", 10**9), ("seed", args.baseline_records)]
    if label == "SQLite":
        approaches.append(("seed-defaults", args.baseline_records // 10))
    for approach, limit in approaches:
        r = child(["--measure", approach, url, base_url, "--days", str(args.days), "--limit", str(limit)])
        results[approach] = rate = r["records"] / r["seconds"]
        name = APPROACHES[approach]
        print(f"{label:<10} {name:<40} {r['records']:>9,} {r['seconds']:>8.2f} {rate:>10,.0f} {r['peak_mb']:>8.0f}")
    for approach in sorted(results.keys() - {"meterboard"}):
        ratio = results["meterboard"] / results[approach]
        print(f"{label:<10} speed-up over {APPROACHES[approach]}: {ratio:.1f}x")


if __name__ == "__main__":
    main()
