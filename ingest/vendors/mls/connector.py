"""PipelineFX Metered License Server (MLS), REST API v2.

Reference: PipelineFX's Metered License Server documentation, "Use the Metered
License Server public REST API to retrieve the usage records for your supervisor".
Each supervisor is fetched from its own cursor (last stored id + 1), page
after page until an empty page; every page is stored with one bulk upsert in
the same transaction as its rollups and its cursor.
HTTP is in client.py, reading payloads in parsing.py, writes in storage.py.
"""

from zoneinfo import ZoneInfo

from ingest.errors import FetchError
from ingest.http import RETRY_STATUSES
from ingest.vendors.base import Connector
from ingest.vendors.mls.client import MlsClient
from ingest.vendors.mls.forms import MlsParamsForm
from ingest.vendors.mls.models import MlsRecord, MlsSupervisor
from ingest.vendors.mls.parsing import parse_page
from ingest.vendors.mls.storage import store_page, to_utc


class MlsConnector(Connector):
    kind = "mls"
    params_form = MlsParamsForm

    def fetch(self):
        # The MLS document names no 500 that a retry cannot cure.
        self.client = MlsClient(self.source, retry_statuses=RETRY_STATUSES | {500})
        for mac in self.params["macaddresses"]:
            supervisor = self.supervisor(mac)
            self.fetch_supervisor(supervisor)
            if not MlsRecord.objects.filter(supervisor=supervisor).exists():
                # MLS answers a MAC address it does not know with no records, as it would a quiet one.
                self.run.warn(f"no records for {mac}: check the MAC address")

    def probe(self):
        self.client = MlsClient(self.source)
        found = []
        for mac in self.params["macaddresses"]:
            records = self.client.http.json(self.client.get_page(mac, 0, 1, 1))  # one record of each supervisor
            if records:
                first = records[0] if isinstance(records, list) and isinstance(records[0], dict) else {}
                found.append(f"{mac} has records (the first on {first.get('ts_date', 'an unknown date')})")
            else:
                found.append(f"{mac} has no records: check the MAC address (macaddresses)")
        return f"logged in as {self.source.username!r}; " + "; ".join(found)

    def supervisor(self, mac):
        supervisor, _ = MlsSupervisor.objects.get_or_create(macaddress=mac, defaults={"source": self.source})
        if supervisor.source_id != self.source.pk:
            raise FetchError(f"supervisor {mac} is already fetched by source {supervisor.source}; remove it from one")
        return supervisor

    def fetch_supervisor(self, supervisor):
        mac = supervisor.macaddress
        starting_id = int(self.run.cursor(mac, "0"))
        for page_num, records in self.client.pages(mac, starting_id, self.params["per_page"]):
            rows, last_id, first_day, last_day = parse_page(records, mac, supervisor.pk, page_num)
            if self.params["timezone"] != "UTC":
                rows = to_utc(rows, ZoneInfo(self.params["timezone"]), supervisor, f"MLS page {page_num} for {mac}")
                first_day, last_day = min(r[2] for r in rows), max(r[2] for r in rows)
            with self.run.page() as page:
                store_page(page, supervisor, rows, first_day, last_day)
                page.set_cursor(mac, last_id + 1)
