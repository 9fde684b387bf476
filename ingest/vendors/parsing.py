"""Vendor payloads are read one way: record by record, field by field, failing with the record and field named.

    for record in records(payload, "MLS page 3 for 00:1A:2B:3C:4D:5E"):
        rows.append((record.whole("id"), record.text("ts_date", required=True), ...))

A missing or mistyped field raises PayloadError("<where>, record <i>: <field> ..."),
never a KeyError three frames later. A field the vendor documents as optional
reads as blank (or None); a field of the wrong type is always an error.

Values are bounded by what the columns hold, the same on SQLite and MariaDB: whole numbers by the
column's range (IntegerField unless `big=True`, BigIntegerField), numbers finite and at most 2**53
(a license count, exactly; sums of them stay finite), text without NUL characters or unpaired
surrogates and at most `max_length` (TEXT_LIMIT when the column has none), dates and timestamps within
DATE_RANGE (a year 1 or 9999 overflows when shown in another zone), and a record kept raw at most RAW_LIMIT
bytes of JSON. An upstream value beyond them fails its page naming the field.
"""

import json
import math
from datetime import UTC, date, datetime, time

from ingest.errors import PayloadError

INT_RANGE = (-(2**31), 2**31 - 1)  # IntegerField on MariaDB (SQLite would take more)
BIG_RANGE = (-(2**63), 2**63 - 1)  # BigIntegerField
NUMBER_LIMIT = 2**53  # the largest magnitude of a number(): every whole number up to it is exact in a float
TEXT_LIMIT = 64 * 1024  # characters of a text field whose column sets no max_length
RAW_LIMIT = 64 * 1024  # bytes of JSON of a record (or answer) kept raw
DATE_RANGE = (date(1970, 1, 1), date(3000, 1, 1))  # vendor dates from .. before: anything else is a broken clock


def date_problem(day):
    """Why a vendor's date (or a timestamp's UTC date) is out of DATE_RANGE, or None."""
    if not DATE_RANGE[0] <= day < DATE_RANGE[1]:
        return f"is {day.isoformat()}, outside {DATE_RANGE[0].isoformat()} to {DATE_RANGE[1].year - 1}-12-31"
    return None


def text_problem(value, max_length=None):
    """Why `value` (a str) cannot be stored as text, or None: a NUL character (SQLite and MariaDB
    disagree on it), an unpaired surrogate (no UTF-8 for it) or more than `max_length` characters."""
    limit = TEXT_LIMIT if max_length is None else max_length
    if len(value) > limit:
        return f"is {len(value):,} characters long, longer than {limit:,}"
    if "\x00" in value:
        return "contains a NUL character (\\x00)"
    if not value.isascii():
        try:
            value.encode()
        except UnicodeEncodeError:
            return "contains an unpaired surrogate (not valid Unicode)"
    return None


def raw_problem(value, limit=RAW_LIMIT):
    """Why `value` (decoded JSON) cannot be kept raw, or None: NaN, Infinity or an unpaired surrogate (no
    JSON column takes them: MariaDB's JSON_VALID refuses "\\ud800") or more than `limit` bytes of JSON;
    an object's culprit field is named."""
    size = _json_size(value)
    if size is not None and size <= limit:
        return None
    sizes = {k: _json_size(v) for k, v in value.items()} if isinstance(value, dict) else {}
    if size is None:
        field = next((k for k, n in sizes.items() if n is None), None)
        where = f" (in its field {str(field)[:40]!r})" if field is not None else ""
        return f"holds NaN, Infinity or an unpaired surrogate{where}, which JSON columns do not take"
    field = max(sizes, key=sizes.get) if sizes else None
    where = f" (its field {str(field)[:40]!r} the largest)" if field is not None else ""
    return f"is {size:,} bytes of JSON, more than {limit:,} to keep raw{where}"


def _json_size(value):
    """Bytes of `value` as compact UTF-8 JSON; None when it holds NaN, Infinity or an unpaired surrogate."""
    try:
        return len(json.dumps(value, separators=(",", ":"), allow_nan=False, ensure_ascii=False).encode())
    except ValueError:  # UnicodeEncodeError is one
        return None


def bounded_raw(value, where, limit=RAW_LIMIT):
    """`value` to keep raw, or a PayloadError naming `where` when it is too large."""
    problem = raw_problem(value, limit)
    if problem:
        raise PayloadError(f"{where} {problem}")
    return value


def records(payload, where, *, what="record", ident=None, first=0):
    """Yield a `Record` for each object of a JSON list; anything else fails naming `where`.

    Records are numbered from `first` (e.g. the page's offset)."""
    if not isinstance(payload, list):
        raise PayloadError(f"{where}: expected a JSON list of {what}s, got {type(payload).__name__}")
    for i, data in enumerate(payload, start=first):
        yield Record(data, where, f"{what} {i}", ident=ident)


def one_record(payload, where, *, what="record"):
    """A `Record` for a JSON object answer."""
    return Record(payload, where, what)


class Record:
    """One JSON object from a vendor, read through typed accessors.

    `ident` names a field whose value identifies the record in messages (e.g. an event id).
    """

    def __init__(self, data, where, label, *, ident=None):
        self.where = where
        self.label = label
        if ident and isinstance(data, dict) and data.get(ident) is not None:
            self.label += f" ({ident} {str(data[ident])[:40]})"
        if not isinstance(data, dict):
            self.data = {}
            self.fail(f"expected an object, got {type(data).__name__}")
        self.data = data

    def __contains__(self, name):
        return name in self.data

    def get(self, name, default=None):
        """The raw value, for fields whose shape the vendor leaves open."""
        return self.data.get(name, default)

    def fail(self, problem):
        raise PayloadError(f"{self.where}, {self.label}: {problem}")

    def _value(self, name, required):
        if name not in self.data or self.data[name] is None:
            if required:
                self.fail(f"missing field '{name}'" if name not in self.data else f"'{name}' is null")
            return None
        return self.data[name]

    def text(self, name, *, required=False, max_length=None, default=""):
        """Text (numbers are accepted and kept as text); `default` when optional and absent."""
        value = self._value(name, required)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.fail(f"'{name}' is {type(value).__name__}, not text")
        value = str(value).strip()
        if required and not value:
            self.fail(f"'{name}' is empty")
        problem = text_problem(value, max_length)
        if problem:
            self.fail(f"'{name}' {problem}")
        return value

    def raw(self, limit=RAW_LIMIT):
        """The whole record, to keep raw (undocumented fields too): at most `limit` bytes of JSON."""
        problem = raw_problem(self.data, limit)
        if problem:
            self.fail(problem)
        return self.data

    def whole(self, name, *, required=True, minimum=None, big=False):
        """A whole number (2.0 counts as 2) in an IntegerField's range (a BigIntegerField's with `big`);
        None when optional and absent."""
        value = self._value(name, required)
        if value is None:
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if type(value) is not int:
            self.fail(f"'{name}' is {_show(value)}, not a whole number")
        if minimum is not None and value < minimum:
            self.fail(f"'{name}' is {_show(value)}, below {minimum}")
        low, high = BIG_RANGE if big else INT_RANGE
        if not low <= value <= high:
            self.fail(f"'{name}' is {_show(value)}, outside {low:,} to {high:,}")
        return value

    def number(self, name, *, required=True, minimum=None):
        """Any JSON number, as a float; None when optional and absent."""
        value = self._value(name, required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(f"'{name}' is {_show(value)}, not a number")
        if isinstance(value, float) and not math.isfinite(value):
            self.fail(f"'{name}' is {value}, not a finite number")
        if not -NUMBER_LIMIT <= value <= NUMBER_LIMIT:
            self.fail(f"'{name}' is {_show(value)}, beyond ±{NUMBER_LIMIT:,}")
        if minimum is not None and value < minimum:
            self.fail(f"'{name}' is {_show(value)}, below {minimum}")
        return float(value)

    def date(self, name, *, required=True):
        """An ISO 8601 date (yyyy-mm-dd)."""
        value = self.text(name, required=required, default=None)
        if not value:  # absent, null or blank, and optional (text() fails a required one)
            return None
        try:
            day = date.fromisoformat(value[:10]) if len(value) >= 10 else date.fromisoformat(value)
        except ValueError:
            self.fail(f"'{name}' {value[:40]!r} is not a date (yyyy-mm-dd)")
        self.check_date(name, day)
        return day

    def check_date(self, name, day):
        """Fail naming `name` when `day` (a date, or a datetime's UTC date) is out of DATE_RANGE."""
        problem = date_problem(day)
        if problem:
            self.fail(f"'{name}' {problem}")

    def clock(self, name, *, required=True):
        """A time of day (hh:mm[:ss])."""
        value = self.text(name, required=required, default=None)
        if not value:  # absent, null or blank, and optional (text() fails a required one)
            return None
        try:
            return time.fromisoformat(value)
        except ValueError:
            self.fail(f"'{name}' {value[:40]!r} is not a time of day (hh:mm:ss)")

    def instant(self, name, *, required=True, zone=None):
        """An ISO 8601 timestamp as an aware UTC datetime; one without an offset is read in `zone`
        (and is an error without one)."""
        value = self.text(name, required=required, default=None)
        if not value:  # absent, null or blank, and optional (text() fails a required one)
            return None
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            self.fail(f"'{name}' {value[:40]!r} is not an ISO 8601 timestamp")
        if moment.tzinfo is None:
            if zone is None:
                self.fail(f"'{name}' {value[:40]!r} has no time zone offset")
            moment = moment.replace(tzinfo=zone)
        try:
            moment = moment.astimezone(UTC)
        except OverflowError:
            self.fail(f"'{name}' {value[:40]!r} is out of range")
        self.check_date(name, moment.date())
        return moment


def _show(value):
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**40:
        return f"a number of {len(str(abs(value)))} digits"  # repr of a 5,000-digit int raises
    return f"{value!r:.60}" if isinstance(value, str | int | float | bool) else type(value).__name__
