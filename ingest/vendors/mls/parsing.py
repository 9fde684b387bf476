"""MLS record pages -> database rows.

Reference: PipelineFX, "Use the Metered License Server public REST API to retrieve the usage records for
your supervisor": GET /api/v2/records answers a JSON list of records with id, macaddress, ts_date, ts_time,
lic_used, lic_prepaid and lic_metered, all NOT NULL in its sample table. `macaddress` may be left out (the
request names the supervisor); any other field the sample does not list is ignored.

A year's backfill reads half a million records, so `parse_page` reads them in one inline loop; only when
that loop fails does `_explain` read the page again through `ingest.vendors.parsing.Record` to name the
record (position and id) and the field.
"""

import re
from datetime import date
from datetime import time as dtime
from operator import methodcaller

from ingest.errors import PayloadError
from ingest.vendors.parsing import BIG_RANGE, INT_RANGE, date_problem
from ingest.vendors.parsing import records as read_records

MAX_COUNT, (MIN_ID, MAX_ID) = INT_RANGE[1], BIG_RANGE  # lic_* are IntegerFields, id a BigIntegerField

COUNT_FIELDS = ("lic_used", "lic_prepaid", "lic_metered")


def normalize_mac(value):
    """'aa-bb-cc-dd-ee-ff', 'AABB.CCDD.EEFF' or 'aa:bb:..' -> 'AA:BB:CC:DD:EE:FF', as Qube prints it."""
    digits = re.sub(r"[\s:.\-]", "", str(value)).upper()
    if not re.fullmatch(r"[0-9A-F]{12}", digits):
        raise ValueError(f"{value!r} is not a MAC address (12 hex digits, any separator)")
    return ":".join(digits[i : i + 2] for i in range(0, 12, 2))


def parse_page(records, mac, supervisor_id, page_num):
    """Validate one page; return its rows (database-ready), last id and first/last day.

    The loop is the hot path of a year's backfill, so it is written inline;
    when anything in it fails, `_explain` walks the page again to name the
    record and the field.
    """
    if not isinstance(records, list):
        raise PayloadError(
            f"MLS page {page_num} for {mac}: expected a JSON list of records, got {type(records).__name__}"
        )
    rows, days, times = [], {}, _TIMES
    try:
        for r in records:
            record_id, used, prepaid, metered = r["id"], r["lic_used"], r["lic_prepaid"], r["lic_metered"]
            if (
                not (type(record_id) is type(used) is type(prepaid) is type(metered) is int)
                or min(used, prepaid, metered) < 0
                or max(used, prepaid, metered) > MAX_COUNT
                or not MIN_ID <= record_id <= MAX_ID
            ):
                raise TypeError
            day = days.get(r["ts_date"]) or days.setdefault(r["ts_date"], _day(r["ts_date"]))
            minute = times.get(r["ts_time"]) or times.setdefault(
                r["ts_time"], dtime.fromisoformat(r["ts_time"]).isoformat()
            )
            rows.append((supervisor_id, record_id, day, minute, used, prepaid, metered))
    except (KeyError, TypeError, ValueError, AttributeError):
        _explain(records, f"MLS page {page_num} for {mac}")
    check_supervisor(records, mac, page_num)
    last_id = max(row[1] for row in rows)
    return rows, last_id, min(days.values()), max(days.values())


def check_supervisor(records, mac, page_num):
    """Every record of the page is the requested supervisor's (a record may leave `macaddress` out)."""
    others = {}  # each other spelling of a MAC -> the first record with it
    for i, other in enumerate(map(methodcaller("get", "macaddress"), records)):
        if other is None or other == mac:
            continue
        if type(other) is not str:
            raise PayloadError(
                f"MLS page {page_num} for {mac}, record {i}: 'macaddress' is {type(other).__name__}, not text"
            )
        others.setdefault(other, i)
    for other, i in others.items():
        try:
            if len(other) <= 40 and normalize_mac(other) == mac:
                continue
        except ValueError:
            pass
        raise PayloadError(
            f"MLS page {page_num} for {mac}, record {i}: macaddress is {other!r:.60}, not the requested {mac}: "
            "the server answered with another supervisor's records"
        )


def _day(text):
    """A ts_date as stored (yyyy-mm-dd), in the dates parsing.DATE_RANGE allows."""
    day = date.fromisoformat(text)
    if date_problem(day):
        raise ValueError(text)
    return day.isoformat()


_TIMES = {}  # validated ts_time text -> normalised; at most 86,400 entries


def _explain(records, where):
    """Read the page again field by field: raises PayloadError naming the first bad record and field."""
    for r in read_records(records, where, ident="id"):
        r.whole("id", big=True)
        r.date("ts_date")
        r.clock("ts_time")
        for field in COUNT_FIELDS:
            r.whole(field, minimum=0)
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", r.text("ts_date")):
            r.fail(f"'ts_date' {r.get('ts_date')!r:.40} is not a date (yyyy-mm-dd)")
    raise PayloadError(f"{where}: a record could not be read")
