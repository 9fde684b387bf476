"""A small HTTP server hosting the vendor simulators, each under its own path prefix.

The simulators stand in for the vendor APIs in the demo, the tests and the
benchmark: real HTTP on loopback, deterministic data, switchable faults.
"""

import re
import socket
import struct
import threading
from dataclasses import replace
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from ingest.simulators.faults import Fault, Faults
from ingest.simulators.http import STATUS_TEXT, Request, Response, error  # noqa: F401 (simulators import them here)
from ingest.vendors import VENDORS


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
    # {name: (option, help)}: `manage.py simulators --<kind>-<name> N` passes option=N (how big to generate it)
    sizes: dict = {}
    # Options the demo (`make run`) and the `simulators` command give this simulator on top of its history,
    # so that the demo shows every finding while the suite's `sim` fixture keeps the defaults' numbers.
    demo_options: dict = {}

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

    def get_environ(self):
        return {**super().get_environ(), "simulator.socket": self.connection}  # for the reset fault


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True

    def shutdown_request(self, request):
        """Close the connection; one a fault set to linger 0 is closed at once, with a reset rather than a FIN."""
        if request.getsockopt(socket.SOL_SOCKET, socket.SO_LINGER, 8) == struct.pack("ii", 1, 0):
            return self.close_request(request)
        return super().shutdown_request(request)


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

    def inject(self, path, fault, *, after=0, times=1):
        """Let `after` requests under `path` through, then answer `times` of them (-1: all) with `fault`:
        a Fault from ingest/simulators/faults.py (status(503), reset(), ...) or its name ("503", "reset")."""
        self.faults.add(fault, path, after=after, times=times)

    def wsgi(self, environ, start_response):
        response = self.dispatch(environ)
        reason = STATUS_TEXT.get(response.status, "Status")
        length = len(response.body) if response.length is None else response.length
        headers = list(response.headers.items()) + [("Content-Length", str(length))]
        start_response(f"{response.status} {reason}", headers)
        return [response.body]

    def dispatch(self, environ):
        path = environ.get("PATH_INFO", "/")
        if path == "/_health":
            return Response({"simulators": list(self.simulators)})
        if path == "/_faults":
            return self.control(Request(environ, path))
        request = Request(environ, path)
        fault = self.faults.take(path)
        if fault:
            return self.faults.respond(fault, request, lambda: self.answer(request))
        return self.answer(request)

    def answer(self, request):
        """The simulator's own answer (a request's path starts with its simulator's prefix)."""
        prefix, _, rest = request.path.lstrip("/").partition("/")
        simulator = self.simulators.get(prefix)
        if simulator is None:
            return error(404, f"no simulator at /{prefix}")
        try:
            return simulator.handle(Request.under(request, "/" + rest))
        except (ValueError, KeyError, TypeError) as exc:
            return error(400, f"bad request: {exc}")

    def control(self, request):
        """POST /_faults {"kind": "429", "path": "/mls/api/v2/records", "times": 2, "after": 0, "retry_after": 1};
        DELETE clears."""
        if request.method == "DELETE":
            self.faults.clear()
            return Response(status=204, raw=b"")
        body = request.json() or {}
        try:
            fault = Fault.named(body.get("kind"))
            if body.get("retry_after") is not None:
                fault = replace(fault, retry_after=int(body["retry_after"]))
        except (TypeError, ValueError) as exc:
            return error(400, str(exc))
        self.inject(body.get("path", "/"), fault, times=body.get("times", 1), after=body.get("after", 0))
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
