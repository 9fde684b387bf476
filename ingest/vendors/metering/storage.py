"""Storing one fetch window's location events, and the active intervals and locations derived from them.

A window touches few events of a location's history, so the intervals are updated from the location's
earliest event in the window on, never rebuilt from its whole history: every interval that ended before
that point stays, the one still open there is reopened, and the window's events (with any stored later
ones) are folded in, in order. A late event that the window's overlap brings in, or a changed one, moves
that point back, so the result is always what pairing the location's whole history from scratch gives
(`rebuild_intervals`, which the tests compare against).
"""

from django.db.models import Q

from ingest.db import upsert
from ingest.vendors.metering.models import (
    MeteringEvent,
    MeteringHourSummary,
    MeteringInterval,
    MeteringLocation,
    MeteringLocationMetadata,
)

EVENT_COLUMNS = [
    "source", "tenant", "amp_id", "loc_id", "date", "state", "entity_id", "entity_type",
    "application_id", "user", "metadata", "upstream_id", "raw",
]  # fmt: skip
EVENT_KEYS = ["source", "tenant", "amp_id", "loc_id", "date", "state"]
SUMMARY_COLUMNS = ["source", "tenant", "loc_id", "window_start", "window_end", "active_hours", "periods", "raw"]
SUMMARY_KEYS = ["source", "tenant", "loc_id", "window_start", "window_end"]
START, END = "created", "destroyed"  # the states that open and close an active interval (any case upstream)
# What an interval takes from its created event.
CREATED_FIELDS = ["amp_id", "entity_id", "entity_type", "application_id", "user"]
# Events of a location in the order they are paired: "created" sorts before "destroyed" at the same
# second; the AMP id decides between two events of the same state at the same second.
ORDER = ["date", "state", "amp_id"]


def store_events(page, source, tenant, events):
    """Upsert a window's event rows (EVENT_COLUMNS order) and bring its locations and intervals up to date."""
    if not events:
        return
    upsert_events(page, source, tenant, events)
    for loc, since in sorted(earliest_pairing_events(events).items()):
        update_intervals(source, tenant, loc, since=since)


def upsert_events(page, source, tenant, events):
    """Upsert event rows on their natural key (within the window's dates) and note their locations' first and last events."""
    dates = [e[4] for e in events]
    scope = MeteringEvent.objects.filter(source=source, tenant=tenant, date__range=(min(dates), max(dates)))
    page.upsert(MeteringEvent, EVENT_COLUMNS, events, keys=EVENT_KEYS, scope=scope)
    note_locations(source, tenant, events)


def earliest_pairing_events(events):
    """{location: date of its earliest created or destroyed event} among event rows."""
    earliest = {}
    for e in events:
        loc, date, state = e[3], e[4], e[5]
        if state in (START, END) and (loc not in earliest or date < earliest[loc]):
            earliest[loc] = date
    return earliest


def note_locations(source, tenant, events):
    """Widen each location's first and last event to cover these event rows."""
    spans = {}
    for e in events:
        first, last = spans.get(e[3], (e[4], e[4]))
        spans[e[3]] = (min(first, e[4]), max(last, e[4]))
    known = MeteringLocation.objects.filter(source=source, tenant=tenant, loc_id__in=list(spans))
    changed = []
    for row in known:
        first, last = spans.pop(row.loc_id)
        if first < row.first_event_at or last > row.last_event_at:
            row.first_event_at, row.last_event_at = min(first, row.first_event_at), max(last, row.last_event_at)
            changed.append(row)
    MeteringLocation.objects.bulk_update(changed, ["first_event_at", "last_event_at"])
    MeteringLocation.objects.bulk_create(
        MeteringLocation(source=source, tenant=tenant, loc_id=loc, first_event_at=first, last_event_at=last)
        for loc, (first, last) in spans.items()
    )


def update_intervals(source, tenant, loc, *, since=None):
    """Pair the location's created and destroyed events into active intervals, from `since` on
    (from scratch when None); the intervals that ended before `since` are left as they are.

    A created event while already active keeps the earlier start (a repeat); a destroyed event with
    nothing open is ignored (its start is outside our history). Other states do not change activity.
    """
    stored = MeteringInterval.objects.filter(source=source, tenant=tenant, loc_id=loc)
    events = MeteringEvent.objects.filter(source=source, tenant=tenant, loc_id=loc, state__in=[START, END])
    opened = None
    if since is not None:
        stored = stored.filter(Q(ended_at__isnull=True) | Q(ended_at__gte=since))
        # At most one interval started before `since` and had not ended by then: the pairing resumes from it.
        open_then = stored.filter(started_at__lt=since).values("started_at", *CREATED_FIELDS).first()
        if open_then is not None:
            opened = {**open_then, "date": open_then["started_at"]}
        events = events.filter(date__gte=since)
    stored.delete()
    intervals = []
    for event in events.order_by(*ORDER).values("date", "state", *CREATED_FIELDS).iterator(chunk_size=2000):
        if event["state"] == START and opened is None:
            opened = event
        elif event["state"] == END and opened is not None:
            intervals.append(interval(source, tenant, loc, opened, event["date"]))
            opened = None
    if opened is not None:
        intervals.append(interval(source, tenant, loc, opened, None))
    MeteringInterval.objects.bulk_create(intervals, batch_size=2000)


def rebuild_intervals(source, tenant, loc):
    """The location's intervals from its whole history: what the incremental updates must always equal."""
    update_intervals(source, tenant, loc)


def interval(source, tenant, loc, created, ended_at):
    return MeteringInterval(
        source=source, tenant=tenant, loc_id=loc, started_at=created["date"], ended_at=ended_at,
        **{name: created[name] for name in CREATED_FIELDS},
    )  # fmt: skip


def store_summaries(source, tenant, start, end, summaries):
    """Upsert a window's hourly summaries, [(location, *summary), ...] (SUMMARY_COLUMNS order from active_hours)."""
    rows = [(source.pk, tenant, loc, start, end, *summary) for loc, *summary in summaries]
    upsert(MeteringHourSummary, SUMMARY_COLUMNS, rows, keys=SUMMARY_KEYS)


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
