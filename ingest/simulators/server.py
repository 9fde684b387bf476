"""A small HTTP server hosting the vendor simulators, each under its own path prefix.

The simulators stand in for the vendor APIs in the demo, the tests and the
benchmark: real HTTP on loopback, deterministic data, switchable faults.
"""

import json
import re
import threading
import time
from socketserver import ThreadingMixIn
from urllib.parse import parse_qs, quote
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from ingest.vendors import VENDORS

STATUS_TEXT = {
    200: "OK",
    201: "Created",
    204: "No Content",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}


class Request:
    def __init__(self, environ, path):
        self.method = environ["REQUEST_METHOD"]
        self.path = path
        self.query = {k: v for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        self.headers = {
            key[5:].replace("_", "-").lower(): value for key, value in environ.items() if key.startswith("HTTP_")
        }
        length = int(environ.get("CONTENT_LENGTH") or 0)
        self.body = environ["wsgi.input"].read(length) if length else b""

    def arg(self, name, default=None):
        values = self.query.get(name)
        return values[0] if values else default

    def args(self, name):
        return self.query.get(name, [])

    def json(self):
        return json.loads(self.body or b"null")


class Response:
    def __init__(self, body=None, status=200, headers=None, raw=None):
        self.status = status
        self.headers = {"Content-Type": "application/json", **(headers or {})}
        self.body = raw if raw is not None else json.dumps(body).encode()


def error(status, message, **extra):
    return Response({"error": message, **extra}, status=status)


class Faults:
    """Faults to inject, shared by every simulator on a server.

    A fault is `kind` (500, 502, 503, 429, 401, timeout, malformed, or echo), a path
    prefix it applies to, how many requests to let through first (`after`) and
    how many times to fire (`times`; -1 for ever).

    `echo` is a debugging proxy's HTTP 400 whose text body repeats the request's credentials: its
    Authorization, Token and X-Auth-Token headers, its query values and its JSON body's strings, each
    as sent (`echo`), JSON-escaped (`echo-json`), unicode-escaped (`echo-unicode`) or URL-encoded (`echo-url`).
    """

    ECHOES = {
        "echo": lambda value: value,
        "echo-json": lambda value: json.dumps(value)[1:-1],
        "echo-unicode": lambda value: "".join(f"\\u{ord(c):04x}" for c in value),
        "echo-url": lambda value: quote(value, safe=""),
    }
    KINDS = {"500", "502", "503", "429", "401", "timeout", "malformed", *ECHOES}

    def __init__(self):
        self._lock = threading.Lock()
        self._faults = []
        self.timeout_seconds = 3.0

    def add(self, kind, path="/", *, times=1, after=0):
        if str(kind) not in self.KINDS:
            raise ValueError(f"unknown fault {kind!r}; choose one of {', '.join(sorted(self.KINDS))}")
        with self._lock:
            self._faults.append({"kind": str(kind), "path": path, "times": times, "after": after})

    def clear(self):
        with self._lock:
            self._faults.clear()

    def take(self, path):
        with self._lock:
            for fault in self._faults:
                if not path.startswith(fault["path"]) or fault["times"] == 0:
                    continue
                if fault["after"] > 0:
                    fault["after"] -= 1
                    continue
                if fault["times"] > 0:
                    fault["times"] -= 1
                return fault["kind"]
        return None

    def respond(self, kind, request=None):
        if kind in self.ECHOES:
            return self.echo(request, self.ECHOES[kind])
        if kind == "timeout":
            time.sleep(self.timeout_seconds)
            return error(504, "simulated timeout")
        if kind == "malformed":
            return Response(raw=b'[{"id": 1, "broken": ')
        if kind == "401":
            return error(401, "Unauthorized")
        return error(int(kind), "simulated failure")

    @staticmethod
    def echo(request, encode):
        said = [(name, request.headers.get(name)) for name in ("authorization", "token", "x-auth-token")]
        said += [(name, value) for name, values in request.query.items() for value in values]
        try:
            body = request.json()
        except ValueError:
            body = None
        if isinstance(body, dict):
            said += [(name, value) for name, value in body.items() if isinstance(value, str)]
        text = "; ".join(f"{name}={encode(value)}" for name, value in said if value)
        return Response(status=400, raw=f"echo of {request.method} {request.path}: {text}".encode(),
                        headers={"Content-Type": "text/plain; charset=utf-8"})  # fmt: skip


class Simulator:
    """A vendor simulator: routes (method, regex) to handler methods."""

    routes: list[tuple[str, str, str]] = []

    def __init__(self, **options):
        self.options = options
        self._routes = [(m, re.compile(p + r"\Z"), h) for m, p, h in self.routes]

    def demo_source(self, base_url):
        """The add_source arguments (kind, base_url, credentials, params) of a source reading this simulator."""
        raise NotImplementedError

    test_history_days = 2  # how many days of history the suite's `sim` fixture gives this simulator

    def test_source(self, base_url):
        """The suite's `<kind>_source` fixture: add_source arguments (with a name) over the test history."""
        raise NotImplementedError

    def handle(self, request):
        for method, pattern, handler in self._routes:
            match = pattern.match(request.path)
            if match:
                if request.method != method:
                    continue
                return getattr(self, handler)(request, **match.groupdict())
        return error(404, f"no route for {request.method} {request.path}")


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class SimulatorServer:
    """Serves simulators at http://host:port/<prefix>/..., in a background thread."""

    def __init__(self, host="127.0.0.1", port=0, options=None, kinds=None):
        options = options or {}
        self.faults = Faults()
        self.simulators = {
            vendor.kind: vendor.simulator_class()(**options.get(vendor.kind, {}))
            for vendor in VENDORS
            if kinds is None or vendor.kind in kinds
        }
        self.httpd = make_server(host, port, self.wsgi, server_class=_ThreadingServer, handler_class=_QuietHandler)
        self.host, self.port = self.httpd.server_address[:2]
        self.thread = None

    def url(self, prefix):
        return f"http://{self.host}:{self.port}/{prefix}"

    def wsgi(self, environ, start_response):
        response = self.dispatch(environ)
        reason = STATUS_TEXT.get(response.status, "Status")
        headers = list(response.headers.items()) + [("Content-Length", str(len(response.body)))]
        start_response(f"{response.status} {reason}", headers)
        return [response.body]

    def dispatch(self, environ):
        path = environ.get("PATH_INFO", "/")
        if path == "/_health":
            return Response({"simulators": list(self.simulators)})
        if path == "/_faults":
            return self.control(Request(environ, path))
        fault = self.faults.take(path)
        if fault:
            return self.faults.respond(fault, Request(environ, path))
        prefix, _, rest = path.lstrip("/").partition("/")
        simulator = self.simulators.get(prefix)
        if simulator is None:
            return error(404, f"no simulator at /{prefix}")
        try:
            return simulator.handle(Request(environ, "/" + rest))
        except (ValueError, KeyError, TypeError) as exc:
            return error(400, f"bad request: {exc}")

    def control(self, request):
        """POST /_faults {"kind": "500", "path": "/mls/api/v2/records", "times": 2}; DELETE clears."""
        if request.method == "DELETE":
            self.faults.clear()
            return Response(status=204, raw=b"")
        body = request.json() or {}
        self.faults.add(body["kind"], body.get("path", "/"), times=body.get("times", 1), after=body.get("after", 0))
        return Response({"ok": True}, status=201)

    def start(self):
        # A short poll interval so that stop() (every test's teardown) returns at once.
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def serve_forever(self):
        self.httpd.serve_forever()
