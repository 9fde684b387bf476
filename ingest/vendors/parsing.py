"""Vendor payloads are read one way: record by record, field by field, failing with the record and field named.

    for record in records(payload, "MLS page 3 for 00:1A:2B:3C:4D:5E"):
        rows.append((record.whole("id"), record.text("ts_date", required=True), ...))

A missing or mistyped field raises PayloadError("<where>, record <i>: <field> ..."),
never a KeyError three frames later. A field the vendor documents as optional
reads as blank (or None); a field of the wrong type is always an error.
"""

from datetime import UTC, date, datetime, time

from ingest.errors import PayloadError


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
        if max_length is not None and len(value) > max_length:
            self.fail(f"'{name}' is longer than {max_length} characters")
        return value

    def whole(self, name, *, required=True, minimum=None):
        """A whole number (2.0 counts as 2); None when optional and absent."""
        value = self._value(name, required)
        if value is None:
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if type(value) is not int:
            self.fail(f"'{name}' is {_show(value)}, not a whole number")
        if minimum is not None and value < minimum:
            self.fail(f"'{name}' is {value}, below {minimum}")
        return value

    def number(self, name, *, required=True, minimum=None):
        """Any JSON number, as a float; None when optional and absent."""
        value = self._value(name, required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(f"'{name}' is {_show(value)}, not a number")
        if minimum is not None and value < minimum:
            self.fail(f"'{name}' is {value}, below {minimum}")
        return float(value)

    def date(self, name, *, required=True):
        """An ISO 8601 date (yyyy-mm-dd)."""
        value = self.text(name, required=required, default=None)
        if not value:  # absent, null or blank, and optional (text() fails a required one)
            return None
        try:
            return date.fromisoformat(value[:10]) if len(value) >= 10 else date.fromisoformat(value)
        except ValueError:
            self.fail(f"'{name}' {value[:40]!r} is not a date (yyyy-mm-dd)")

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
        return moment.astimezone(UTC)


def _show(value):
    return f"{value!r:.60}" if isinstance(value, str | int | float | bool) else type(value).__name__
