"""Faults the simulators inject: one mechanism for every vendor simulator on a server.

    sim.inject("/mls/api/v2/records", status(503), after=2)           # the third records request answers 503
    sim.inject("/lstat/", status(429, retry_after=1), times=-1)        # every License Statistics request, for ever
    sim.inject("/bigfix/api/sam/license_usages", reset(), times=3)     # three connections reset

A fault applies to the requests whose path starts with its prefix: it lets `after` of them through, then fires
`times` times (-1: for ever). What a fault does:

- `status(code, retry_after=None)`: an error answer `{"error": "simulated failure"}`, with `Retry-After`
- `unauthorized()`: HTTP 401, as a session token expiring mid-run gets
- `timeout()`: no answer for `Faults.timeout_seconds` (then a 504), past a client's read timeout
- `reset()`: the connection reset (TCP RST) before any answer
- `truncated()`: the real answer with its body cut in half, Content-Length agreeing (a broken JSON document)
- `cut()`: the real answer's headers and half its body, then the connection closes (a dropped download)
- `malformed()`: a broken JSON body instead of the answer
- `echo(encoding)`: a debugging proxy's HTTP 400 whose body repeats the request's credentials (see Faults.echo)
- `redirect(origin, code=302)`: a redirect to the same path and query at another origin ("http://host:port")

The same faults by name, for `manage.py simulators --fault` and `POST /_faults`: 500, 502, 503, 429, 401,
timeout, reset, truncated, cut, malformed, echo, echo-json, echo-unicode, echo-url.
"""

import json
import socket
import struct
import threading
import time
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from ingest.simulators.http import Response, error

ECHOES = {
    "echo": lambda value: value,
    "echo-json": lambda value: json.dumps(value)[1:-1],
    "echo-unicode": lambda value: "".join(f"\\u{ord(c):04x}" for c in value),
    "echo-url": lambda value: quote(value, safe=""),
}
STATUSES = {500, 502, 503, 429, 401}  # the statuses a fault may be named by
SPOILERS = {"truncated", "cut"}  # faults applied to the simulator's own answer
KINDS = {"status", "timeout", "reset", "malformed", *SPOILERS, *ECHOES}


@dataclass(frozen=True)
class Fault:
    kind: str
    status: int | None = None
    retry_after: int | None = None
    location: str | None = None  # a redirect's origin

    @classmethod
    def named(cls, name):
        """The fault a name stands for: "503", "timeout", "echo-json"... (or a Fault, as it is)."""
        if isinstance(name, Fault):
            return name
        name = str(name)
        if name.isdigit() and int(name) in STATUSES:
            return cls("status", int(name))
        if name not in KINDS - {"status"}:
            names = sorted({str(s) for s in STATUSES} | KINDS - {"status"})
            raise ValueError(f"unknown fault {name!r}; choose one of {', '.join(names)}")
        return cls(name)


def status(code, *, retry_after=None):
    return Fault("status", int(code), None if retry_after is None else int(retry_after))


def unauthorized():
    return Fault("status", 401)


def timeout():
    return Fault("timeout")


def reset():
    return Fault("reset")


def truncated():
    return Fault("truncated")


def cut():
    return Fault("cut")


def malformed():
    return Fault("malformed")


def redirect(origin, code=302):
    return Fault("redirect", int(code), location=origin.rstrip("/"))


def echo(encoding="echo"):
    return Fault.named(encoding)


class Faults:
    """The faults waiting to fire on one server (thread-safe: the server answers on many threads)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._faults = []
        self.timeout_seconds = 3.0

    def add(self, fault, path="/", *, times=1, after=0):
        fault = Fault.named(fault)
        with self._lock:
            self._faults.append({"fault": fault, "path": path, "times": times, "after": after})

    def clear(self):
        with self._lock:
            self._faults.clear()

    def take(self, path):
        """The fault this request meets, or None."""
        with self._lock:
            for entry in self._faults:
                if not path.startswith(entry["path"]) or entry["times"] == 0:
                    continue
                if entry["after"] > 0:
                    entry["after"] -= 1
                    continue
                if entry["times"] > 0:
                    entry["times"] -= 1
                return entry["fault"]
        return None

    def respond(self, fault, request, answer):
        """The answer to a request that met `fault`; `answer()` is the simulator's own answer."""
        kind = fault.kind
        if kind in ECHOES:
            return self.echo(request, ECHOES[kind])
        if kind == "status":
            response = error(fault.status, "Unauthorized" if fault.status == 401 else "simulated failure")
            if fault.retry_after is not None:
                response.headers["Retry-After"] = str(fault.retry_after)  # whole seconds, as urllib3 reads it
            return response
        if kind == "redirect":
            query = urlencode(request.query, doseq=True)
            location = fault.location + request.path + (f"?{query}" if query else "")
            return Response(status=fault.status, raw=b"", headers={"Location": location})
        if kind == "timeout":
            time.sleep(self.timeout_seconds)
            return error(504, "simulated timeout")
        if kind == "reset":
            # Linger 0: closing the socket sends a TCP reset; wsgiref drops a request that raises this quietly.
            request.socket.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            raise ConnectionResetError("simulated connection reset")
        if kind == "malformed":
            return Response(raw=b'[{"id": 1, "broken": ')
        response = answer()
        whole = len(response.body)
        response.body = response.body[: whole // 2]
        if kind == "cut":
            response.length = whole  # promised whole, sent half: the client reads until the connection closes
        return response

    @staticmethod
    def echo(request, encode):
        """A debugging proxy's HTTP 400 whose text body repeats the request's credentials: its Authorization,
        Token and X-Auth-Token headers, its query values and its JSON body's strings, each as sent (`echo`),
        JSON-escaped (`echo-json`), unicode-escaped (`echo-unicode`) or URL-encoded (`echo-url`)."""
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
