"""All outbound HTTP goes through here: one session per run, retries, errors, redaction and session tokens.

The whole interface a vendor client uses:

    http = HttpClient(base_url, secrets=source.secrets(), headers={...}, auth=(user, password),
                      retry_statuses=..., login=VendorLogin(source))
    response = http.request("GET", "/path", params={...})     # or http.get_json(...) / http.post_json(...)
    body = http.json(response)                               # PayloadError naming the request if not JSON

- Retries live in urllib3's `Retry`, mounted on the session's adapter: connection errors, timeouts and the
  statuses in `retry_statuses` (default 429, 502, 503, 504; a vendor passes its own set) are retried
  settings.FETCH_RETRIES times with exponential backoff from settings.FETCH_BACKOFF, honouring
  `Retry-After` (at most MAX_RETRY_AFTER seconds). Timeouts come from FETCH_CONNECT_TIMEOUT and
  FETCH_READ_TIMEOUT.
- Errors: every failed answer becomes one exception, built by `HttpClient.error()`:
  "GET /path answered HTTP 500[ after 3 attempts]: <the vendor's message, else the start of the body>".
  401 raises CredentialsError, anything else FetchError; both are HttpError with `.status`. A vendor reads
  its own error bodies by subclassing and overriding `vendor_message(response)`. Messages name the path,
  never the query string.
- Secrets: the secrets passed in, a Basic `auth` pair (also as the base64 `user:password` of its header)
  and any token learnt later (`add_secret`) are redacted from every message in every form (plain,
  URL-encoded, JSON-escaped, unicode-escaped), and join the run's secrets that the log filter scrubs.
- Transport (ingest/transport.py): each request, its retries, redirects and whole body end within
  settings.FETCH_REQUEST_DEADLINE (or the run's FETCH_TIMEOUT under `manage.py ingest`); bodies are read
  streamed, at most settings.FETCH_MAX_BYTES decompressed; redirects are followed only within the source's
  own origin (scheme, host, port), at most MAX_REDIRECTS, so no header, token parameter or login body we send
  reaches another host. Each failure is a FetchError naming the path (and a redirect's host, never its URL).
- Session tokens: pass `login=` a `TokenLogin` subclass, which says only how to log in and where the token
  goes (a header, a query parameter, or several places to try in order). The client logs in when it has no
  token or the token has expired, and exactly once more when a request with the token is refused (401).

A client gives its error bodies' message through `vendor_message`, and tells statuses apart by catching
HttpError and reading `.status` (Metering's 403), or, where a status needs its own exception, by overriding
`error()` (License Statistics: a 401 naming the token, a 404 as NotFound).
"""

import json
import logging
import time
from urllib.parse import urljoin, urlsplit

import requests
from django.conf import settings
from requests.auth import HTTPBasicAuth
from requests.utils import requote_uri
from urllib3.exceptions import MaxRetryError, NewConnectionError, ProtocolError
from urllib3.exceptions import TimeoutError as Urllib3Timeout
from urllib3.util.retry import Retry

from ingest.errors import (  # noqa: F401 (basic_auth_header: imported from here by older code)
    CredentialsError,
    FetchError,
    HttpError,
    PayloadError,
    add_secret,
    basic_auth_header,
    redact,
)
from ingest.transport import (
    MAX_REDIRECTS,
    Deadline,
    DeadlineAdapter,
    DeadlineExceeded,
    current_deadline,
    read_body,
    same_origin,
    where,
)

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 502, 503, 504})
MAX_RETRY_AFTER = 60.0  # seconds: a longer Retry-After is waited this long, then asked again
EXCERPT = 300  # characters of an error body kept in a message


class LoggedRetry(Retry):
    """urllib3's Retry that says what it retries (path only: a query string may carry a token)."""

    def increment(self, method=None, url=None, response=None, error=None, _pool=None, _stacktrace=None):
        deadline = current_deadline()
        if deadline is not None:
            deadline.check()  # past it, the error is the deadline's cut: nothing more is tried
        retry = super().increment(method, url, response, error, _pool, _stacktrace)
        path = urlsplit(url or "").path
        problem = describe(error) if error is not None else f"answered HTTP {response.status}"
        delay = retry.get_backoff_time()
        if response is not None and self.respect_retry_after_header:
            delay = retry.get_retry_after(response) or delay
        log.warning("%s %s %s; retrying in %.1fs", method, path, problem, delay)
        return retry

    def parse_retry_after(self, retry_after):
        return min(super().parse_retry_after(retry_after), MAX_RETRY_AFTER)

    def sleep(self, response=None):
        """Wait before the next attempt, unless the request's deadline would pass first (then fail now)."""
        deadline = current_deadline()
        if deadline is not None:
            wait = (self.get_retry_after(response) if response is not None else None) or self.get_backoff_time()
            if wait >= deadline.remaining():
                deadline.expired = True
            deadline.check()
        super().sleep(response)


def describe(error):
    """What went wrong below HTTP, in a few words (never the URL, which may carry a token)."""
    while True:  # requests wraps urllib3's MaxRetryError, which wraps the cause
        if isinstance(error, MaxRetryError):
            error = error.reason
        elif isinstance(error, requests.RequestException) and error.args and isinstance(error.args[0], Exception):
            error = error.args[0]
        else:
            break
    if isinstance(error, Urllib3Timeout) and not isinstance(error, NewConnectionError):
        return "timed out"  # (urllib3 counts a refused connection as a connect timeout)
    if isinstance(error, ProtocolError):  # connected and asked, then the connection went before an answer came
        reason = error.args[1] if len(error.args) > 1 else None
        return (
            "lost the connection (reset by the server)"
            if isinstance(reason, ConnectionResetError)
            else ("lost the connection (closed by the server without an answer)")
        )
    return f"could not connect ({type(error).__name__})"


class TokenLogin:
    """How one vendor gets a session token and where the token goes; HttpClient does the rest.

    A subclass sets `vendor` (its name in messages), `lifetime` (seconds a token lasts, None: until
    refused) and `placements` (where the token may go, tried in this order until the server accepts one,
    which is then kept for the run), and implements `login(http) -> token` and `place(...)`.
    """

    vendor = ""
    lifetime = None
    placements = ("header",)

    def __init__(self, source):
        self.username, self.password = source.username, source.password
        self.token = source.token or None
        self.expires = float("inf")
        self.placement = self.placements[0] if len(self.placements) == 1 else None

    def can_login(self):
        return bool(self.username and self.password)

    def login(self, http):
        """Ask the vendor for a token with `http.post_json(..., with_token=False)`; return it."""
        raise NotImplementedError

    def place(self, placement, token, headers, params):
        """Put the token in the request's `headers` or `params` (both dicts, changed in place)."""
        raise NotImplementedError

    # What each refusal means, in the vendor's words.
    def no_credentials(self):
        return f"{self.vendor} needs a --token, or a username and password to log in with"

    def refused_token(self):
        return f"{self.vendor} refused the token (HTTP 401): supply a fresh --token, or a username and password"

    def refused_login(self):
        return f"{self.vendor} refused user {self.username!r} (HTTP 401): check the username and password"

    def refused_fresh_token(self, params):
        return f"{self.vendor} refused a freshly issued token (HTTP 401): check the account's permissions"


class HttpClient:
    """One requests session bound to one vendor base URL, for one run."""

    def __init__(self, base_url, *, secrets=(), headers=None, auth=None, retry_statuses=None, login=None):
        self.base_url = base_url.rstrip("/")
        self.secrets = [s for s in secrets if s]
        self.session = requests.Session()
        self.session.headers.update({"Accept": "application/json", "User-Agent": "Meterboard"})
        self.session.headers.update(headers or {})
        if isinstance(auth, tuple):
            auth = HTTPBasicAuth(*auth)
        if isinstance(auth, HTTPBasicAuth):
            self.add_secret(basic_auth_header(auth.username, auth.password))
        self.session.auth = auth
        self.retry_statuses = frozenset(RETRY_STATUSES if retry_statuses is None else retry_statuses)
        retry = LoggedRetry(
            total=settings.FETCH_RETRIES,
            backoff_factor=settings.FETCH_BACKOFF,
            status_forcelist=self.retry_statuses,
            allowed_methods=None,  # logins are POSTs, and as safe to repeat as the reads
            respect_retry_after_header=True,
            raise_on_status=False,  # the last answer comes back, so its body can name the problem
        )
        adapter = DeadlineAdapter(max_retries=retry)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.timeout = (settings.FETCH_CONNECT_TIMEOUT, settings.FETCH_READ_TIMEOUT)
        self.login = login

    def add_secret(self, secret):
        """A secret learnt from the vendor (a session token): redacted from here on, everywhere."""
        if secret:
            self.secrets.append(secret)
            add_secret(secret)

    # --- requests ---------------------------------------------------------------------
    def request(self, method, path, *, params=None, json_body=None, headers=None, with_token=True):
        """The response to one request, after retries; raises HttpError for an error answer."""
        if self.login is None or not with_token:
            return self.send(method, path, params=params, json_body=json_body, headers=headers)
        return self.send_with_token(method, path, params=params, json_body=json_body, headers=headers)

    def get_json(self, path, **kwargs):
        return self.json(self.request("GET", path, **kwargs))

    def post_json(self, path, body, **kwargs):
        return self.json(self.request("POST", path, json_body=body, **kwargs))

    def json(self, response):
        """The answer's JSON, read by the standard library whatever requests would use (simplejson refuses
        NaN and Infinity): such a value reaches `parsing.Record`, which names its field."""
        try:
            return json.loads(response.text)
        except (ValueError, json.JSONDecodeError) as exc:
            path = response.request.path_url.split("?")[0]
            raise PayloadError(
                self._clean(f"{response.request.method} {path} answered malformed JSON ({exc})")
            ) from None

    def send(self, method, path, *, params=None, json_body=None, headers=None):
        """One request, its same-origin redirects and its whole body, within the request's deadline."""
        what = f"{method} {path}"
        seconds = settings.FETCH_REQUEST_DEADLINE
        deadline = Deadline(seconds, f"did not finish within FETCH_REQUEST_DEADLINE ({seconds:g} s)")
        try:
            with deadline:
                deadline.check()  # a run past its own deadline sends nothing more
                response = self.follow(what, method, self.base_url + path, params, json_body, headers)
                if not read_body(response, settings.FETCH_MAX_BYTES):
                    raise FetchError(
                        self._clean(
                            f"{what} answered HTTP {response.status_code} with a body larger than FETCH_MAX_BYTES "
                            f"({settings.FETCH_MAX_BYTES:,} bytes, counted decompressed): the answer was dropped"
                        )
                    )
        except (DeadlineExceeded, requests.RequestException) as exc:
            raise FetchError(self._clean(f"{what} {self.transport_problem(exc, deadline)}")) from None
        return self._check(what, response)

    def transport_problem(self, exc, deadline):
        """What went wrong below HTTP, in a few words (never the URL, which may carry a token)."""
        if deadline.expired or isinstance(exc, DeadlineExceeded):
            return deadline.why
        if isinstance(exc, requests.exceptions.ChunkedEncodingError):  # the body is read after urllib3's retries
            return "lost the connection in the middle of its answer"
        if isinstance(exc, requests.exceptions.ContentDecodingError):
            return "answered a compressed body that does not decompress"
        if isinstance(exc, requests.ConnectionError | requests.Timeout):
            return f"{describe(exc)} after {settings.FETCH_RETRIES + 1} attempts"
        return f"failed: {type(exc).__name__}"  # e.g. a base URL requests cannot use

    def follow(self, what, method, url, params, json_body, headers):
        """The answer after at most MAX_REDIRECTS redirects, each within the source's own origin: requests would
        follow one anywhere with our headers (and a login's body on 307/308), so we follow them ourselves."""
        for _ in range(MAX_REDIRECTS + 1):
            response = self.session.request(
                method, url, params=params, json=json_body, headers=headers, timeout=self.timeout,
                allow_redirects=False, stream=True,
            )  # fmt: skip
            if not response.is_redirect:
                return response
            response.close()
            url = self.redirect_target(what, response)
            params = None  # the Location is the whole next URL
            if response.status_code == 303 or (response.status_code in (301, 302) and method == "POST"):
                method, json_body = "GET", None  # as browsers and requests do
        raise FetchError(self._clean(f"{what} was redirected more than {MAX_REDIRECTS} times"))

    def redirect_target(self, what, response):
        """Where a redirect points, if that is within the source's own origin (scheme, host and port)."""
        try:
            target = requote_uri(urljoin(response.url, self.session.get_redirect_target(response)))
        except ValueError:
            raise FetchError(self._clean(f"{what} was redirected to an address that is not a URL")) from None
        if not same_origin(target, self.base_url):
            raise FetchError(
                self._clean(
                    f"{what} was redirected to {where(target)}, away from the source's own address "
                    f"({where(self.base_url)}): Meterboard sends a source's credentials nowhere else. If that is "
                    "where the API now lives, make it the source's URL"
                )
            )
        return target

    def _check(self, what, response):
        """The response if it is a success, else its error raised (a subclass may tell statuses apart)."""
        if response.status_code >= 400:
            raise self.error(what, response)
        return response

    # --- errors -----------------------------------------------------------------------
    def error(self, what, response):
        """The one exception for an error answer: status, attempts, the vendor's message or an excerpt."""
        status = response.status_code
        retries = getattr(response.raw, "retries", None)
        attempts = len(retries.history) + 1 if retries is not None else 1
        after = f" after {attempts} attempts" if attempts > 1 and status in self.retry_statuses else ""
        if status == 401:
            return CredentialsError(self._clean(f"{what} was refused (HTTP 401): check the credentials"), 401)
        # Redacted before its whitespace is collapsed (a secret may hold spaces) and after (in case collapsing
        # joined one), then cut to a short excerpt: an upstream's body never travels further whole.
        detail = self._clean(self.vendor_message(response) or response.text)
        detail = self._clean(" ".join(detail.split()))[:EXCERPT]
        return HttpError(
            self._clean(f"{what} answered HTTP {status}{after}") + (f": {detail}" if detail else ""), status
        )

    def vendor_message(self, response):
        """The vendor's own message in an error body, or None (then the body's start is shown)."""
        return None

    def _clean(self, text):
        return redact(text, self.secrets)

    # --- session tokens ---------------------------------------------------------------
    def send_with_token(self, method, path, *, params, json_body, headers):
        """Send with the session token; when it is refused, log in once more and send again."""
        login = self.login
        token = self.current_token()
        try:
            return self.send_placed(token, method, path, params, json_body, headers)
        except CredentialsError:
            if not login.can_login():
                raise CredentialsError(login.refused_token(), 401) from None
            login.token = None  # refused: expired, or regenerated upstream
        token = self.current_token()
        try:
            return self.send_placed(token, method, path, params, json_body, headers)
        except CredentialsError:
            raise CredentialsError(login.refused_fresh_token(params or {}), 401) from None

    def send_placed(self, token, method, path, params, json_body, headers):
        """Send with the token in its place; while the place is unknown, try each until one is accepted."""
        login = self.login
        places = [login.placement] if login.placement else list(login.placements)
        for i, placement in enumerate(places):
            placed_headers, placed_params = dict(headers or {}), dict(params or {})
            login.place(placement, token, placed_headers, placed_params)
            try:
                response = self.send(method, path, params=placed_params, json_body=json_body, headers=placed_headers)
            except CredentialsError:
                if i == len(places) - 1:
                    raise
                continue
            login.placement = placement
            return response
        raise AssertionError("unreachable")

    def current_token(self):
        login = self.login
        if login.token is None or time.monotonic() >= login.expires:
            if not login.can_login():
                raise CredentialsError(login.no_credentials())
            try:
                token = login.login(self)
            except CredentialsError:
                raise CredentialsError(login.refused_login(), 401) from None
            self.add_secret(token)
            login.token = token
            login.expires = time.monotonic() + login.lifetime if login.lifetime else float("inf")
        return login.token
