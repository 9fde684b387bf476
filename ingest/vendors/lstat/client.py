"""HTTP to License Statistics' REST API v1: the X-Auth-token header, limit/offset paging, its error bodies.

Reference: X-Formation License Statistics REST API v1 documentation (every report
answers `{"success", "msg", "data", "code", "totalCount"}`; `success: false`
carries the reason in `msg`).
"""

from ingest.errors import CredentialsError, FetchError, HttpError, PayloadError
from ingest.http import HttpClient


class NotFound(HttpError):
    """HTTP 404: this License Statistics version has no such endpoint."""


class LstatHttp(HttpClient):
    """What License Statistics does differently: its error bodies carry `msg` (and `code`); a 401 names
    the token, a 404 means an endpoint this version lacks. Retries, redaction and the rest are HttpClient's."""

    def error(self, what, response):
        status = response.status_code
        if status not in (401, 404):
            return super().error(what, response)
        message = self._clean(f"{what} answered HTTP {status}: {self.vendor_message(response) or response.reason}")
        if status == 401:
            return CredentialsError(message + " (check the API token)", 401)
        return NotFound(message, 404)

    def vendor_message(self, response):
        try:
            body = response.json()
        except ValueError:
            return None
        if isinstance(body, dict) and (body.get("msg") or body.get("error")):
            code = f" (code {body['code']})" if body.get("code") is not None else ""
            return f"{body.get('msg') or body.get('error')}{code}"
        return None


class LstatClient:
    """One source's requests: `get` for one answer, `get_all` for every page of a report."""

    def __init__(self, source, page_size):
        self.http = LstatHttp(source.base_url, secrets=source.secrets(), headers={"X-Auth-token": source.token})
        self.page_size = page_size

    def get(self, path, params):
        """One request; `success: false` becomes a FetchError carrying License Statistics' message."""
        body = self.http.get_json(path, params=params)
        if not isinstance(body, dict):
            raise PayloadError(f"GET {path} answered a JSON {type(body).__name__}, not an object with success/data")
        if body.get("success") is not True:
            code = f" (code {body['code']})" if body.get("code") is not None else ""
            raise FetchError(f"License Statistics refused GET {path}: {body.get('msg') or 'no message'}{code}")
        return body

    def get_all(self, path, params):
        """Page with limit/offset until totalCount rows have arrived."""
        size, rows = self.page_size, []
        while True:
            body = self.get(path, {**params, "limit": size, "offset": len(rows)})
            data, total = body.get("data"), body.get("totalCount")
            if not isinstance(data, list):
                raise PayloadError(f"GET {path} at offset {len(rows)}: data is {type(data).__name__}, not a list")
            if type(total) is not int or total < 0:
                raise PayloadError(f"GET {path} at offset {len(rows)}: totalCount {total!r} is not a count")
            if not data and len(rows) < total:
                raise PayloadError(
                    f"GET {path} at offset {len(rows)}: empty page, but totalCount promised {total} rows"
                )
            rows.extend(data)
            if len(rows) > total:
                raise PayloadError(f"GET {path}: {len(rows)} rows arrived, more than totalCount {total}")
            if len(rows) == total:
                return rows
