"""The simulators' requests and answers: just enough HTTP for a vendor API."""

import json
from urllib.parse import parse_qs

STATUS_TEXT = {
    200: "OK",
    201: "Created",
    204: "No Content",
    301: "Moved Permanently",
    302: "Found",
    303: "See Other",
    307: "Temporary Redirect",
    308: "Permanent Redirect",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
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
        self.socket = environ.get("simulator.socket")  # the connection, for a fault that resets it

    @classmethod
    def under(cls, request, path):
        """The same request, as the simulator under a path prefix sees it (its path without the prefix)."""
        inner = cls.__new__(cls)
        inner.__dict__.update(request.__dict__, path=path)
        return inner

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
        self.length = None  # the Content-Length sent, if not the body's (a fault that drops the connection)


def error(status, message, **extra):
    return Response({"error": message, **extra}, status=status)
