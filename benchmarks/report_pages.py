"""Report pages at years of data: server time and bytes per page, on SQLite and MariaDB.

    python -m benchmarks.report_pages [--years 10] [--mysql-url URL] [--repeat 7]

For each database, builds (once, see benchmarks/dataset.py) the ten-year data set and then requests every
report page a license admin opens most, in-process through Django's full middleware stack as a logged-in
viewer, with `Accept-Encoding: gzip`:

- the first request of each page (an empty chart cache: what the first user after a fetch waits for),
- the median of `--repeat` more, each rendered again (the page cache off, as the test settings have it: the work of
  a page whose rows are cached),
- the bytes sent (compressed when the server compresses) and the page's size uncompressed,
- `304 ms`: a browser's revisit with the page's ETag; `kept ms`: another viewer's view of the page once one viewer's
  view has kept it (reports/page_cache.py: what every other user of the same audience waits for).

Targets (issue 10): every report page at most 200 ms server time and 300 KB compressed. It asserts nothing.
"""

import argparse
import gzip
import os
import statistics
import subprocess
import sys
import time
from datetime import timedelta

from benchmarks.dataset import END, build, default_sqlite_url, setup

DEFAULT_MYSQL = "mysql://root@127.0.0.1:3306/meterboard_bench"


def pages(years):
    """(label, path) of the pages measured, found in the data set."""
    from ingest.vendors.bigfix.models import BigfixUsage
    from ingest.vendors.lstat.models import LstatFeature
    from ingest.vendors.metering.models import MeteringEvent
    from ingest.vendors.mls.models import MlsSupervisor

    end = END.date()
    start = end - timedelta(days=365 * years)
    span = f"start={start}&end={end}"
    mac = MlsSupervisor.objects.order_by("macaddress").values_list("macaddress", flat=True).first()
    features = list(LstatFeature.objects.order_by("pk").values_list("pk", flat=True)[:5])
    event = MeteringEvent.objects.order_by("tenant", "loc_id").values("tenant", "loc_id").first()
    product = BigfixUsage.objects.order_by("pk").values("software_title_id", "source_id").first()
    compared = "&".join(f"features={pk}" for pk in features)
    hourly = f"/mls/{mac}/?start={end - timedelta(days=208)}&end={end}&granularity=hour"
    return [
        ("overview (home), 90 days", "/"),
        ("MLS supervisor, 208 days hourly", hourly),
        ("  its CSV download", f"{hourly}&format=csv"),
        (f"MLS supervisor, {years} years daily", f"/mls/{mac}/?{span}&granularity=day"),
        (f"MLS supervisor, {years} years auto", f"/mls/{mac}/?{span}"),
        (f"LStat feature, {years} years daily", f"/lstat/features/{features[0]}/?{span}&granularity=day"),
        (f"LStat compare 5 features, {years} years", f"/lstat/compare/?{compared}&{span}"),
        ("LStat current users", "/lstat/users/"),
        (f"metering tenant, {years} years", f"/metering/{event['tenant']}/?{span}"),
        (f"metering location, {years} years", f"/metering/{event['tenant']}/{event['loc_id']}/?{span}"),
        ("BigFix overview", "/bigfix/"),
        ("BigFix product", f"/bigfix/{product['source_id']}/products/{product['software_title_id']}/"),
    ]


def measure(years, repeat, log=print, page_list=None):
    """Each page's first and median repeat time and bytes (`page_list` of (label, path), default pages(years)),
    and the median time of a browser's revisit with the page's ETag (If-None-Match: a 304 while nothing changed)."""
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client, override_settings

    user, _ = get_user_model().objects.get_or_create(username="bench-viewer")
    client = Client(HTTP_ACCEPT_ENCODING="gzip", HTTP_HOST="127.0.0.1")
    client.force_login(user)
    other, _ = get_user_model().objects.get_or_create(username="bench-viewer-2")
    second = Client(HTTP_ACCEPT_ENCODING="gzip", HTTP_HOST="127.0.0.1")
    second.force_login(other)
    cache.clear()
    log(
        f"{'page':<40} {'first ms':>9} {'median ms':>10} {'KB sent':>8} {'KB page':>8} {'status':>6} {'304 ms':>7}"
        f" {'kept ms':>7}"
    )
    for label, path in page_list or pages(years):
        times = []
        for _ in range(repeat + 1):
            began = time.perf_counter()
            response = client.get(path)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            times.append((time.perf_counter() - began) * 1000)
        page = gzip.decompress(body) if response.get("Content-Encoding") == "gzip" else body
        sent = len(body)
        revisits = []
        for _ in range(repeat if response.has_header("ETag") else 0):
            began = time.perf_counter()
            status = client.get(path, HTTP_IF_NONE_MATCH=response["ETag"]).status_code
            revisits.append((time.perf_counter() - began) * 1000 if status == 304 else float("nan"))
        revisit = f"{statistics.median(revisits):>7.0f}" if revisits else f"{'-':>7}"
        kept = []
        with override_settings(PAGE_CACHE_SECONDS=3600):  # the test settings turn the page cache off
            client.get(path)  # rendered and kept; then another user's views read it (reports/page_cache.py)
            for _ in range(repeat if response.has_header("ETag") else 0):
                began = time.perf_counter()
                status = second.get(path).status_code
                kept.append((time.perf_counter() - began) * 1000 if status == 200 else float("nan"))
        kept = f"{statistics.median(kept):>7.1f}" if kept else f"{'-':>7}"
        log(
            f"{label:<40} {times[0]:>9.0f} {statistics.median(times[1:]):>10.0f} {sent / 1024:>8.0f}"
            f" {len(page) / 1024:>8.0f} {response.status_code:>6} {revisit} {kept}"
        )
    return connection.vendor


def child(database_url, years, repeat):
    """One database, in a fresh process: build the data set if needed, then measure."""
    setup(database_url)
    from django.db import connection

    began = time.perf_counter()
    build(years, log=lambda line: print(line, flush=True))
    if time.perf_counter() - began > 1:
        print(f"  (data set built in {time.perf_counter() - began:.0f} s)")
    print(f"\n{connection.vendor}: {years} years, {connection.settings_dict['NAME']}")
    measure(years, repeat)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--mysql-url", default=os.environ.get("BENCH_MYSQL_URL", DEFAULT_MYSQL), help="'' to skip")
    parser.add_argument("--database-url", help=argparse.SUPPRESS)  # the child process's database
    args = parser.parse_args()
    if args.database_url:
        return child(args.database_url, args.years, args.repeat)
    print(f"Report pages at {args.years} years of data (server time in-process, gzip as a browser asks)")
    urls = [default_sqlite_url(args.years)] + ([args.mysql_url] if args.mysql_url else [])
    for url in urls:
        if url.startswith("mysql://"):
            name = url.rsplit("/", 1)[1]
            host = url.split("@")[-1].split("/")[0].split(":")[0]
            subprocess.run(["mysql", "-h", host, "-uroot", "-e", f"create database if not exists {name}"], check=True)
        cmd = [
            sys.executable,
            "-m",
            "benchmarks.report_pages",
            "--years",
            str(args.years),
            "--repeat",
            str(args.repeat),
        ]
        subprocess.run([*cmd, "--database-url", url], check=True)


if __name__ == "__main__":
    sys.exit(main())
