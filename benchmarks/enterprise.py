"""The enterprise License Statistics installation: fetch times, peak memory and the pages that read it.

    python -m benchmarks.enterprise [--servers 100] [--features 50] [--sessions 2000] [--history-days 21]
                                    [--hourly-days 14] [--database-url URL] [--repeat 5] [--fetch-only]

Serves the License Statistics simulator as `--servers` license servers of `--features` features each with
`--sessions` current users (`manage.py simulators --lstat-servers ...`, in a process of its own so that its work
is not counted as ours), on `--history-days` of history up to now. Into a fresh database (default an SQLite file
in benchmarks/.data/) it then

- fetches the source once as a scheduled fetch does (the first fetch: every day of the history, `--hourly-days`
  of hourly rows, the snapshots), printing wall time, our process's CPU time, rows and peak RSS;
- fetches it again at once (a repeat fetch: what every 15-minute run costs once the history is stored);
  beside each fetch, the simulator's CPU time and the load average;
- measures the overview and the License Statistics pages as benchmarks/report_pages.py does: the first view
  after the fetch, the median repeat view, bytes sent gzip-compressed, and a browser's revisit with the ETag.

Targets (issue 20): repeat fetch <= 60 s and in proportion to what is new, first fetch <= 300 s, peak memory
<= 500 MB; the overview <= 2 s on the first view after a fetch and <= 300 ms on a repeat, <= 300 KB compressed;
every License Statistics page <= 300 ms. It asserts nothing.
"""

import argparse
import os
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests

from benchmarks.dataset import DATA, fresh_database
from benchmarks.load import free_port

ROOT = Path(__file__).resolve().parent.parent


def serve_simulator(args):
    """`manage.py simulators` at the enterprise size, in a process of its own; (process, base URL)."""
    port = free_port()
    cmd = [
        sys.executable, "manage.py", "simulators", "--port", str(port), "--history-days", str(args.history_days),
        "--lstat-servers", str(args.servers), "--lstat-features", str(args.features),
        "--lstat-sessions", str(args.sessions),
    ]  # fmt: skip
    env = {**os.environ, "DEBUG": "true", "DJANGO_SETTINGS_MODULE": "dashboard.settings"}
    env.pop("DATABASE_URL", None)
    process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            requests.get(f"{url}/_health", timeout=1)
            return process, f"{url}/lstat"
        except requests.ConnectionError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("the simulators did not start")


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def process_cpu(pid):
    """CPU seconds (user + system) another process has used so far, from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime: fields 14 and 15


def timed_fetch(source, label, simulator):
    from ingest.services import run_fetch

    began, cpu, sim_cpu = time.perf_counter(), time.process_time(), process_cpu(simulator.pid)
    run = run_fetch(source, trigger="bench")
    wall, cpu = time.perf_counter() - began, time.process_time() - cpu
    sim_cpu = process_cpu(simulator.pid) - sim_cpu
    print(
        f"{label:<14} {run.status:<10} {wall:>7.1f} s wall {cpu:>7.1f} s CPU {run.records_fetched:>10,} rows fetched"
        f" {run.records_created:>10,} new   peak RSS {peak_rss_mb():.0f} MB   simulator {sim_cpu:.1f} s CPU"
        f"   load {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    if run.status != "succeeded":
        raise SystemExit(f"the fetch failed: {run.error}")
    return run


def pages():
    from ingest.vendors.lstat.models import LstatFeature, LstatServer

    feature = LstatFeature.objects.order_by("pk").first()
    server = LstatServer.objects.order_by("pk").first()
    compared = "&".join(f"features={pk}" for pk in LstatFeature.objects.order_by("pk").values_list("pk", flat=True)[:5])
    return [
        ("overview (home), 90 days", "/"),
        ("LStat index", "/lstat/"),
        ("LStat server (50 features)", f"/lstat/servers/{server.pk}/"),
        ("LStat feature", f"/lstat/features/{feature.pk}/"),
        ("LStat feature, hourly", f"/lstat/features/{feature.pk}/?granularity=hour"),
        ("LStat compare 5 features", f"/lstat/compare/?{compared}"),
        ("LStat current users", "/lstat/users/"),
        ("LStat highest users", "/lstat/highest/"),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--servers", type=int, default=100)
    parser.add_argument("--features", type=int, default=50, help="features per license server")
    parser.add_argument("--sessions", type=int, default=2000)
    parser.add_argument("--history-days", type=int, default=21)
    parser.add_argument("--hourly-days", type=int, default=14)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--fetch-only", action="store_true", help="measure the two fetches, not the pages")
    parser.add_argument("--database-url", default=f"sqlite:///{DATA / 'enterprise.sqlite3'}")
    args = parser.parse_args()
    DATA.mkdir(exist_ok=True)
    fresh_database(args.database_url)
    from django.conf import settings
    from django.db import connection

    from benchmarks.report_pages import measure
    from ingest.services import source_save

    settings.FETCH_READ_TIMEOUT, settings.FETCH_RETRIES, settings.FETCH_BACKOFF = 300.0, 4, 1.0
    simulator, url = serve_simulator(args)
    try:
        start = (datetime.now(UTC) - timedelta(days=args.history_days)).date()
        params = {"history_start": start.isoformat(), "hourly_days": str(args.hourly_days), "timezone": "UTC"}
        source = source_save(kind="lstat", name="bench-enterprise", base_url=url, token="demo-token", params=params)
        print(
            f"License Statistics, {args.servers} servers x {args.features} features, {args.sessions} sessions, "
            f"{args.history_days} days ({args.hourly_days} hourly), on {connection.vendor}",
            flush=True,
        )
        timed_fetch(source, "first fetch", simulator)
        timed_fetch(source, "repeat fetch", simulator)
    finally:
        simulator.terminate()
        simulator.wait()
    if not args.fetch_only:
        measure(0, args.repeat, page_list=pages())


if __name__ == "__main__":
    sys.exit(main())
