"""What HttpClient's session does below a vendor's protocol: deadlines, bounded bodies, same-origin redirects.

- **Deadlines.** Every request runs under a `Deadline`: the whole request (connect, retries and their waits,
  redirects, the whole body) ends by settings.FETCH_REQUEST_DEADLINE, or by the run's own deadline
  (`run_time_limit`, which `manage.py ingest` sets from FETCH_TIMEOUT) if that comes first. Read timeouts bound
  each read only, so a server sending a byte every few seconds would otherwise keep a request for ever: when a
  deadline passes, the socket the request is using is shut down, and urllib3 retries nothing after it.
- **Bodies** are read streamed and counted after decompression (`read_body`): past settings.FETCH_MAX_BYTES
  the answer is dropped, so a huge body, a gzip bomb or an endless one never holds more than the limit.
- **Redirects** are followed here, not by requests (which drops only `Authorization` when the host changes, and
  re-posts a login's body on 307/308): at most MAX_REDIRECTS, each within the source's own origin (scheme, host
  and port), so a credential never leaves it (`same_origin`, `where`).
"""

import socket
import threading
import time
from contextlib import contextmanager
from contextvars import ContextVar
from urllib.parse import urlsplit

from requests.adapters import HTTPAdapter
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

MAX_REDIRECTS = 5
CHUNK = 64 * 1024  # bytes read (and, for a compressed body, decompressed) at a time
DEFAULT_PORTS = {"http": 80, "https": 443}
RECHECK = 0.05  # seconds between two cuts of an expired request's socket (one made meanwhile is cut too)

_current = threading.local()  # the Deadline of the request this thread is sending
_run_deadline = ContextVar("run_deadline", default=None)  # (monotonic time, why) of the whole run


class DeadlineExceeded(Exception):
    """A request's deadline passed. Not an OSError nor an urllib3 error, so neither urllib3 nor requests
    retries or wraps it: it ends the request at once."""


@contextmanager
def run_time_limit(seconds, why):
    """Every request sent inside (in this context, and the threads that copy it) ends by `seconds` from now;
    one that cannot fails saying `why` (e.g. "the fetch ran longer than FETCH_TIMEOUT (3600 s)")."""
    token = _run_deadline.set((time.monotonic() + seconds, why))
    try:
        yield
    finally:
        _run_deadline.reset(token)


class Deadline:
    """The end of one request: when it passes, the socket the request uses is shut down (and shut down again,
    until the request is over, in case a retry connected meanwhile)."""

    def __init__(self, seconds, why):
        self.at, self.why = time.monotonic() + seconds, why
        run = _run_deadline.get()
        if run is not None and run[0] < self.at:
            self.at, self.why = run
        self.expired = False
        self.conn = None  # the urllib3 connection the request is using now
        self._over = False
        self._lock = threading.Lock()  # so that a connection back in the pool is never cut
        self._timer = None

    def __enter__(self):
        _current.deadline = self
        self._arm(self.remaining())
        return self

    def __exit__(self, *exc_info):
        with self._lock:
            self._over, self.conn = True, None
            self._timer.cancel()
        _current.deadline = None

    def remaining(self):
        return self.at - time.monotonic()

    def check(self):
        if self.expired or self.remaining() <= 0:
            self.expired = True
            raise DeadlineExceeded(self.why)

    def _arm(self, seconds):
        self._timer = threading.Timer(max(seconds, 0), self._expire)
        self._timer.daemon = True
        self._timer.start()

    def _expire(self):
        with self._lock:
            if self._over:
                return
            self.expired = True
            sock = getattr(self.conn, "sock", None)
            if sock is not None:
                try:  # the plain socket's shutdown, under TLS too: the blocked read returns at once
                    socket.socket.shutdown(sock, socket.SHUT_RDWR)
                except OSError:
                    pass
            self._arm(RECHECK)


def current_deadline():
    return getattr(_current, "deadline", None)


class _Watched:
    """A connection pool that hands each request's connection to its deadline, and sends nothing past it."""

    def _make_request(self, conn, *args, **kwargs):
        deadline = current_deadline()
        if deadline is not None:
            deadline.check()
            deadline.conn = conn
        return super()._make_request(conn, *args, **kwargs)


class _WatchedHTTPPool(_Watched, HTTPConnectionPool):
    pass


class _WatchedHTTPSPool(_Watched, HTTPSConnectionPool):
    pass


POOLS = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}


class DeadlineAdapter(HTTPAdapter):
    """requests' adapter over the watched pools (also through a proxy)."""

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = POOLS

    def proxy_manager_for(self, proxy, **kwargs):
        manager = super().proxy_manager_for(proxy, **kwargs)
        manager.pool_classes_by_scheme = POOLS
        return manager


def read_body(response, limit):
    """Read the body into `response` (so `.content`, `.text` and `.json()` work), decompressed, at most
    `limit` bytes; return False (the connection closed, the body dropped) if there are more."""
    length = response.headers.get("Content-Length", "")
    plain = response.headers.get("Content-Encoding", "identity").strip().lower() == "identity"
    if plain and length.isdigit() and int(length) > limit:  # too large already said: nothing read
        response.close()
        return False
    chunks, size = [], 0
    for chunk in response.iter_content(CHUNK):
        size += len(chunk)
        if size > limit:
            response.close()
            return False
        chunks.append(chunk)
    response._content = b"".join(chunks)  # what requests itself does with a body it reads
    response._content_consumed = True
    response.close()  # the whole body is read: the connection goes back to the pool
    return True


def origin(url):
    """(scheme, host, port) of a URL; None for one whose port is not a number."""
    parts = urlsplit(url)
    try:
        port = parts.port or DEFAULT_PORTS.get(parts.scheme.lower())
    except ValueError:
        return None
    return parts.scheme.lower(), (parts.hostname or "").lower(), port


def same_origin(url, other):
    return origin(url) is not None and origin(url) == origin(other)


def where(url):
    """scheme://host[:port] of a URL: enough to say where a redirect pointed, without its path or query."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    host = parts.hostname or "(no host)"
    host = f"[{host}]" if ":" in host else host
    return f"{parts.scheme.lower()}://{host}" + (f":{port}" if port else "")
