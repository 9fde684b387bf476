"""HTTP to License Statistics' REST API v1: the X-Auth-token header, limit/offset paging, its error bodies.

Reference: X-Formation License Statistics REST API v1 documentation (every report
answers `{"success", "msg", "data", "code", "totalCount"}`; `success: false`
carries the reason in `msg`).
"""

from ingest.errors import CredentialsError, FetchError, PayloadError
from ingest.http import HttpClient


class NotFound(FetchError):
    """HTTP 404: this License Statistics version has no such endpoint."""


class LstatHttp(HttpClient):
    """HttpClient that tells 400, 401 and 404 apart and keeps License Statistics' own message."""

    def _check(self, what, response):
        if response.status_code in (400, 401, 404):
            message = self._clean(f"{what} answered HTTP {response.status_code}: {upstream_message(response)}")
            if response.status_code == 401:
                raise CredentialsError(message + " (check the API token)")
            raise (NotFound if response.status_code == 404 else FetchError)(message)
        return super()._check(what, response)


def upstream_message(response):
    try:
        body = response.json()
    except ValueError:
        return response.text[:300].strip() or response.reason
    if isinstance(body, dict) and (body.get("msg") or body.get("error")):
        code = f" (code {body['code']})" if body.get("code") is not None else ""
        return f"{body.get('msg') or body.get('error')}{code}"
    return response.text[:300].strip()


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
