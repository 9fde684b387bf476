"""HTTP to MLS's REST API v2: the login and its token, and the pages of a supervisor's records.

Reference: PipelineFX's Metered License Server documentation, "Use the Metered License Server public REST API
to retrieve the usage records for your supervisor".
"""

from concurrent.futures import ThreadPoolExecutor
from contextvars import copy_context

from ingest.errors import PayloadError
from ingest.http import HttpClient, TokenLogin

TOKEN_LIFETIME = 6 * 3600 - 300  # MLS tokens last 6 hours; renew a little early


class MlsClient:
    """One source's requests: one page of a supervisor's records, or every page from a record id on."""

    def __init__(self, source, retry_statuses=None):
        self.http = HttpClient(
            source.base_url, secrets=source.secrets(), login=MlsLogin(source), retry_statuses=retry_statuses
        )

    def get_page(self, mac, starting_id, page_num, per_page):
        """The HTTP response for one page."""
        # Reference: GET /api/v2/records?macaddress=&starting_id=&page=&per_page=
        params = {"macaddress": mac, "starting_id": starting_id, "page": page_num, "per_page": per_page}
        return self.http.request("GET", "/api/v2/records", params=params)

    def pages(self, mac, starting_id, per_page):
        """Yield (number, records) until the empty page, downloading the next page while this one is stored.

        At most two pages are in memory, whatever the length of the history.
        The thread only waits on the socket; JSON is decoded here, because a
        thread decoding JSON would hold the GIL that SQLite's per-row loop needs.
        """
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="mls-fetch") as pool:
            page_num = 1
            ahead = pool.submit(copy_context().run, self.get_page, mac, starting_id, page_num, per_page)
            while records := self.http.json(ahead.result()):
                ahead = pool.submit(copy_context().run, self.get_page, mac, starting_id, page_num + 1, per_page)
                yield page_num, records
                page_num += 1


class MlsLogin(TokenLogin):
    """MLS session tokens: POST /api/v2/login, then `Authorization: Bearer <token>` for 6 hours."""

    vendor = "MLS"
    lifetime = TOKEN_LIFETIME

    def login(self, http):
        # Reference: POST /api/v2/login with the Metered Portal credentials, as PipelineFX's own page does.
        body = {"username": self.username, "password": self.password}
        answer = http.post_json("/api/v2/login", body, with_token=False)
        token = answer.get("token") or answer.get("access_token") if isinstance(answer, dict) else None
        if not isinstance(token, str) or not token:
            raise PayloadError("MLS login answered without a token")
        return token

    def place(self, placement, token, headers, params):
        headers["Authorization"] = f"Bearer {token}"

    def refused_login(self):
        return f"MLS login refused for user {self.username!r} (HTTP 401): check the username and password"

    def refused_fresh_token(self, params):
        return (
            "MLS refused a freshly issued token (HTTP 401): "
            f"check that this account may read supervisor {params.get('macaddress')}"
        )
