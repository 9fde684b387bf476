"""License Statistics' JSON -> rows under readable names. The vendor's field codes appear here and only here.

Reference: X-Formation License Statistics REST API v1 documentation:
- License Server API, GET /api/v1/license-server/json: lsid, lsn (name), lsh (hostname),
  lsp (port), lsd (description), lsmn (license manager), vn (vendor), lss (status), gtn (gathering).
- Feature API, GET /api/v1/feature/json: fid, fns (name), fv (version), ftype (type), lsid, lsn, vn, gtn.
- Usage history (per feature, per license server, comparison): lud (the period), lumin, lua, lumax
  (used min/avg/max), lbmin, lbmax (borrowed min/max), ldtc (denials), hu (hours used), ft (total),
  and on per-server rows fns, fv, ftype.
- Current users: lsid, lsn, fid, fns, fv, ftype, uid, un (user), hn (host), lco (checked out), and the
  licenses held as fu (older versions) or lus (newer). Highest usage: un and fu or lus. Current usage:
  rows of hu/tu (older) or one current/licenseUsage/licenseLimit record (newer).
Only the ids are required of a server or feature; a descriptive field it lacks reads as blank. Text is
bounded by its column's max_length (given here), numbers by their columns (see ingest/vendors/parsing.py).
"""

import math
import re
from datetime import date, datetime, timedelta

from ingest.errors import PayloadError
from ingest.vendors.parsing import INT_RANGE, NUMBER_LIMIT, Record, bounded_raw, date_problem, one_record, records

PERIOD_FIELD = "lud"  # usage history rows are ordered by their period

# Usage history fields: (stored name, vendor code).
WHOLE_FIELDS = [
    ("used_min", "lumin"),
    ("used_max", "lumax"),
    ("borrowed_min", "lbmin"),
    ("borrowed_max", "lbmax"),
    ("denials", "ldtc"),
    ("total_seats", "ft"),
]
NUMBER_FIELDS = [("used_avg", "lua"), ("hours_used", "hu")]

# The `lud` forms License Statistics' documentation shows, one per granularity.
_D = r"(\d{4})-(\d{2})-(\d{2})"
LUD_FORMS = [
    ("hour", re.compile(_D + r" (\d{2}):(\d{2})(?::(\d{2}))?")),
    ("day", re.compile(_D)),
    ("week", re.compile(_D + r" - " + _D)),
    ("month", re.compile(r"(\d{4})-(\d{2})")),
    ("quarter", re.compile(r"(\d{4})-Q([1-4])")),
]


def parse_lud(text, zone):
    """`lud` -> (granularity, aware start of the period in `zone`); ValueError for any other form."""
    if not isinstance(text, str):
        raise ValueError(f"lud must be a string, got {type(text).__name__}")
    for granularity, pattern in LUD_FORMS:
        match = pattern.fullmatch(text.strip())
        if match:
            return granularity, _period_start(granularity, [int(g or 0) for g in match.groups()], text, zone)
    raise ValueError(
        f"lud {text!r:.40} is none of the forms License Statistics documents "
        "(YYYY-MM-DD HH:MM[:SS], YYYY-MM-DD, YYYY-MM-DD - YYYY-MM-DD, YYYY-MM, YYYY-Qn)"
    )


def _period_start(granularity, n, text, zone):
    try:
        if granularity == "hour":
            return datetime(n[0], n[1], n[2], n[3], n[4], n[5], tzinfo=zone)
        if granularity == "week":
            first, last = date(*n[:3]), date(*n[3:])
            if not timedelta(0) <= last - first <= timedelta(days=6):
                raise ValueError("a week spans at most 7 days, first to last")
            return datetime(first.year, first.month, first.day, tzinfo=zone)
        if granularity == "quarter":
            return datetime(n[0], 3 * n[1] - 2, 1, tzinfo=zone)
        return datetime(n[0], n[1], n[2] if granularity == "day" else 1, tzinfo=zone)
    except ValueError as exc:
        raise ValueError(f"lud {text!r:.40} is not a valid {granularity}: {exc}") from None


def _first_text(record, *names, max_length):
    """The first of `names` the record carries (documented name first, then variants); blank if none."""
    for name in names:
        if record.get(name) is not None:
            return record.text(name, max_length=max_length)
    return ""


def server_rows(payload, where="license-server list"):
    """The license server list; the simulator's older names host/port/manager/status are read as variants."""
    return [
        {
            "lsid": r.whole("lsid"),
            "name": r.text("lsn", max_length=300),
            "host": _first_text(r, "lsh", "host", max_length=300),
            "port": _first_text(r, "lsp", "port", max_length=50),
            "manager": _first_text(r, "lsmn", "manager", max_length=100),
            "status": _first_text(r, "lss", "status", max_length=100),
        }
        for r in records(payload, where, ident="lsid")
    ]


def feature_rows(payload, where="feature list"):
    return [
        {
            "fid": r.whole("fid"),
            "lsid": r.whole("lsid"),
            "name": r.text("fns", max_length=300),
            "version": r.text("fv", max_length=100),
            "feature_type": r.text("ftype", max_length=100),
        }
        for r in records(payload, where, ident="fid")
    ]


def usage_rows(payload, where, zone, granularity):
    """Usage history rows of one granularity; `period_start` is `lud` read in `zone`.

    The feature's name, version and type are None where a row does not carry them
    (per-feature and comparison reports), so that storage can fill them in.

    A row of the usual shape (whole numbers as JSON integers, numbers as numbers, plain text, a `lud` already read
    on an earlier row) is read by `_plain_usage_row`; any other goes through its `Record`, which reads it the same
    way or fails naming the row and field.
    """
    if not isinstance(payload, list):
        return [_usage_row(r, zone, granularity) for r in records(payload, where, what="row", ident="fid")]
    periods = {}  # lud: period_start, read once for every feature of the report that has that period
    rows = []
    for i, data in enumerate(payload):
        row = _plain_usage_row(data, periods, zone, granularity)
        if row is None:
            row = _usage_row(Record(data, where, f"row {i}", ident="fid"), zone, granularity)
        rows.append(row)
    return rows


_WHOLE_LOW, _WHOLE_HIGH = INT_RANGE
_TEXT_FIELDS = (("feature_name", "fns", 300), ("feature_version", "fv", 100), ("feature_type", "ftype", 100))


def _plain_usage_row(data, periods, zone, granularity):
    """The row `_usage_row` reads from `data` when every field is of the plain shape it takes as it is; else None."""
    if type(data) is not dict:
        return None
    get = data.get
    fid, label = get("fid"), get("lud")
    if type(fid) is not int or not _WHOLE_LOW <= fid <= _WHOLE_HIGH or type(label) is not str:
        return None
    start = periods.get(label)
    if start is None:
        try:
            found, start = parse_lud(label, zone)
        except ValueError:
            return None
        if found != granularity or date_problem(start.date()):
            return None
        periods[label] = start
    row = {"fid": fid, "period_start": start, "period_label": label}
    for name, code in WHOLE_FIELDS:
        value = get(code)
        if type(value) is not int or not _WHOLE_LOW <= value <= _WHOLE_HIGH:
            return None
        row[name] = value
    for name, code in NUMBER_FIELDS:
        value = get(code)
        kind = type(value)
        if kind is float:
            if not math.isfinite(value) or not -NUMBER_LIMIT <= value <= NUMBER_LIMIT:
                return None
        elif kind is not int or not -NUMBER_LIMIT <= value <= NUMBER_LIMIT:
            return None
        row[name] = float(value)
    for name, code, length in _TEXT_FIELDS:
        value = get(code)
        if value is not None:
            if type(value) is not str:
                return None
            value = value.strip()
            if len(value) > length or "\x00" in value or not value.isascii():
                return None
        row[name] = value
    return row


def _usage_row(r, zone, granularity):
    label = r.get("lud")
    try:
        found, start = parse_lud(label, zone)
    except ValueError as exc:
        r.fail(str(exc))
    if found != granularity:
        r.fail(f"lud {label!r} is a {found}, but {granularity} rows were asked for")
    r.check_date("lud", start.date())
    row = {"fid": r.whole("fid"), "period_start": start, "period_label": label}
    row.update({name: r.whole(code) for name, code in WHOLE_FIELDS})
    row.update({name: r.number(code) for name, code in NUMBER_FIELDS})
    for name, code, length in (
        ("feature_name", "fns", 300),
        ("feature_version", "fv", 100),
        ("feature_type", "ftype", 100),
    ):
        row[name] = r.text(code, default=None, max_length=length)
    return row


def _licenses(r):
    """Licenses held: `fu` in the older response shape, `lus` in the newer one."""
    for name in ("lus", "fu"):
        if name in r:
            return name, r.whole(name)
    r.fail("missing field 'lus' (or 'fu')")


def licenses_shape(rows):
    """Which name the licenses per user came under in this response: lus (newer) or fu (older)."""
    shapes = {r.pop("shape") for r in rows}
    return "lus" if "lus" in shapes else "fu"


def session_rows(payload, zone, where="current users"):
    """Current users: one row per license session; `lco` is read in `zone`."""
    rows = []
    for r in records(payload, where, ident="un"):
        shape, licenses = _licenses(r)
        rows.append({
            "lsid": r.whole("lsid"), "server_name": r.text("lsn", max_length=300), "fid": r.whole("fid"),
            "feature_name": r.text("fns", required=True, max_length=300),
            "feature_version": r.text("fv", max_length=100), "feature_type": r.text("ftype", max_length=100),
            "user_id": r.whole("uid", required=False),
            "user": r.text("un", required=True, max_length=300), "host": r.text("hn", max_length=300),
            "checked_out_at": r.instant("lco", required=False, zone=zone), "licenses": licenses, "shape": shape,
        })  # fmt: skip
    return rows


def top_user_rows(payload, where="highest usage"):
    rows = []
    for r in records(payload, where, what="user"):
        shape, licenses = _licenses(r)
        rows.append({"user": r.text("un", required=True, max_length=300), "licenses": licenses, "shape": shape})
    return rows


def parse_current_usage(data, where="current usage"):
    """Both documented shapes: rows of hu/tu (with and without licenses), or current/licenseUsage/licenseLimit."""
    if isinstance(data, list) and data and all(isinstance(d, dict) and "hu" in d for d in data):
        counts = {str(r.get("hu")): r.whole("tu") for r in records(data, where, what="row")}
        if set(counts) != {"0", "1"}:
            raise PayloadError(f"{where}: expected one row with hu 1 and one with hu 0, got hu {sorted(counts)!s:.120}")
        return "hu_tu", {"users_with_licenses": counts["1"], "users_without_licenses": counts["0"]}
    data = data[0] if isinstance(data, list) and len(data) == 1 else data
    if isinstance(data, dict) and "current" in data:
        r = one_record(data, where)
        return "current", {
            "current": r.whole("current"),
            "license_usage": r.whole("licenseUsage", required=False),
            "license_limit": r.whole("licenseLimit", required=False),
        }
    raise PayloadError(
        f"{where}: data is neither hu/tu rows nor a current/licenseUsage/licenseLimit record: {data!r:.200}"
    )


def kept_raw(data, where="current usage"):
    """An answer of no documented shape, to keep raw: at most parsing.RAW_LIMIT bytes of JSON."""
    return bounded_raw(data, f"{where}: the answer of no documented shape")
