"""Load test: many logged-in users browsing the report pages of the ten-year data set under gunicorn.

    python -m benchmarks.load [--users 20 50] [--seconds 60] [--workers 4] [--database-url URL] [--redis-url URL]

Starts gunicorn (`--workers` processes, production settings: DEBUG off, static files collected) on the data
set of benchmarks/dataset.py (built first if missing), the workers sharing their chart cache in Redis as
several processes do in production (`--redis-url`, db 7 by default, flushed first), then runs each number of
`--users` for `--seconds`:
every user has a session of their own and, in a loop, opens the next of the pages benchmarks/report_pages.py
measures, reads the whole (gzip-compressed) answer and pauses 1 s. It prints requests/s, p50/p95/max
latency and errors (any answer but 200, or no answer). Latency is measured by the client on the same machine,
so it includes the client's own share of the two cores. Target (issue 10): 50 users, p95 < 300 ms, 0 errors.
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
    """Build the data set if needed; the paths of the pages users open."""
    from benchmarks.dataset import build, setup

    setup(database_url)
    build(years)
    from benchmarks.report_pages import pages

    return [path for _label, path in pages(years)]


def sessions(n):
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.backends.db import SessionStore

    keys = []
    for i in range(n):
        user, _ = get_user_model().objects.get_or_create(username=f"bench-user-{i}")
        store = SessionStore()
        store["_auth_user_id"] = str(user.pk)
        store["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
        store["_auth_user_hash"] = user.get_session_auth_hash()
        store.create()
        keys.append(store.session_key)
    return keys


def start_gunicorn(database_url, workers, port, secret_key, redis_url=""):
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


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, nargs="+", default=[20, 50])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--database-url", help="default: the SQLite data set in benchmarks/.data/")
    parser.add_argument(
        "--redis-url", default="redis://127.0.0.1:6379/7",
        help="the workers' shared chart cache (flushed first); '' for a local-memory cache per worker",
    )  # fmt: skip
    args = parser.parse_args()
    database_url = args.database_url or default_sqlite_url(args.years)
    secret_key = os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)  # sessions are signed with it
    paths = prepare(database_url, args.years)
    keys = sessions(max(args.users))
    from django.db import connection

    vendor = connection.vendor
    connection.close()
    port = free_port()
    if args.redis_url:
        import redis

        redis.Redis.from_url(args.redis_url).flushdb()
    server = start_gunicorn(database_url, args.workers, port, secret_key, args.redis_url)
    try:
        base = f"http://127.0.0.1:{port}"
        cache = "Redis" if args.redis_url else "local memory per worker"
        print(f"Load test: {vendor}, {args.years} years, gunicorn --workers {args.workers}, chart cache in {cache},")
        print(f"           {len(paths)} pages in turn, 1 s pause")
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
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
