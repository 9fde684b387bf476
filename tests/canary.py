"""A loopback "canary" server that records every request it receives and answers none usefully.

Hostile names carry its URL (an image, a stylesheet, a link); a browser that renders them pointed at it as its
HTTP proxy too (Chromium's --proxy-server) sends it every other request it makes, a CDN's included. A test then
asserts that `requests` stayed empty.
"""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class _Recorder(BaseHTTPRequestHandler):
    def _record(self):
        self.server.requests.append(f"{self.command} {self.path}")
        self.send_response(403)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = do_HEAD = do_PUT = do_OPTIONS = do_CONNECT = _record

    def log_message(self, *args):
        pass


class Canary:
    def __init__(self):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
        self.httpd.daemon_threads = True
        self.httpd.requests = []
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def requests(self):
        return list(self.httpd.requests)

    def hostile_names(self):
        """Names as a hostile upstream sends them: a link, a styled span fetching a background, an image."""
        return [
            f'<a href="{self.url}/link">Renew here</a>',
            f'<span style="background:url({self.url}/span.png)">Styled</span>',
            f'<img src="{self.url}/img.png"> Image',
            f"$\\href{{{self.url}/tex}}{{TeX}}$",
        ]


@pytest.fixture
def canary():
    server = Canary()
    server.thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()
