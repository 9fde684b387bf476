"""HTTP to BigFix Inventory's REST API: the token login (header or query parameter), its error bodies, the
license usage request.

Reference: BigFix Inventory's REST API documentation, "Retrieval of license usage" (GET /api/sam/license_usages)
and BigFix's "REST API for retrieving authentication token" (POST /api/get_token).
"""

from ingest.errors import PayloadError
from ingest.http import HttpClient, TokenLogin
from ingest.vendors.bigfix.parsing import DIMENSION

LICENSE_USAGES = "/api/sam/license_usages"
# The default columns plus the hidden ones that give products their names.
COLUMNS = [
    "software_title_id", "metric_name", "computer_system_id", "peak_value", "peak_date", "peak_time",
    "reporting_period_start_date", "reporting_period_end_date",
    f"{DIMENSION}.name", f"{DIMENSION}.guid", f"{DIMENSION}.publisher_name", f"{DIMENSION}.publisher_guid",
]  # fmt: skip
# A column the document shows but an older server may not know: asked for, and left out if refused.
OPTIONAL_COLUMNS = [f"{DIMENSION}.publisher_guid"]
# A total order (the rows' unique key): BigFix's default order (computer system, software title, metric)
# ties across reporting periods, and limit/offset paging over ties can skip or repeat rows.
ORDER = ["computer_system_id", "software_title_id", "metric_name", "reporting_period_start_date"]


class BigfixClient:
    """One source's requests: a page of license usage rows (limit/offset)."""

    def __init__(self, source):
        self.http = BigfixHttp(source.base_url, secrets=source.secrets(), login=BigfixLogin(source))

    def get_usages(self, columns, limit, offset):
        """The HTTP response for one page of `columns`, in ORDER."""
        # Reference: GET /api/sam/license_usages?columns[]=...&order[]=...&limit=&offset=
        params = {"columns[]": columns, "order[]": ORDER, "limit": limit, "offset": offset}
        return self.http.request("GET", LICENSE_USAGES, params=params)

    def get_one(self):
        """The HTTP response for one row, in BigFix's own columns."""
        # Reference: GET /api/sam/license_usages?limit=&offset= (one row)
        return self.http.request("GET", LICENSE_USAGES, params={"limit": 1, "offset": 0})


class BigfixHttp(HttpClient):
    """BigFix's error bodies: {"error": "Bad Request", "message": "..."} (HTTP 500 for a bad parameter)."""

    def vendor_message(self, response):
        try:
            body = response.json()
        except ValueError:
            return None
        if isinstance(body, dict) and isinstance(body.get("error"), str):
            message = body.get("message")
            return f"{body['error']}: {message}" if isinstance(message, str) and message else body["error"]
        return None


class BigfixLogin(TokenLogin):
    """BigFix API tokens: POST /api/get_token; sent in the Token header, else as the documented ?token=.

    The seed documents only the `token` query parameter, but a URL carrying the token ends up in proxy
    and access logs, so the Token header that newer servers take is tried first; a server that answers
    it with 401 gets the parameter, and whichever was accepted is used for the rest of the run.
    """

    vendor = "BigFix"
    placements = ("header", "query parameter")

    def login(self, http):
        # Reference: POST /api/get_token {"user": ..., "password": ...} -> {"token": ...}
        answer = http.post_json("/api/get_token", {"user": self.username, "password": self.password}, with_token=False)
        token = answer.get("token") if isinstance(answer, dict) else None
        if not isinstance(token, str) or not token:
            raise PayloadError("BigFix get_token answered without a token")
        return token

    def place(self, placement, token, headers, params):
        if placement == "header":
            headers["Token"] = token
        else:
            params["token"] = token

    def no_credentials(self):
        return "BigFix needs a --token, or a username and password to get one"

    def refused_login(self):
        return (
            f"BigFix refused user {self.username!r} (HTTP 401): check the username and password "
            "(Active Directory users need their domain)"
        )

    def refused_fresh_token(self, params):
        return (
            "BigFix refused a freshly issued token (HTTP 401): the user needs the View License Metrics "
            "permission and membership of the All Computers group"
        )
