"""Hostile upstreams: redirects off the source's origin, unbounded or compressed bodies, slow drips.

Each vendor redirects to a "canary" server that keeps every connection and request it receives: credentials
never reach it (no request at all does). Bodies and drips come from `Upstream`, which writes raw bytes.
"""

import gzip
import json
import threading
import tracemalloc
import zlib
from collections import namedtuple
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import CommandError, call_command

from ingest.errors import FetchError, PayloadError
from ingest.http import HttpClient
from ingest.models import IngestRun
from ingest.services import run_fetch, source_save
from ingest.simulators.faults import redirect, status
from ingest.transport import same_origin
from ingest.vendors.mls.models import MlsRecord

MB = 1024 * 1024
ZEROS = bytes(64 * 1024)
Seen = namedtuple("Seen", "method path headers body")


class Upstream:
    """A loopback HTTP/1.1 server answering every request with the bytes `reply(handler)` yields, written as
    they come (status line and headers included). It keeps what it receives: `connections`, and `received`
    (method, path with query, headers, body) of every request."""

    def __init__(self, reply):
        self.reply, self.received, self.connections = reply, [], 0
        upstream = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self):
                upstream.connections += 1
                super().setup()

            def do_GET(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                upstream.received.append(Seen(self.command, self.path, dict(self.headers), body))
                self.close_connection = True
                try:
                    for data in upstream.reply(self):
                        self.wfile.write(data)
                except OSError:  # the client hung up, as it should on a body too large
                    pass

            do_POST = do_GET

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.origin = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def upstream():
    """upstream(reply) -> a started Upstream, stopped after the test."""
    started = []

    def start(reply):
        started.append(Upstream(reply))
        return started[-1]

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def canary(upstream):
    return upstream(lambda handler: [head(200, length=2), b"{}"])


def head(status, *, length=None, **headers):
    """A status line and headers; `length` as Content-Length, else the body is chunked."""
    headers = {"Content-Type": "application/json", **{k.replace("_", "-"): v for k, v in headers.items()}}
    headers.update({"Content-Length": str(length)} if length is not None else {"Transfer-Encoding": "chunked"})
    return (
        f"HTTP/1.1 {status} X\r\n".encode() + b"".join(f"{k}: {v}\r\n".encode() for k, v in headers.items()) + b"\r\n"
    )


def chunk(data):
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"


# --- redirects: per vendor, to a canary ---------------------------------------------------------------------


def failed_run(source):
    run = run_fetch(source)
    assert run.status == IngestRun.Status.FAILED
    return run.error


def assert_refused(run_error, canary, source):
    assert f"was redirected to {canary.origin}, away from the source's own address" in run_error
    assert canary.connections == 0 and canary.received == []
    for secret in source.secrets():
        assert secret not in run_error


@pytest.mark.django_db
def test_license_statistics_never_sends_its_token_to_another_origin(sim, lstat_source, canary):
    sim.inject("/lstat/", redirect(canary.origin), times=-1)

    assert_refused(failed_run(lstat_source), canary, lstat_source)


@pytest.mark.django_db
@pytest.mark.parametrize("code", [307, 308])
def test_the_bigfix_login_never_reposts_its_password_to_another_origin(sim, bigfix_source, canary, code):
    sim.inject("/bigfix/api/get_token", redirect(canary.origin, code))

    error = failed_run(bigfix_source)

    assert error.startswith(f"POST /api/get_token was redirected to {canary.origin}")
    assert_refused(error, canary, bigfix_source)


@pytest.mark.django_db
@pytest.mark.parametrize("token_in", ["header", "query"])
def test_the_bigfix_token_never_goes_to_another_origin_in_its_header_or_query(sim, bigfix_source, canary, token_in):
    sim.simulators["bigfix"].token_in = token_in  # "query": the header is refused, then ?token= is sent
    sim.inject("/bigfix/api/sam/license_usages", redirect(canary.origin), after=token_in == "query")

    error = failed_run(bigfix_source)

    assert_refused(error, canary, bigfix_source)
    token = next(iter(sim.simulators["bigfix"].users.values()))["token"]
    assert token not in error


@pytest.mark.django_db
def test_the_mls_login_never_reposts_its_password_to_another_origin(sim, mls_source, canary):
    sim.inject("/mls/api/v2/login", redirect(canary.origin, 307))

    assert_refused(failed_run(mls_source), canary, mls_source)


@pytest.mark.django_db
def test_the_mls_bearer_token_never_goes_to_another_origin(sim, mls_source, canary):
    sim.inject("/mls/api/v2/records", redirect(canary.origin, 302))

    assert_refused(failed_run(mls_source), canary, mls_source)


@pytest.mark.django_db
def test_metering_never_follows_a_redirect_to_another_origin(sim, metering_source, canary):
    sim.inject("/metering/", redirect(canary.origin, 301), times=-1)

    assert_refused(failed_run(metering_source), canary, metering_source)


@pytest.mark.django_db
def test_a_same_origin_redirect_is_followed_with_the_credentials_and_a_login_body(sim, mls_source):
    here = f"http://{sim.host}:{sim.port}"
    sim.inject("/mls/api/v2/login", redirect(here, 307))  # the password is posted again, to the same origin
    sim.inject("/mls/api/v2/records", redirect(here, 302), times=2)  # and the token goes along

    run = run_fetch(mls_source)

    assert run.status == IngestRun.Status.SUCCEEDED, run.error
    assert MlsRecord.objects.count() == run.records_fetched == 5760  # both supervisors' two days


def test_redirects_without_end_fail_the_request(sim):
    sim.inject("/mls/api/v2/records", redirect(f"http://{sim.host}:{sim.port}"), times=-1)

    with pytest.raises(FetchError, match="^GET /api/v2/records was redirected more than 5 times$"):
        HttpClient(sim.url("mls")).request("GET", "/api/v2/records")


@pytest.mark.parametrize(
    ("target", "base", "same"),
    [
        ("http://Vendor.example/api/x?token=1", "http://vendor.example/api", True),
        ("http://vendor.example:80/other", "http://vendor.example/api", True),
        ("https://vendor.example:443/api", "https://vendor.example", True),
        ("http://vendor.example/api", "https://vendor.example/api", False),  # never https -> http
        ("https://vendor.example/api", "http://vendor.example/api", False),
        ("http://vendor.example:8080/api", "http://vendor.example/api", False),
        ("http://other.example/api", "http://vendor.example/api", False),
        ("http://vendor.example.evil/api", "http://vendor.example/api", False),
        ("http://vendor.example:port/api", "http://vendor.example/api", False),
    ],
)
def test_an_origin_is_scheme_host_and_port(target, base, same):
    assert same_origin(target, base) is same


# --- bodies: bounded, counted decompressed ------------------------------------------------------------------


@pytest.fixture
def small_limit(settings):
    settings.FETCH_MAX_BYTES = 1 * MB
    settings.FETCH_RETRIES = 0


def peak_of(call):
    """The exception `call` raised, and the most memory Python held while it ran."""
    tracemalloc.start()
    try:
        with pytest.raises(FetchError) as failure:
            call()
        return failure.value, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@cache
def bomb(encoding, size=30 * MB):
    """`size` zero bytes compressed fast (about 140 KB), a megabyte at a time."""
    packer = zlib.compressobj(1, zlib.DEFLATED, 31 if encoding == "gzip" else 15)
    return b"".join(packer.compress(ZEROS * 16) for _ in range(size // MB)) + packer.flush()


def huge(handler):
    yield head(200, length=40 * MB)
    for _ in range(40 * MB // len(ZEROS)):
        yield ZEROS


def compressed(encoding):
    def reply(handler):
        body = bomb(encoding)
        yield head(200, length=len(body), Content_Encoding=encoding)
        yield from (body[i : i + 65536] for i in range(0, len(body), 65536))

    return reply


def endless(handler):
    yield head(200)
    for _ in range(100 * MB // len(ZEROS)):  # without end as far as a 1 MB limit knows (a broken client fails)
        yield chunk(ZEROS)
    yield b"0\r\n\r\n"


@pytest.mark.parametrize(
    "reply", [huge, compressed("gzip"), compressed("deflate"), endless], ids=["40MB", "gzip", "deflate", "endless"]
)
def test_a_body_past_fetch_max_bytes_fails_the_request_in_bounded_memory(upstream, small_limit, reply):
    http = HttpClient(upstream(reply).origin)

    error, peak = peak_of(lambda: http.get_json("/api/records"))

    assert str(error) == (
        "GET /api/records answered HTTP 200 with a body larger than FETCH_MAX_BYTES (1,048,576 bytes, "
        "counted decompressed): the answer was dropped"
    )
    assert peak < 4 * MB


def test_an_error_answer_past_the_limit_fails_naming_the_limit_not_its_body(upstream, small_limit):
    http = HttpClient(upstream(lambda h: [head(500, length=2 * MB), bytes(2 * MB)]).origin)

    with pytest.raises(FetchError, match=r"answered HTTP 500 with a body larger than FETCH_MAX_BYTES"):
        http.request("GET", "/api/records")


def test_a_compressed_answer_within_the_limit_is_read_whole(upstream, small_limit):
    document = json.dumps([{"name": "x" * 100, "seats": n} for n in range(5000)]).encode()  # 0.6 MB
    body = gzip.compress(document)
    http = HttpClient(upstream(lambda h: [head(200, length=len(body), Content_Encoding="gzip"), body]).origin)

    assert http.get_json("/api/records") == json.loads(document)


def test_a_body_that_is_not_json_still_fails_as_malformed_json(upstream, small_limit):
    http = HttpClient(upstream(lambda h: [head(200), chunk(b'[{"id": 1, "broken": '), b"0\r\n\r\n"]).origin)

    with pytest.raises(PayloadError, match=r"^GET /api/records answered malformed JSON \(Expecting value"):
        http.get_json("/api/records")


# --- slow drips: one deadline per request, one per `manage.py ingest` run -----------------------------------


def drip(where):
    """A byte every 0.1 s of the status line and headers (`where="head"`) or of the body, for up to 10 s."""

    def reply(handler):
        start = head(200, length=100)
        if where == "body":
            yield start
        for _ in range(100):
            handler.wfile.flush()
            threading.Event().wait(0.1)
            yield start[:1] if where == "head" else b" "
            start = start[1:] or b" "

    return reply


@pytest.mark.parametrize("where", ["head", "body"])
def test_a_dripping_upstream_is_cut_at_the_request_deadline(upstream, settings, where):
    settings.FETCH_REQUEST_DEADLINE, settings.FETCH_READ_TIMEOUT = 0.6, 1.0  # each byte comes well within 1 s
    http = HttpClient(upstream(drip(where)).origin)

    with pytest.raises(FetchError) as failure:
        http.request("GET", "/api/records")

    assert str(failure.value) == "GET /api/records did not finish within FETCH_REQUEST_DEADLINE (0.6 s)"


def test_a_retry_that_would_wait_past_the_deadline_fails_at_once(sim, settings):
    settings.FETCH_REQUEST_DEADLINE = 1
    sim.inject("/mls/api/v2/records", status(503, retry_after=30), times=-1)

    with pytest.raises(FetchError, match="^GET /api/v2/records did not finish within FETCH_REQUEST_DEADLINE"):
        HttpClient(sim.url("mls")).request("GET", "/api/v2/records")


@pytest.mark.django_db
def test_ingest_stops_a_fetch_that_runs_past_fetch_timeout(sim, upstream, settings, capsys):
    settings.FETCH_TIMEOUT, settings.FETCH_REQUEST_DEADLINE = 1, 60
    source = source_save(**sim.simulators["lstat"].test_source(upstream(drip("body")).origin))

    with pytest.raises(CommandError, match="1 of 1 source"):
        call_command("ingest", source.name)

    run = IngestRun.objects.get()
    assert run.status == IngestRun.Status.FAILED
    assert run.error.endswith("stopped: the fetch ran longer than FETCH_TIMEOUT (1 s)")
    assert run.error in capsys.readouterr().out
