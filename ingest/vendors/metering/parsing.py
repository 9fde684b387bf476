"""Metering Service answers -> rows.

Reference: Cloudsoft AMP metering microservice, "REST API for the Metering Service", section "Retrieving
data". The document names the query parameters of GET /usage/location, /usage/location/hour and
/usage/location-metadata, but every "Response format:" is left empty and no event state is named. So:

- Location events carry the fields AMP records (ampId, locId, date as yyyy-MM-dd'T'HH:mm:ssX, state, and
  optionally entityId, entityType, applicationId, user, locationUsageMetadata [{name, value}], id,
  tenantId). Without ampId, locId, date or state an event cannot be stored, and the window fails naming
  the event and the field. `date` is also read as epoch milliseconds (Jackson's default). Any state is
  kept, lower-cased, and the whole event is kept raw (at most parsing.RAW_LIMIT bytes of JSON: a larger
  event fails the window naming its largest field).
- The hourly summary ("one record per location adding up all periods for which the location was active")
  is read in every shape met: a list of records, such a list wrapped in an object, or an object keyed by
  location; the location under locId/locationId/location/id, the hours under activeHours/hours/totalHours
  (or seconds under activeSeconds/seconds). Each record is kept raw; what cannot be read (or kept: too
  large, a NUL in its location id) is noted on the run and skipped, never failing the window's events.
- Location metadata is read as a list of {name, value} or an object of names and values; what is neither,
  or a name or value that cannot be stored (too long, a NUL), is noted on the run and skipped.
"""

import json
from datetime import UTC, datetime

from ingest.vendors.parsing import Record, raw_problem, records, text_problem

LOC_NAMES = ("locId", "locationId", "location", "id")
HOUR_NAMES = ("activeHours", "hours", "totalHours", "active_hours")
SECOND_NAMES = ("activeSeconds", "seconds")
LIST_NAMES = ("locations", "data", "content", "records", "items", "results")


# --- location events ------------------------------------------------------------------
def event_rows(payload, tenant, source_id, where):
    """GET /usage/location's answer -> database rows in EVENT_COLUMNS order."""
    return [event_row(r, tenant, source_id) for r in records(payload, where, what="event", ident="id")]


def event_row(r, tenant, source_id):
    if r.get("tenantId") not in (None, tenant):
        r.fail(f"belongs to tenant {str(r.get('tenantId'))[:64]!r}, not {tenant!r}")
    return (
        source_id,
        tenant,
        r.text("ampId", required=True, max_length=128),
        r.text("locId", required=True, max_length=128),
        event_date(r),
        r.text("state", required=True, max_length=32).lower(),
        r.text("entityId", max_length=200),
        r.text("entityType", max_length=300),
        r.text("applicationId", max_length=200),
        r.text("user", max_length=200),
        name_values(r, "locationUsageMetadata"),
        r.text("id")[:64],
        r.raw(),
    )


def event_date(r):
    """yyyy-MM-dd'T'HH:mm:ssX (the document's format), or epoch milliseconds as Jackson writes by default."""
    value = r.get("date")
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            moment = datetime.fromtimestamp(value / 1000, UTC)
        except (OverflowError, ValueError, OSError):
            r.fail(f"'date' {_show_number(value)} is not a time in epoch milliseconds")
        r.check_date("date", moment.date())
        return moment
    return r.instant("date")


def _show_number(value):
    text = str(value)
    return text if len(text) <= 40 else f"a number of {len(text)} digits"


def name_values(r, field):
    """[{"name", "value"}, ...] -> the same list, values kept as text."""
    items = r.get(field)
    if items is None:
        return []
    if not isinstance(items, list):
        r.fail(f"'{field}' must be a list of name/value objects, got {type(items).__name__}")
    pairs = []
    for j, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"].strip():
            r.fail(f"{field}[{j}] must be an object with a non-empty name")
        value = item.get("value")
        if not isinstance(value, str) and value is not None:
            value = json.dumps(value)
        pairs.append({"name": item["name"].strip()[:128], "value": value or ""})
    return pairs


# --- hourly summaries -----------------------------------------------------------------
def summary_rows(payload):
    """GET /usage/location/hour's answer, whatever its shape -> ([(locId, hours or None, periods, raw)], notes).

    `notes` says what could not be read (a record without a location, a location without hours, an answer
    of no known shape); nothing here raises.
    """
    items, notes = summary_items(payload)
    rows = []
    for i, item in enumerate(items):
        row, note = summary_row(item)
        if row is not None:
            rows.append(row)
        if note:
            notes.append(f"record {i}: {note}")
    return rows, notes


def summary_items(payload):
    """The summary records of an answer: a list, a list wrapped in an object, or an object keyed by location."""
    if isinstance(payload, list):
        return payload, []
    if isinstance(payload, dict):
        wrapped = [payload[k] for k in LIST_NAMES if isinstance(payload.get(k), list)]
        if wrapped:
            return wrapped[0], []
        if payload and all(isinstance(v, int | float | dict) and not isinstance(v, bool) for v in payload.values()):
            return [_keyed(loc, value) for loc, value in payload.items()], []
    return [], [f"an answer of no known shape ({type(payload).__name__}: {json.dumps(payload)[:120]})"]


def _keyed(loc, value):
    """{"loc-1": 3.5} or {"loc-1": {...}} -> a record with its location."""
    return {"locId": loc, **value} if isinstance(value, dict) else {"locId": loc, "activeHours": value}


def summary_row(item):
    if not isinstance(item, dict):
        return None, f"not an object ({type(item).__name__}), skipped"
    r = Record(item, "hourly summary", "record")
    ids = (r.get(n) for n in LOC_NAMES)
    loc = next((str(v).strip()[:128] for v in ids if isinstance(v, str | int) and not isinstance(v, bool)), "")
    if not loc:
        return None, f"no location id among {', '.join(LOC_NAMES)} ({', '.join(sorted(map(str, item)))[:120]}), skipped"
    if problem := text_problem(loc):
        return None, f"a location id that {problem}, skipped"
    if problem := raw_problem(item):
        return None, f"location {loc!r}: the record {problem}, skipped"
    hours = _hours(item)
    periods = item.get("periods") if isinstance(item.get("periods"), list) else []
    note = None if hours is not None else f"location {loc!r} has no hours among {', '.join(HOUR_NAMES + SECOND_NAMES)}"
    return (loc, hours, periods, item), note


def _hours(item):
    for names, scale in ((HOUR_NAMES, 1), (SECOND_NAMES, 3600)):
        for name in names:
            value = item.get(name)
            if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
                return float(value) / scale
    return None


# --- location metadata ----------------------------------------------------------------
def metadata_pairs(payload):
    """GET /usage/location-metadata -> ([(name, value)], notes): a list of {"name", "value"} (the last value of
    a name wins) or an object of names and values; anything else is noted, never failing the window."""
    if isinstance(payload, dict):
        payload = [{"name": k, "value": v} for k, v in payload.items()]
    if not isinstance(payload, list):
        return [], [f"an answer of no known shape ({type(payload).__name__}: {json.dumps(payload)[:120]})"]
    pairs, notes = {}, []
    for i, item in enumerate(payload):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"].strip():
            notes.append(f"record {i}: not an object with a non-empty name ({json.dumps(item)[:80]}), skipped")
            continue
        value = item.get("value")
        if not isinstance(value, str) and value is not None:
            value = json.dumps(value)
        name, value = item["name"].strip()[:128], value or ""
        problem = text_problem(name) or text_problem(value)
        if problem:
            notes.append(f"record {i}: {name[:40]!r} has a name or value that {problem}, skipped")
            continue
        pairs[name] = value
    return list(pairs.items()), notes
