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

HTTP is in client.py, reading payloads (and the Import-* headers) in parsing.py, writes in storage.py.
"""

from django.utils import timezone

from ingest.errors import HttpError, PayloadError
from ingest.vendors.base import Connector
from ingest.vendors.bigfix.client import COLUMNS, OPTIONAL_COLUMNS, BigfixClient
from ingest.vendors.bigfix.forms import BigfixParamsForm
from ingest.vendors.bigfix.parsing import DIMENSION, import_state, import_summary, page_rows, parse_page
from ingest.vendors.bigfix.storage import store_usages


class BigfixConnector(Connector):
    kind = "bigfix"
    params_form = BigfixParamsForm

    def fetch(self):
        self.client = BigfixClient(self.source)
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
        self.client = BigfixClient(self.source)
        response = self.client.get_one()
        rows, total = page_rows(self.client.http.json(response), 0)
        state = import_state(response.headers)
        found = f"{total} license usage rows" if total is not None else ("license usage rows" if rows else "no rows")
        first = f", e.g. metric {rows[0].get('metric_name')}" if rows and isinstance(rows[0], dict) else ""
        imports = f"; {import_summary(*state.values())}" if state and len(state) == 4 else ""
        return f"token accepted (sent in the {self.client.http.login.placement}); {found}{first}{imports}"

    def store(self, page, records, offset):
        usages, titles, unnamed = parse_page(records, self.source.pk, offset, self.fetched_at)
        if unnamed:
            self.unnamed += unnamed
            self.run.note(
                rows_without_product_names=f"{self.unnamed} rows came without the hidden {DIMENSION} column "
                "asked for: stored, their products named by id"
            )
        if usages:
            store_usages(page, self.source, usages, titles)

    # --- HTTP -----------------------------------------------------------------------
    def get_page(self, offset):
        """One page of rows, BigFix's total if it gave one, and its import state (noted on the run)."""
        try:
            response = self.client.get_usages(self.columns, self.params["limit"], offset)
        except HttpError as exc:
            refused = [c for c in OPTIONAL_COLUMNS if c in self.columns and exc.status == 500 and c in str(exc)]
            if not refused:
                raise
            # An older server that does not know a column the document shows: read the rest without it.
            self.columns = [c for c in self.columns if c not in refused]
            self.run.note(columns_not_served=", ".join(refused))
            return self.get_page(offset)
        self.run.note(token_sent_in=self.client.http.login.placement)
        state = import_state(response.headers)
        if state:
            self.run.note(**state)
        rows, total = page_rows(self.client.http.json(response), offset)
        return rows, total, state


def unchanged(state, known_import):
    """BigFix still reports the import whose window we already hold completely."""
    return bool(state and known_import and state["import_last_success_time"] == known_import)
