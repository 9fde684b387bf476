"""Report page benchmark: server time and bytes of long report pages, built from stored rows.

    python -m benchmarks.report_pages [--repeat 5]

Stores, in SQLite (a temporary file), 10 years of one MLS supervisor's hour rollups and 10 years of day rows
of five License Statistics features, then requests through Django's test client (every middleware, as
logged in): a 208-day hourly supervisor page, its CSV, and a comparison of the five features over 10 years.
Prints the median time, the bytes of the page, and the bytes sent when the browser accepts gzip.
It asserts nothing; it prints a table.
"""

import argparse
import gzip
import os
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta

START = datetime(2016, 3, 1, tzinfo=UTC)
DAYS = 3652
MAC = "00:1A:2B:3C:4D:5E"


def setup(database_url):
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dashboard.settings_test")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def store_mls():
    from ingest.models import Source
    from ingest.vendors.mls.models import MlsRollup, MlsSupervisor

    source = Source.objects.create(kind="mls", name="bench-mls", base_url="http://127.0.0.1:1")
    supervisor = MlsSupervisor.objects.create(source=source, macaddress=MAC)
    rollups = []
    for i in range(DAYS * 24):
        used = (i * 7) % 30
        rollups.append(MlsRollup(
            supervisor=supervisor, granularity="hour", bucket=START + timedelta(hours=i), samples=60,
            used_min=max(0, used - 3), used_max=used + 2, used_sum=used * 60, prepaid_min=20, prepaid_max=20,
            prepaid_sum=1200, metered_min=0, metered_max=max(0, used - 20), metered_sum=max(0, used - 20) * 60,
        ))  # fmt: skip
    MlsRollup.objects.bulk_create(rollups, batch_size=5000)


def store_lstat():
    from ingest.models import Source
    from ingest.vendors.lstat.models import LstatFeature, LstatServer, LstatUsage

    now = datetime.now(UTC)
    source = Source.objects.create(kind="lstat", name="bench-lstat", base_url="http://127.0.0.1:1")
    server = LstatServer.objects.create(source=source, lsid=1, name="flex1", seen_at=now)
    features = [
        LstatFeature.objects.create(source=source, fid=f, server=server, name=f"feature{f}", seen_at=now)
        for f in range(1, 6)
    ]
    rows = []
    for feature in features:
        for d in range(DAYS):
            day = START + timedelta(days=d)
            rows.append(LstatUsage(
                feature=feature, granularity="day", period_start=day, period_label=day.date().isoformat(),
                used_min=1, used_avg=5.5 + d % 7, used_max=10 + d % 9, borrowed_min=0, borrowed_max=1,
                denials=d % 3, hours_used=40.25, total_seats=20,
            ))  # fmt: skip
    LstatUsage.objects.bulk_create(rows, batch_size=5000)
    return features


def measure(client, url, repeat):
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        times.append((time.perf_counter() - began) * 1000)
    zipped = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    sent = b"".join(zipped.streaming_content) if zipped.streaming else zipped.content
    return response.status_code, statistics.median(times), len(body), len(sent), len(gzip.compress(body))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        setup(f"sqlite:///{tmp}/bench.sqlite3")
        from django.contrib.auth.models import User
        from django.test import Client

        store_mls()
        features = store_lstat()
        client = Client(HTTP_HOST="localhost")
        client.force_login(User.objects.create_user("bench", password="bench-pass-123"))
        end = (START + timedelta(days=DAYS - 1)).date()
        mls = f"/mls/{MAC}/?start={end - timedelta(days=207)}&end={end}&granularity=hour"
        compare = "/lstat/compare/?" + "&".join(f"features={f.pk}" for f in features)
        compare += f"&start={end - timedelta(days=DAYS - 1)}&end={end}&granularity=day"
        pages = [("MLS supervisor, 208 days hourly", mls), ("its CSV download", mls + "&format=csv"),
                 ("License Statistics compare, 5 features x 10 years", compare)]  # fmt: skip
        print(f"{'page':<52} {'status':>6} {'median ms':>10} {'bytes':>10} {'sent gzip':>10} {'gzip size':>10}")
        for label, url in pages:
            status, ms, size, sent, zipped = measure(client, url, args.repeat)
            print(f"{label:<52} {status:>6} {ms:>10.0f} {size:>10,} {sent:>10,} {zipped:>10,}")


if __name__ == "__main__":
    main()
