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
HTTP is in client.py, reading payloads in parsing.py, writes in storage.py.
"""

from collections import Counter
from datetime import timedelta

from django.utils import timezone

from ingest.vendors.base import Connector
from ingest.vendors.metering.client import MeteringClient, fmt
from ingest.vendors.metering.forms import SINCE_DAYS, MeteringParamsForm
from ingest.vendors.metering.parsing import event_rows, metadata_pairs, summary_rows
from ingest.vendors.metering.storage import END, START, store_events, store_metadata, store_summaries
from ingest.vendors.params import parse_moment


class MeteringConnector(Connector):
    kind = "metering"
    params_form = MeteringParamsForm

    def fetch(self):
        self.client = MeteringClient(self.source, self.params["auth"])
        self.window = timedelta(hours=self.params["window_hours"])
        self.overlap = timedelta(minutes=self.params["overlap_minutes"])
        self.lag = timedelta(minutes=self.params["lag_minutes"])
        for tenant in self.params["tenants"]:
            self.fetch_tenant(tenant)

    def probe(self):
        self.client = MeteringClient(self.source, self.params["auth"])
        end = timezone.now().replace(microsecond=0)
        found = []
        for tenant in self.params["tenants"]:  # one hour of each tenant's location events
            payload = self.client.get("/usage/location", tenant, end - timedelta(hours=1), end)
            count = len(payload) if isinstance(payload, list) else None
            found.append(
                f"tenant {tenant!r}: "
                + (f"{count} location events in the last hour" if count is not None else "answered")
            )
        return "logged in; " + "; ".join(found)

    def safe_point(self):
        """Now by the service's clock when we know it (never ahead of ours), less the lag."""
        now = timezone.now()
        if self.client.service_now is not None:
            now = min(now, self.client.service_now)
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
            events = event_rows(self.client.get("/usage/location", tenant, start, end), tenant, self.source.pk, where)
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
            store_summaries(source, tenant, start, end, summaries)
            store_metadata(source, tenant, metadata, end)
            page.set_cursor(tenant, fmt(end))

    # --- what the service answers beside the events ------------------------------------
    def get_summaries(self, tenant, start, end):
        rows, notes = summary_rows(self.client.get("/usage/location/hour", tenant, start, end))
        self.unread += [f"GET /usage/location/hour ({fmt(start)} to {fmt(end)}), {note}" for note in notes]
        return rows

    def get_metadata(self, tenant, loc, start, end):
        pairs, notes = metadata_pairs(self.client.get_metadata(loc, start, end))
        self.unread += [f"GET /usage/location-metadata for {loc!r} ({fmt(end)}), {note}" for note in notes]
        return pairs
