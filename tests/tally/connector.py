"""Reads GET /api/hours?after=CURSOR&limit=N page by page until an empty page."""

from ingest.http import HttpClient
from ingest.vendors.base import Connector
from ingest.vendors.params import parse_moment
from ingest.vendors.parsing import records
from tests.tally.forms import TallyParamsForm
from tests.tally.models import TallyCount

COLUMNS = ["source", "counter", "hour", "used", "seats"]


class TallyConnector(Connector):
    kind = "tally"
    params_form = TallyParamsForm

    def fetch(self):
        http = HttpClient(self.source.base_url, secrets=self.source.secrets())
        after = self.run.cursor("hours", "")
        for page_num in range(1, 10_000):
            where = f"page {page_num}"
            payload = http.get_json("/api/hours", params={"after": after, "limit": self.params["per_page"]})
            rows = []
            for record in records(payload.get("hours") if isinstance(payload, dict) else payload, where):
                moment = record.text("hour", required=True, max_length=40)
                try:
                    hour = parse_moment(moment)
                except ValueError:
                    record.fail(f"'hour' is not a time: {moment!r}")
                rows.append((self.source.pk, record.text("counter", required=True, max_length=100), hour,
                             record.whole("used", minimum=0), record.whole("seats", minimum=0)))  # fmt: skip
            if not rows:
                return
            after = max(row[2] for row in rows).isoformat()
            with self.run.page() as page:
                scope = TallyCount.objects.filter(source=self.source)
                page.upsert(TallyCount, COLUMNS, rows, keys=["source", "counter", "hour"], scope=scope)
                hours = [row[2] for row in rows]
                page.touched(min(hours), max(hours), {f"{self.source.pk}:{row[1]}" for row in rows})
                page.set_cursor("hours", after)
