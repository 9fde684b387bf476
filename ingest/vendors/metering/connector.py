"""Cloudsoft AMP's metering microservice: location events per tenant, by time window.

Reference: ../shared/seeds/004_f5fbdf9916a4f3e5.txt ("REST API for the
Metering Service", section "Retrieving data"). For each configured tenant the
connector walks forward from its cursor in windows of `window_hours`; each
window re-reads `overlap_minutes` before the cursor (late events, and servers
that treat startTime/endTime as exclusive) and relies on the upsert to store
every event once. A window never reaches past the service's own clock (its
HTTP Date header, else ours) minus `lag_minutes`, so the cursor only moves to
a point safely in the past. Events, the intervals derived from them, the
service's hourly summary, the location metadata and the cursor of one window
commit together.
"""

import json
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from django.utils import timezone
from requests.auth import HTTPBasicAuth

from ingest.db import upsert
from ingest.errors import CredentialsError, HttpError, PayloadError
from ingest.http import HttpClient
from ingest.vendors.base import Connector
from ingest.vendors.metering.forms import SINCE_DAYS, MeteringParamsForm
from ingest.vendors.metering.models import (
    MeteringEvent,
    MeteringHourSummary,
    MeteringInterval,
    MeteringLocationMetadata,
)
from ingest.vendors.params import parse_moment, utc_text

EVENT_COLUMNS = [
    "source", "tenant", "amp_id", "loc_id", "date", "state", "entity_id", "entity_type",
    "application_id", "user", "metadata", "upstream_id",
]  # fmt: skip
EVENT_KEYS = ["source", "tenant", "amp_id", "loc_id", "date", "state"]
SUMMARY_COLUMNS = ["source", "tenant", "loc_id", "window_start", "window_end", "active_hours", "periods"]
SUMMARY_KEYS = ["source", "tenant", "loc_id", "window_start", "window_end"]
METADATA_COLUMNS = ["source", "tenant", "loc_id", "name", "value", "seen_at"]
METADATA_KEYS = ["source", "tenant", "loc_id", "name"]
START, END = "created", "destroyed"  # the states that open and close an active interval (any case upstream)


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
        fetched = 0
        while True:
            start, end = done - self.overlap, min(done + self.window, self.safe_point())
            if end <= done:
                break
            events = parse_events(self.get("/usage/location", tenant, start, end), tenant, self.source.pk, (start, end))
            end = min(end, self.safe_point())  # the service's clock is known from the first answer on
            if end <= done:
                break
            summaries = parse_summaries(self.get("/usage/location/hour", tenant, start, end), tenant)
            metadata = {loc: self.get_metadata(tenant, loc, start, end) for loc in sorted({e[3] for e in events})}
            self.store(tenant, start, end, events, summaries, metadata)
            fetched += len(events)
            done = end
        self.run.note(**{f"tenant {tenant}": f"{fetched} events read, cursor at {fmt(done)}"})

    def store(self, tenant, start, end, events, summaries, metadata):
        source = self.source
        with self.run.page() as page:
            if events:
                dates = [e[4] for e in events]
                scope = MeteringEvent.objects.filter(source=source, tenant=tenant, date__range=(min(dates), max(dates)))
                page.upsert(MeteringEvent, EVENT_COLUMNS, events, keys=EVENT_KEYS, scope=scope)
                for loc in sorted({e[3] for e in events}):
                    rebuild_intervals(source, tenant, loc)
            # Summaries and metadata are kept beside the events (same transaction) but are not usage
            # records: the run's fetched/new/updated figures count events.
            rows = [(source.pk, tenant, loc, start, end, hours, periods) for loc, hours, periods in summaries]
            upsert(MeteringHourSummary, SUMMARY_COLUMNS, rows, keys=SUMMARY_KEYS)
            rows = [
                (source.pk, tenant, loc, name, value, end) for loc, pairs in metadata.items() for name, value in pairs
            ]
            upsert(MeteringLocationMetadata, METADATA_COLUMNS, rows, keys=METADATA_KEYS)
            page.set_cursor(tenant, fmt(end))

    # --- HTTP -----------------------------------------------------------------------
    def get(self, path, tenant, start, end):
        # Reference: GET /usage/location and GET /usage/location/hour, ?tenantId=&startTime=&endTime= (ADMIN role)
        return self.read(path, {"tenantId": tenant, "startTime": fmt(start), "endTime": fmt(end)})

    def get_metadata(self, tenant, loc, start, end):
        # Reference: GET /usage/location-metadata?locId=&startTime=&endTime= (ADMIN role)
        payload = self.read("/usage/location-metadata", {"locId": loc, "startTime": fmt(start), "endTime": fmt(end)})
        return parse_metadata(payload, tenant, loc)

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


# --- payloads -----------------------------------------------------------------------
def parse_events(payload, tenant, source_id, window):
    """Validate GET /usage/location's answer; return database rows in EVENT_COLUMNS order."""
    where = f"metering GET /usage/location for tenant {tenant!r} ({fmt(window[0])} to {fmt(window[1])})"
    if not isinstance(payload, list):
        raise PayloadError(f"{where}: expected a JSON list of location events, got {type(payload).__name__}")
    rows = []
    for i, event in enumerate(payload):
        try:
            rows.append(event_row(event, tenant, source_id))
        except KeyError as exc:
            raise PayloadError(f"{where}, event {i}{describe(event)}: missing field {exc}") from None
        except (TypeError, ValueError) as exc:
            raise PayloadError(f"{where}, event {i}{describe(event)}: {exc}") from None
    return rows


def describe(event):
    if isinstance(event, dict) and event.get("id") is not None:
        return f" (id {str(event['id'])[:40]})"
    return ""


def event_row(e, tenant, source_id):
    if not isinstance(e, dict):
        raise TypeError(f"expected an object, got {type(e).__name__}")
    if e.get("tenantId") not in (None, tenant):
        raise ValueError(f"belongs to tenant {str(e['tenantId'])[:64]!r}, not {tenant!r}")
    return (
        source_id,
        tenant,
        text(e, "ampId", 128, required=True),
        text(e, "locId", 128, required=True),
        event_date(e["date"]),
        text(e, "state", 32, required=True).lower(),
        text(e, "entityId", 200),
        text(e, "entityType", 300),
        text(e, "applicationId", 200),
        text(e, "user", 200),
        name_values(e.get("locationUsageMetadata"), "locationUsageMetadata"),
        str(e["id"])[:64] if e.get("id") is not None else "",
    )


def text(record, field, limit, required=False):
    value = record[field] if required else record.get(field)
    if value is None and not required:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise TypeError(f"{field} must be text, got {type(value).__name__}")
    value = str(value).strip()
    if required and not value:
        raise ValueError(f"{field} is empty")
    if len(value) > limit:
        raise ValueError(f"{field} is longer than {limit} characters")
    return value


def event_date(value):
    """yyyy-MM-dd'T'HH:mm:ssX (the seed's format), or epoch milliseconds as Jackson writes by default."""
    if isinstance(value, int) and not isinstance(value, bool):
        return datetime.fromtimestamp(value / 1000, UTC)
    if not isinstance(value, str):
        raise TypeError(f"date must be a timestamp string, got {type(value).__name__}")
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"date {value[:40]!r} is not yyyy-MM-dd'T'HH:mm:ssX") from None
    if moment.tzinfo is None:
        raise ValueError(f"date {value[:40]!r} has no time zone (yyyy-MM-dd'T'HH:mm:ssX)")
    return moment.astimezone(UTC)


def name_values(items, field):
    """[{"name", "value"}, ...] -> the same list, values kept as text."""
    if items is None:
        return []
    if not isinstance(items, list):
        raise TypeError(f"{field} must be a list of name/value objects, got {type(items).__name__}")
    pairs = []
    for j, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"].strip():
            raise ValueError(f"{field}[{j}] must be an object with a non-empty name")
        value = item.get("value")
        if not isinstance(value, str) and value is not None:
            value = json.dumps(value)
        pairs.append({"name": item["name"].strip()[:128], "value": value or ""})
    return pairs


def parse_summaries(payload, tenant):
    """GET /usage/location/hour: one record per location with locId and activeHours (periods optional)."""
    where = f"metering GET /usage/location/hour for tenant {tenant!r}"
    if not isinstance(payload, list):
        raise PayloadError(f"{where}: expected a JSON list of location summaries, got {type(payload).__name__}")
    rows = []
    for i, record in enumerate(payload):
        try:
            hours = record["activeHours"]
            if isinstance(hours, bool) or not isinstance(hours, int | float) or hours < 0:
                raise ValueError(f"activeHours must be a number ≥ 0, got {hours!r}")
            periods = record.get("periods") or []
            if not isinstance(periods, list):
                raise ValueError("periods must be a list")
            rows.append((text(record, "locId", 128, required=True), float(hours), periods))
        except KeyError as exc:
            raise PayloadError(f"{where}, record {i}: missing field {exc}") from None
        except (TypeError, ValueError, AttributeError) as exc:
            raise PayloadError(f"{where}, record {i}: {exc}") from None
    return rows


def parse_metadata(payload, tenant, loc):
    """GET /usage/location-metadata: a list of {"name", "value"}; the last value of a name wins."""
    where = f"metering GET /usage/location-metadata for location {loc!r} of tenant {tenant!r}"
    try:
        pairs = name_values(payload, "metadata")
    except (TypeError, ValueError) as exc:
        raise PayloadError(f"{where}: {exc}") from None
    return list({p["name"]: p["value"] for p in pairs}.items())


# --- derived intervals --------------------------------------------------------------
def rebuild_intervals(source, tenant, loc):
    """Pair the location's created and destroyed events into active intervals, from scratch.

    A created event while already active keeps the earlier start (a repeat);
    a destroyed event with nothing open is ignored (its start is outside our
    history). Other states do not change activity.
    """
    events = MeteringEvent.objects.filter(source=source, tenant=tenant, loc_id=loc, state__in=[START, END])
    intervals, opened = [], None
    for event in events.order_by("date", "state"):  # "created" sorts before "destroyed" at the same second
        if event.state == START and opened is None:
            opened = event
        elif event.state == END and opened is not None:
            intervals.append(interval(opened, event.date))
            opened = None
    if opened is not None:
        intervals.append(interval(opened, None))
    MeteringInterval.objects.filter(source=source, tenant=tenant, loc_id=loc).delete()
    MeteringInterval.objects.bulk_create(intervals)


def interval(created, ended_at):
    return MeteringInterval(
        source_id=created.source_id,
        tenant=created.tenant,
        amp_id=created.amp_id,
        loc_id=created.loc_id,
        started_at=created.date,
        ended_at=ended_at,
        entity_id=created.entity_id,
        entity_type=created.entity_type,
        application_id=created.application_id,
        user=created.user,
    )
