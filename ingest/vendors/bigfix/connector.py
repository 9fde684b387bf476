"""IBM BigFix Inventory / License Metric Tool: peak license usage per reporting period.

Reference: BigFix Inventory's REST API documentation, "Retrieval of license
usage" (GET /api/sam/license_usages) and BigFix's "REST API for retrieving
authentication token" (POST /api/get_token).

BigFix recomputes its rows only when it imports data, and serves the last 90
days. So a fetch pages through the whole window (limit/offset), upserting on
(software title, metric, computer system, reporting period): rows that leave
BigFix's window stay here. Two cursors make it cheap and safe:

- `last_import`: the Import-Last-Success-Time of the last window fetched
  completely while no import ran. While BigFix still reports that same import,
  its data has not changed, and the run stops after the first request.
- `refetch`: "1" when a page was served while an import was running (its data
  was half old, half new); the next run then fetches the whole window again,
  whatever the import times say.
"""

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from django.utils import timezone

from ingest.db import upsert
from ingest.errors import HttpError, PayloadError
from ingest.http import HttpClient, TokenLogin
from ingest.vendors.base import Connector
from ingest.vendors.bigfix.forms import BigfixParamsForm
from ingest.vendors.bigfix.models import BigfixSoftwareTitle, BigfixUsage
from ingest.vendors.bigfix.parsing import DIMENSION, page_rows, parse_page

LICENSE_USAGES = "/api/sam/license_usages"
# The default columns plus the hidden ones that give products their names.
COLUMNS = [
    "software_title_id", "metric_name", "computer_system_id", "peak_value", "peak_date", "peak_time",
    "reporting_period_start_date", "reporting_period_end_date",
    f"{DIMENSION}.name", f"{DIMENSION}.guid", f"{DIMENSION}.publisher_name", f"{DIMENSION}.publisher_guid",
]  # fmt: skip
# A column the document shows but an older server may not know: asked for, and left out if refused.
OPTIONAL_COLUMNS = [f"{DIMENSION}.publisher_guid"]
USAGE_COLUMNS = [
    "source", "software_title_id", "metric_name", "computer_system_id", "reporting_period_start_date",
    "reporting_period_end_date", "peak_value", "peak_date", "peak_time", "fetched_at",
]  # fmt: skip
USAGE_KEYS = ["source", "software_title_id", "metric_name", "computer_system_id", "reporting_period_start_date"]
TITLE_COLUMNS = ["source", "software_title_id", "name", "guid", "publisher_name", "publisher_guid"]
TITLE_KEYS = ["source", "software_title_id"]
# A total order (the rows' unique key): BigFix's default order (computer system, software title, metric)
# ties across reporting periods, and limit/offset paging over ties can skip or repeat rows.
ORDER = ["computer_system_id", "software_title_id", "metric_name", "reporting_period_start_date"]
IMPORT_MODES = {"none", "idle", "running", "pending"}


class BigfixConnector(Connector):
    kind = "bigfix"
    params_form = BigfixParamsForm

    def fetch(self):
        self.http = BigfixHttp(self.source.base_url, secrets=self.source.secrets(), login=BigfixLogin(self.source))
        self.fetched_at = timezone.now()
        self.columns = list(COLUMNS)
        self.unnamed = 0
        refetch = self.run.cursor("refetch", "0") == "1"
        known_import = self.run.cursor("last_import")
        offset, during_import, previous = 0, False, None
        while True:
            rows, total, state = self.get_page(offset)
            if offset and rows and rows[0] == previous:
                # A server that ignores offset would otherwise serve its first page for ever.
                raise PayloadError(f"BigFix answered offset={offset} with the rows of the page before: offset ignored")
            previous = rows[0] if rows else None
            running = state is not None and state["import_mode"] == "running"
            during_import = during_import or running
            if offset == 0 and not refetch and not running and unchanged(state, known_import):
                self.run.note(unchanged_since_import=known_import)
                return
            last = len(rows) < self.params["limit"] or (total is not None and offset + len(rows) >= total)
            with self.run.page() as page:
                self.store(page, rows, offset)
                if during_import:
                    page.set_cursor("refetch", "1")
                if last and not during_import:
                    page.set_cursor("refetch", "0")
                    if state and state["import_last_success_time"]:
                        page.set_cursor("last_import", state["import_last_success_time"])
            if last:
                return
            offset += len(rows)

    def probe(self):
        self.http = BigfixHttp(self.source.base_url, secrets=self.source.secrets(), login=BigfixLogin(self.source))
        # Reference: GET /api/sam/license_usages?limit=&offset= (one row)
        response = self.http.request("GET", LICENSE_USAGES, params={"limit": 1, "offset": 0})
        rows, total = page_rows(self.http.json(response), 0)
        state = import_state(response.headers)
        found = f"{total} license usage rows" if total is not None else ("license usage rows" if rows else "no rows")
        first = f", e.g. metric {rows[0].get('metric_name')}" if rows and isinstance(rows[0], dict) else ""
        imports = f"; {import_summary(*state.values())}" if state and len(state) == 4 else ""
        return f"token accepted (sent in the {self.http.login.placement}); {found}{first}{imports}"

    def store(self, page, records, offset):
        usages, titles, unnamed = parse_page(records, self.source.pk, offset, self.fetched_at)
        if unnamed:
            self.unnamed += unnamed
            self.run.note(
                rows_without_product_names=f"{self.unnamed} rows came without the hidden {DIMENSION} column "
                "asked for: stored, their products named by id"
            )
        if not usages:
            return
        # Titles ride along with their rows (same transaction) but are not counted as fetched records.
        upsert(BigfixSoftwareTitle, TITLE_COLUMNS, titles, keys=TITLE_KEYS)
        scope = BigfixUsage.objects.filter(
            source=self.source,
            computer_system_id__in={u[3] for u in usages},
            reporting_period_start_date__in={u[4] for u in usages},
        )
        page.upsert(BigfixUsage, USAGE_COLUMNS, usages, keys=USAGE_KEYS, scope=scope)

    # --- HTTP -----------------------------------------------------------------------
    def get_page(self, offset):
        """One page of rows, BigFix's total if it gave one, and its import state (noted on the run)."""
        # Reference: GET /api/sam/license_usages?columns[]=...&order[]=...&limit=&offset=
        params = {"columns[]": self.columns, "order[]": ORDER, "limit": self.params["limit"], "offset": offset}
        try:
            response = self.http.request("GET", LICENSE_USAGES, params=params)
        except HttpError as exc:
            refused = [c for c in OPTIONAL_COLUMNS if c in self.columns and exc.status == 500 and c in str(exc)]
            if not refused:
                raise
            # An older server that does not know a column the document shows: read the rest without it.
            self.columns = [c for c in self.columns if c not in refused]
            self.run.note(columns_not_served=", ".join(refused))
            return self.get_page(offset)
        self.run.note(token_sent_in=self.http.login.placement)
        state = import_state(response.headers)
        if state:
            self.run.note(**state)
        rows, total = page_rows(self.http.json(response), offset)
        return rows, total, state


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


def unchanged(state, known_import):
    """BigFix still reports the import whose window we already hold completely."""
    return bool(state and known_import and state["import_last_success_time"] == known_import)


def import_state(headers):
    """The Import-* headers as run details, with a one-line summary for the Sources page."""
    mode = (headers.get("Import-Mode") or "").strip().lower()
    if not mode:
        return None
    if mode not in IMPORT_MODES:
        raise PayloadError(f"BigFix answered Import-Mode {mode!r}; expected one of {', '.join(sorted(IMPORT_MODES))}")
    progress = headers.get("Import-Progress")
    if progress is not None:
        try:
            progress = float(progress.strip().rstrip("%"))
        except ValueError:
            raise PayloadError(f"BigFix answered Import-Progress {progress!r}, not a percentage") from None
        progress = int(progress) if progress.is_integer() else progress
    status = (headers.get("Import-Last-Status") or "").strip().lower() or None
    try:
        success = parse_time(headers.get("Import-Last-Success-Time"))
    except ValueError as exc:
        raise PayloadError(f"BigFix answered Import-Last-Success-Time {exc}") from None
    state = {
        "import_mode": mode,
        "import_progress": progress,
        "import_last_status": status,
        "import_last_success_time": success.isoformat() if success else None,
    }
    state["import_summary"] = import_summary(mode, progress, status, success)
    return state


def import_summary(mode, progress, status, success):
    if mode == "none":
        return "BigFix has never imported data"
    if mode == "running":
        return f"BigFix import running, {progress} %" if progress is not None else "BigFix import running"
    text = "BigFix import pending (a change waits for the next import)" if mode == "pending" else "BigFix import idle"
    if status == "failed":
        text += "; the last import failed"
    if success:
        text += f"; last successful import {timezone.localtime(success):%Y-%m-%d %H:%M %Z}"
    return text


def parse_time(value):
    """'Mon, 23 Jun 2014 12:18:29 GMT' (the seed's sample) or '2014-06-18T04:00:29Z' (its table) -> UTC."""
    if not value or not value.strip():
        return None
    value = value.strip()
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            raise ValueError(f"{value!r}, not a date and time") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
