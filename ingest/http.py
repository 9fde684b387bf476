"""All outbound HTTP goes through here: timeouts, retries and error mapping in one place."""

import json
import logging
import time

import requests
from django.conf import settings

from ingest.errors import CredentialsError, FetchError, PayloadError, add_secret, redact

log = logging.getLogger(__name__)

RETRY_STATUSES = {429, 500, 502, 503, 504}


class HttpClient:
    """A requests session bound to one vendor base URL.

    Connection errors, timeouts, 429 and 5xx are retried with exponential
    backoff; 401 raises CredentialsError; any other failure raises FetchError.
    Messages never contain the secrets passed in.
    """

    def __init__(self, base_url, *, secrets=(), headers=None, auth=None):
        self.base_url = base_url.rstrip("/")
        self.secrets = [s for s in secrets if s]
        self.session = requests.Session()
        self.session.headers.update({"Accept": "application/json", "User-Agent": "Meterboard"})
        self.session.headers.update(headers or {})
        self.session.auth = auth
        self.timeout = (settings.FETCH_CONNECT_TIMEOUT, settings.FETCH_READ_TIMEOUT)
        self.retries = settings.FETCH_RETRIES
        self.backoff = settings.FETCH_BACKOFF

    def add_secret(self, secret):
        """A secret learnt from the vendor (a session token): redacted from here on, everywhere."""
        self.secrets.append(secret)
        add_secret(secret)

    def request(self, method, path, *, params=None, json_body=None, headers=None):
        what = f"{method} {path}"
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            response = None
            try:
                response = self.session.request(
                    method,
                    self.base_url + path,
                    params=params,
                    json=json_body,
                    headers=headers,
                    timeout=self.timeout,
                )
            except requests.Timeout:
                problem = "timed out"
            except requests.ConnectionError as exc:
                problem = f"could not connect ({type(exc).__name__})"
            else:
                if response.status_code not in RETRY_STATUSES:
                    return self._check(what, response)
                problem = f"answered HTTP {response.status_code}"
            if last:
                detail = f": {response.text[:300].strip()}" if response is not None and response.text.strip() else ""
                raise FetchError(self._clean(f"{what} {problem} after {self.retries + 1} attempts{detail}"))
            delay = self._delay(attempt, response)
            log.warning("%s %s; retrying in %.1fs", what, problem, delay)
            time.sleep(delay)
        raise AssertionError("unreachable")

    def get_json(self, path, **kwargs):
        return self.json(self.request("GET", path, **kwargs))

    def post_json(self, path, body, **kwargs):
        return self.json(self.request("POST", path, json_body=body, **kwargs))

    def json(self, response):
        try:
            return response.json()
        except (ValueError, json.JSONDecodeError) as exc:
            path = response.request.path_url.split("?")[0]
            raise PayloadError(
                self._clean(f"{response.request.method} {path} answered malformed JSON ({exc})")
            ) from None

    def _check(self, what, response):
        if response.status_code == 401:
            raise CredentialsError(self._clean(f"{what} was refused (HTTP 401): check the credentials"))
        if response.status_code >= 400:
            body = response.text[:300].strip()
            raise FetchError(self._clean(f"{what} answered HTTP {response.status_code}: {body}"))
        return response

    def _delay(self, attempt, response):
        retry_after = response.headers.get("Retry-After") if response is not None else None
        if retry_after and retry_after.isdigit():
            return min(float(retry_after), 60.0)
        return self.backoff * (2**attempt)

    def _clean(self, text):
        return redact(text, self.secrets)
