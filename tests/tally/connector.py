"""Reads GET /api/hours?after=CURSOR&limit=N page by page until an empty page."""

from ingest.vendors.base import Connector
from tests.tally.client import TallyClient
from tests.tally.forms import TallyParamsForm
from tests.tally.parsing import hour_rows
from tests.tally.storage import store_hours


class TallyConnector(Connector):
    kind = "tally"
    params_form = TallyParamsForm

    def fetch(self):
        client = TallyClient(self.source)
        after = self.run.cursor("hours", "")
        for page_num in range(1, 10_000):
            rows = hour_rows(client.get_hours(after, self.params["per_page"]), self.source.pk, f"page {page_num}")
            if not rows:
                return
            after = max(row[2] for row in rows).isoformat()
            with self.run.page() as page:
                store_hours(page, self.source, rows)
                page.set_cursor("hours", after)
