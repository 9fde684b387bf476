"""Cloudsoft AMP's metering microservice: location events per tenant, by time window.

Reference: the Metering Service documentation, "REST API for the Metering
Service", section "Retrieving data". For each configured tenant the
connector walks forward from its cursor in windows of `window_hours`; each
window re-reads `overlap_minutes` before the cursor (late events, and servers
that treat startTime/endTime as exclusive) and relies on the upsert to store
every event once. A window never reaches past the service's own clock (its
HTTP Date header, else ours) minus `lag_minutes`, so the cursor only moves to
a point safely in the past. Events, the intervals derived from them, the
service's hourly summary, the location metadata and the cursor of one window
commit together (the intervals updated from the window's events only: storage.py).
"""

from collections import Counter
from datetime import timedelta
from email.utils import parsedate_to_datetime

from django.utils import timezone
from requests.auth import HTTPBasicAuth

from ingest.db import upsert
from ingest.errors import CredentialsError, HttpError
from ingest.http import HttpClient
from ingest.vendors.base import Connector
from ingest.vendors.metering.forms import SINCE_DAYS, MeteringParamsForm
from ingest.vendors.metering.models import MeteringHourSummary, MeteringLocationMetadata
from ingest.vendors.metering.parsing import event_rows, metadata_pairs, summary_rows
from ingest.vendors.metering.storage import END, START, store_events
from ingest.vendors.params import parse_moment, utc_text

SUMMARY_COLUMNS = ["source", "tenant", "loc_id", "window_start", "window_end", "active_hours", "periods", "raw"]
SUMMARY_KEYS = ["source", "tenant", "loc_id", "window_start", "window_end"]


fmt = utc_text  # yyyy-MM-dd'T'HH:mm:ssX, in UTC: the seed's timestamp format


class MeteringConnector(Connector):
    kind = "metering"
    params_form = MeteringParamsForm

    def fetch(self):
        auth, headers = self.credentials()
        self.http = HttpClient(self.source.base_url, secrets=self.source.secrets(), headers=headers, auth=auth)
        self.service_now = None
        self.window = timedelta(hours=self.params["window_hours"])
        self.overlap = timedelta(minutes=self.params["overlap_minutes"])
        self.lag = timedelta(minutes=self.params["lag_minutes"])
        for tenant in self.params["tenants"]:
            self.fetch_tenant(tenant)

    def probe(self):
        auth, headers = self.credentials()
        self.http = HttpClient(self.source.base_url, secrets=self.source.secrets(), headers=headers, auth=auth)
        end = timezone.now().replace(microsecond=0)
        found = []
        for tenant in self.params["tenants"]:  # one hour of each tenant's location events
            payload = self.get("/usage/location", tenant, end - timedelta(hours=1), end)
            count = len(payload) if isinstance(payload, list) else None
            found.append(
                f"tenant {tenant!r}: "
                + (f"{count} location events in the last hour" if count is not None else "answered")
            )
        return "logged in; " + "; ".join(found)

    def credentials(self):
        if self.params["auth"] == "bearer":
            if not self.source.token:
                raise CredentialsError("the metering source has auth=bearer but no --token")
            return None, {"Authorization": f"Bearer {self.source.token}"}
        if not (self.source.username and self.source.password):
            raise CredentialsError(
                "the metering service needs --username and --password of an ADMIN user (or auth=bearer with --token)"
            )
        return HTTPBasicAuth(self.source.username, self.source.password), {}

    def safe_point(self):
        """Now by the service's clock when we know it (never ahead of ours), less the lag."""
        now = timezone.now()
        if self.service_now is not None:
            now = min(now, self.service_now)
        return now.replace(microsecond=0) - self.lag

    def start_cursor(self, tenant):
        start = self.run.cursor(tenant) or self.params.get("since")
        if start:
            return parse_moment(start)
        return (timezone.now() - timedelta(days=SINCE_DAYS)).replace(microsecond=0)

    def fetch_tenant(self, tenant):
        done = self.start_cursor(tenant)
        fetched, self.unread, others = 0, [], {}
        while True:
            start, end = done - self.overlap, min(done + self.window, self.safe_point())
            if end <= done:
                break
            where = f"metering GET /usage/location for tenant {tenant!r} ({fmt(start)} to {fmt(end)})"
            events = event_rows(self.get("/usage/location", tenant, start, end), tenant, self.source.pk, where)
            end = min(end, self.safe_point())  # the service's clock is known from the first answer on
            if end <= done:
                break
            summaries = self.get_summaries(tenant, start, end)
            metadata = {loc: self.get_metadata(tenant, loc, start, end) for loc in sorted({e[3] for e in events})}
            self.store(tenant, start, end, events, summaries, metadata)
            fetched += len(events)
            others.update({e[2:6]: e[5] for e in events if e[5] not in (START, END)})  # once each, overlap or not
            done = end
        self.run.note(**{f"tenant {tenant}": f"{fetched} events read, cursor at {fmt(done)}"})
        self.note_unread(tenant, Counter(others.values()))

    def note_unread(self, tenant, states):
        """Say on the run what was stored but not understood: other states, summaries and metadata of other shapes."""
        if states:
            counted = ", ".join(f"{n} with state {state!r}" for state, n in sorted(states.items()))
            self.run.note(**{f"tenant {tenant} other states": f"{counted}: stored, not counted in active hours"})
        if self.unread:
            shown = "; ".join(self.unread[:5]) + (f"; and {len(self.unread) - 5} more" if len(self.unread) > 5 else "")
            self.run.note(**{f"tenant {tenant} not read": shown})

    def store(self, tenant, start, end, events, summaries, metadata):
        source = self.source
        with self.run.page() as page:
            store_events(page, source, tenant, events)
            # Summaries and metadata are kept beside the events (same transaction) but are not usage
            # records: the run's fetched/new/updated figures count events.
            rows = [(source.pk, tenant, loc, start, end, *summary) for loc, *summary in summaries]
            upsert(MeteringHourSummary, SUMMARY_COLUMNS, rows, keys=SUMMARY_KEYS)
            store_metadata(source, tenant, metadata, end)
            page.set_cursor(tenant, fmt(end))

    # --- HTTP -----------------------------------------------------------------------
    def get(self, path, tenant, start, end):
        # Reference: GET /usage/location and GET /usage/location/hour, ?tenantId=&startTime=&endTime= (ADMIN role)
        return self.read(path, {"tenantId": tenant, "startTime": fmt(start), "endTime": fmt(end)})

    def get_summaries(self, tenant, start, end):
        rows, notes = summary_rows(self.get("/usage/location/hour", tenant, start, end))
        self.unread += [f"GET /usage/location/hour ({fmt(start)} to {fmt(end)}), {note}" for note in notes]
        return rows

    def get_metadata(self, tenant, loc, start, end):
        # Reference: GET /usage/location-metadata?locId=&startTime=&endTime= (ADMIN role)
        payload = self.read("/usage/location-metadata", {"locId": loc, "startTime": fmt(start), "endTime": fmt(end)})
        pairs, notes = metadata_pairs(payload)
        self.unread += [f"GET /usage/location-metadata for {loc!r} ({fmt(end)}), {note}" for note in notes]
        return pairs

    def read(self, path, params):
        try:
            response = self.http.request("GET", path, params=params)
        except CredentialsError:
            raise CredentialsError(
                f"the metering service refused GET {path} (HTTP 401): check the credentials"
            ) from None
        except HttpError as exc:
            if exc.status == 403:
                raise CredentialsError(f"{exc} (reading usage needs an account with the ADMIN role)", 403) from None
            raise
        self.note_clock(response.headers.get("Date"))
        return self.http.json(response)

    def note_clock(self, header):
        try:
            moment = parsedate_to_datetime(header) if header else None
        except (TypeError, ValueError):
            moment = None
        if moment is not None and moment.tzinfo is not None:
            self.service_now = moment


def store_metadata(source, tenant, metadata, seen_at):
    """Keep each location's metadata over time: a value other than its name's latest starts a new row
    (first seen now); the same value again only moves its row's `seen_at`."""
    if not metadata:
        return
    stored = MeteringLocationMetadata.objects.filter(source=source, tenant=tenant, loc_id__in=list(metadata))
    latest = {(m.loc_id, m.name): m for m in stored.order_by("first_seen_at")}
    again, changed = [], []
    for loc, pairs in metadata.items():
        for name, value in pairs:
            row = latest.get((loc, name))
            if row is not None and row.value == value:
                again.append(row.pk)
            elif row is None or row.first_seen_at < seen_at:
                changed.append(
                    MeteringLocationMetadata(source=source, tenant=tenant, loc_id=loc, name=name, value=value,
                                             first_seen_at=seen_at, seen_at=seen_at)
                )  # fmt: skip
    MeteringLocationMetadata.objects.filter(pk__in=again, seen_at__lt=seen_at).update(seen_at=seen_at)
    MeteringLocationMetadata.objects.bulk_create(changed)
