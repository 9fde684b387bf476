"""Load test: many logged-in users browsing the report pages of the ten-year data set under gunicorn.

    python -m benchmarks.load [--users 50 100] [--years 1 10] [--seconds 60] [--workers 4] [--worker-class sync]
                              [--threads 1] [--closed-loop 10] [--database-url URL] [--redis-url URL]

Starts gunicorn (`--workers` processes, production settings: DEBUG off, static files collected) on the data
set of benchmarks/dataset.py (built first if missing), the workers sharing their chart cache in Redis as
several processes do in production (`--redis-url`, db 7 by default, flushed first), then runs each number of
`--users` for `--seconds`:
every user has a session of their own and, in a loop, opens the next of the pages benchmarks/report_pages.py
measures, reads the whole (gzip-compressed) answer and pauses 1 s. It prints requests/s, p50/p95/max
latency and errors (any answer but 200, or no answer). Latency is measured by the client on the same machine,
so it includes the client's own share of the two cores.

`--closed-loop S` then measures what each page costs, side by side in the same server: for S seconds per page,
as many users as there are workers ask for it again the moment they have it, and it prints each page's
requests/s beside a logged-in page with one small query (the API tokens page: the framework's own floor) and
their ratio. `--years` runs all of it on each data set (1 and 10 years of every vendor), `--worker-class` and
`--threads` are gunicorn's (sync, or gthread with threads).

Targets (issue 20): 50 users p95 < 300 ms, 100 users p95 < 500 ms, 0 errors; every report page within three
times the floor's cost (its closed-loop requests/s at least a third of the floor's).
"""

import argparse
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time

import requests

from benchmarks.dataset import default_sqlite_url

# The key the data set's credentials were encrypted with (benchmarks build it with the test settings).
TEST_FIELD_KEY = "dGVzdC1vbmx5LWZpZWxkLWtleS0wMTIzNDU2Nzg5YWI="


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(database_url, years):
    """Build the data set if needed; the (label, path) of the pages users open."""
    from benchmarks.dataset import build, setup

    setup(database_url)
    build(years)
    from benchmarks.report_pages import pages

    return pages(years)


def sessions(n):
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.backends.db import SessionStore

    keys = []
    for i in range(n):
        user, _ = get_user_model().objects.get_or_create(username=f"bench-user-{i}")
        store = SessionStore()
        store["_auth_user_id"] = str(user.pk)
        store["_auth_user_backend"] = settings.AUTHENTICATION_BACKENDS[-1]  # local accounts (dashboard.signin)
        store["_auth_user_hash"] = user.get_session_auth_hash()
        store.create()
        keys.append(store.session_key)
    return keys


def start_gunicorn(database_url, workers, port, secret_key, redis_url="", worker_class="sync", threads=1):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dashboard.settings",
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": secret_key,
        "FIELD_ENCRYPTION_KEYS": TEST_FIELD_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "REDIS_URL": redis_url,  # the workers share one chart cache, as several processes in production do
    }
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], env=env, check=True)
    cmd = [
        sys.executable, "-m", "gunicorn", "dashboard.wsgi", "--workers", str(workers),
        "--worker-class", worker_class, "--threads", str(threads),
        "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
    ]  # fmt: skip
    process = subprocess.Popen(cmd, env=env, start_new_session=True)
    for _ in range(200):
        try:
            requests.get(f"http://127.0.0.1:{port}/", timeout=10)  # any answer: it is up
            return process
        except requests.RequestException:
            time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)
    raise SystemExit("gunicorn did not start")


def run_users(base, paths, keys, seconds):
    """Each user opens the pages in turn, pausing 1 s; returns (latencies in ms, errors, requests)."""
    latencies, errors = [], []
    stop = time.monotonic() + seconds
    lock = threading.Lock()

    def user(i, key):
        http = requests.Session()
        headers = {"Cookie": f"sessionid={key}", "Accept-Encoding": "gzip", "X-Forwarded-Proto": "https"}
        n = i
        time.sleep(i * 1.0 / len(keys))  # users arrive spread over the first second
        while time.monotonic() < stop:
            path = paths[n % len(paths)]
            n += 1
            began = time.perf_counter()
            try:
                response = http.get(base + path, headers=headers, timeout=30, allow_redirects=False)
                ok = response.status_code == 200
                error = None if ok else f"{response.status_code} {path}"
            except requests.RequestException as exc:
                error = f"{type(exc).__name__} {path}"
            elapsed = (time.perf_counter() - began) * 1000
            with lock:
                latencies.append(elapsed)
                if error:
                    errors.append(error)
            time.sleep(1.0)

    threads = [threading.Thread(target=user, args=(i, key)) for i, key in enumerate(keys)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors, time.monotonic() - began


def closed_loop(base, path, keys, seconds):
    """Requests/s of `path` with len(keys) users asking again as soon as they have it, and the errors."""
    done, errors = [], []
    stop = time.monotonic() + seconds

    def user(key):
        http = requests.Session()
        headers = {"Cookie": f"sessionid={key}", "Accept-Encoding": "gzip", "X-Forwarded-Proto": "https"}
        while time.monotonic() < stop:
            try:
                ok = http.get(base + path, headers=headers, timeout=30, allow_redirects=False).status_code == 200
            except requests.RequestException:
                ok = False
            (done if ok else errors).append(1)

    threads = [threading.Thread(target=user, args=(key,)) for key in keys]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(done) / (time.monotonic() - began), len(errors)


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, nargs="+", default=[50, 100])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--worker-class", default="sync", help="gunicorn's: sync, or gthread (with --threads)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--years", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--closed-loop", type=int, default=10, metavar="S", help="seconds per page; 0 to skip")
    parser.add_argument("--database-url", help="default: the SQLite data set of each --years in benchmarks/.data/")
    parser.add_argument(
        "--redis-url", default="redis://127.0.0.1:6379/7",
        help="the workers' shared caches (flushed first); '' for a local-memory cache per worker",
    )  # fmt: skip
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)  # a child process: one data set
    args = parser.parse_args()
    if args.one or len(args.years) == 1:
        return run(args, args.years[0])
    for years in args.years:  # each data set in a process of its own: Django is set up once, on one database
        cmd = [sys.executable, "-m", "benchmarks.load", "--years", str(years), *_passed(args), "--one"]
        subprocess.run(cmd, check=True)


def _passed(args):
    passed = ["--users", *map(str, args.users), "--seconds", str(args.seconds), "--workers", str(args.workers)]
    passed += ["--worker-class", args.worker_class, "--threads", str(args.threads), "--closed-loop"]
    passed += [str(args.closed_loop), "--redis-url", args.redis_url]
    return passed + (["--database-url", args.database_url] if args.database_url else [])


def run(args, years):
    database_url = args.database_url or default_sqlite_url(years)
    secret_key = os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)  # sessions are signed with it
    labelled = prepare(database_url, years)
    paths = [path for _label, path in labelled]
    keys = sessions(max([*args.users, args.workers]))
    from django.db import connection
    from django.urls import reverse

    floor = reverse("account:tokens")
    vendor = connection.vendor
    connection.close()
    port = free_port()
    if args.redis_url:
        import redis

        redis.Redis.from_url(args.redis_url).flushdb()
    server = start_gunicorn(
        database_url, args.workers, port, secret_key, args.redis_url, args.worker_class, args.threads
    )
    try:
        base = f"http://127.0.0.1:{port}"
        cache = "Redis" if args.redis_url else "local memory per worker"
        workers = f"--workers {args.workers} --worker-class {args.worker_class} --threads {args.threads}"
        print(f"Load test: {vendor}, {years} years, gunicorn {workers}, caches in {cache},")
        print(f"           {len(paths)} pages in turn, 1 s pause, {args.seconds} s per row; load average {_load()}")
        print(f"{'users':>5} {'requests':>8} {'req/s':>6} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} {'errors':>6}")
        warm = {"Cookie": f"sessionid={keys[0]}", "X-Forwarded-Proto": "https"}
        for path in paths:  # each page once first: the first view after a fetch is in benchmarks.report_pages
            requests.get(base + path, headers=warm, timeout=60)
        for users in args.users:
            latencies, errors, elapsed = run_users(base, paths, keys[:users], args.seconds)
            print(
                f"{users:>5} {len(latencies):>8} {len(latencies) / elapsed:>6.1f} {statistics.median(latencies):>7.0f}"
                f" {percentile(latencies, 95):>7.0f} {max(latencies):>7.0f} {len(errors):>6}"
            )
            for error in sorted(set(errors))[:5]:
                print(f"      e.g. {error}")
        if args.closed_loop:
            print(f"Closed loop: {args.workers} users asking again at once, {args.closed_loop} s per page")
            print(f"{'page':<40} {'req/s':>7} {'floor/page':>10} {'errors':>6}")
            floor_rate, floor_errors = closed_loop(base, floor, keys[: args.workers], args.closed_loop)
            print(f"{'floor: API tokens page (one small query)':<40} {floor_rate:>7.1f} {1:>10.2f} {floor_errors:>6}")
            for label, path in labelled:
                rate, errors = closed_loop(base, path, keys[: args.workers], args.closed_loop)
                print(f"{label:<40} {rate:>7.1f} {floor_rate / max(rate, 0.01):>10.2f} {errors:>6}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def _load():
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


if __name__ == "__main__":
    sys.exit(main())
