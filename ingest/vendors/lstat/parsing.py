"""License Statistics' JSON -> rows: usage history, license servers, features and the current-users reports.

Reference: X-Formation License Statistics REST API v1 documentation, usage
history (fields lud, lumin, lua, lumax, lbmin, lbmax, ldtc, hu, ft, fns, fv,
ftype) and the current-users reports (older and newer response shapes).
"""

import re
from datetime import date, datetime, timedelta

from ingest.errors import PayloadError

INT_FIELDS = ("lumin", "lumax", "lbmin", "lbmax", "ldtc", "ft")
FLOAT_FIELDS = ("lua", "hu")

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
        f"lud {text!r} is none of the forms License Statistics documents "
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
        raise ValueError(f"lud {text!r} is not a valid {granularity}: {exc}") from None


def _text(r, name, required=False):
    value = r.get(name)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise TypeError(f"{name} is {type(value).__name__}, not text")
    return str(value)


def _whole(r, name, nullable=False):
    value = r[name]
    if value is None and nullable:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if type(value) is not int:
        raise TypeError(f"{name} is {value!r}, not a whole number")
    return value


def _number(r, name):
    value = r[name]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} is {value!r}, not a number")
    return float(value)


def _record(kind, i, parse):
    """Run `parse`, turning a missing or malformed field into a PayloadError naming the record."""
    try:
        return parse()
    except KeyError as exc:
        raise PayloadError(f"{kind}, record {i}: missing field {exc}") from None
    except (TypeError, ValueError, AttributeError) as exc:
        raise PayloadError(f"{kind}, record {i}: {exc}") from None


def parse_server(r, i):
    return _record(
        "license-server list",
        i,
        lambda: {
            "lsid": _whole(r, "lsid"),
            "lsn": _text(r, "lsn", required=True),
            **{k: _text(r, k) or "" for k in ("host", "port", "manager", "status")},
        },
    )


def parse_feature(r, i):
    return _record(
        "feature list",
        i,
        lambda: {
            "fid": _whole(r, "fid"),
            "lsid": _whole(r, "lsid"),
            "fns": _text(r, "fns", required=True),
            "fv": _text(r, "fv") or "",
            "ftype": _text(r, "ftype") or "",
        },
    )


def parse_usage(r, i, where, zone, granularity):
    def parse():
        found, start = parse_lud(r["lud"], zone)
        if found != granularity:
            raise ValueError(f"lud {r['lud']!r} is a {found}, but {granularity} rows were asked for")
        row = {"fid": _whole(r, "fid"), "period_start": start, "lud": r["lud"]}
        row.update({k: _whole(r, k) for k in INT_FIELDS})
        row.update({k: _number(r, k) for k in FLOAT_FIELDS})
        row.update({k: _text(r, k) for k in ("fns", "fv", "ftype")})
        return row

    return _record(where, i, parse)


def _licenses(r):
    """Licenses held: `fu` in the older response shape, `lus` in the newer one (seed 003)."""
    for name in ("lus", "fu"):
        if name in r:
            return name, _whole(r, name)
    raise KeyError("'lus' (or 'fu')")


def licenses_shape(rows):
    """Which name the licenses per user came under in this response: lus (newer) or fu (older)."""
    shapes = {r.pop("shape") for r in rows}
    return "lus" if "lus" in shapes else "fu"


def parse_session(r, i, zone):
    def parse():
        shape, licenses = _licenses(r)
        lco = _text(r, "lco")
        return {
            "lsid": _whole(r, "lsid"),
            "lsn": _text(r, "lsn") or "",
            "fid": _whole(r, "fid"),
            "fns": _text(r, "fns", required=True),
            "fv": _text(r, "fv") or "",
            "ftype": _text(r, "ftype") or "",
            "uid": _whole(r, "uid", nullable=True) if "uid" in r else None,
            "un": _text(r, "un", required=True),
            "hn": _text(r, "hn") or "",
            "lco": datetime.fromisoformat(lco).replace(tzinfo=zone) if lco else None,
            "licenses": licenses,
            "shape": shape,
        }

    return _record("current users", i, parse)


def parse_top_user(r, i):
    def parse():
        shape, licenses = _licenses(r)
        return {"un": _text(r, "un", required=True), "licenses": licenses, "shape": shape}

    return _record("highest usage", i, parse)


def parse_current_usage(data):
    """Both shapes of seed 003: rows of hu/tu (with and without licenses), or current/licenseUsage/licenseLimit."""

    def parse():
        if isinstance(data, list) and data and all(isinstance(d, dict) and "hu" in d for d in data):
            counts = {str(d["hu"]): _whole(d, "tu") for d in data}
            if set(counts) != {"0", "1"}:
                raise ValueError(f"expected one row with hu 1 and one with hu 0, got hu {sorted(counts)}")
            return "hu_tu", {"users_with_licenses": counts["1"], "users_without_licenses": counts["0"]}
        record = data[0] if isinstance(data, list) and len(data) == 1 else data
        if isinstance(record, dict) and "current" in record:
            return "current", {
                "current": _whole(record, "current"),
                "license_usage": _whole(record, "licenseUsage", nullable=True),
                "license_limit": _whole(record, "licenseLimit", nullable=True),
            }
        raise ValueError(f"data is neither hu/tu rows nor a current/licenseUsage/licenseLimit record: {data!r:.200}")

    return _record("current usage", 0, parse)
