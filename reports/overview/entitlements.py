"""Entering entitlements: one thing's form, and an import of the overview's CSV/XLSX download, all or nothing.

An import matches rows by `Key` ("kind:key", the download's column) and reads IMPORT_FIELDS; every other
column is ignored, so the download uploads as it is. A blank cell leaves the value as it is, and a cell equal to
what the row shows (the vendor's owned figure, the kind's usual unit) enters nothing: an Owned cell on a row whose
`Owned from` says "vendor" is entered only where it differs from the vendor's figure over the last 90 days. One bad cell (an unknown
key, a negative or non-numeric quantity or price, a bad date) rejects the whole file, naming its line and column.
"""

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django import forms
from django.db import transaction
from django.utils.module_loading import import_string

from ingest.vendors import VENDORS
from reports.overview.models import Entitlement, default_unit

MAX_BYTES = 10 * 1024 * 1024  # the largest file an import reads
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # an XLSX's parts, unpacked
MAX_ROWS = 100_000
LIMITS = {"owned": Decimal("1e14"), "price_per_year": Decimal("1e10"), "metered_rate": Decimal("1e8")}
# The download's columns an import reads, and the entitlement field each fills.
IMPORT_FIELDS = {
    "Owned": "owned",
    "Unit": "unit",
    "Price per unit per year": "price_per_year",
    "Metered rate per license-hour": "metered_rate",
    "Renews on": "renews_on",
    "Reference": "reference",
}
TEXT_LIMITS = {"unit": 30, "reference": 200}


class EntitlementForm(forms.ModelForm):
    """One thing's entitlement, as an admin edits it from the overview."""

    class Meta:
        model = Entitlement
        fields = ["owned", "unit", "price_per_year", "metered_rate", "renews_on", "reference", "notes"]
        widgets = {"renews_on": forms.DateInput(attrs={"type": "date"}), "notes": forms.Textarea(attrs={"rows": 3})}

    def clean(self):
        data = super().clean()
        for name, limit in LIMITS.items():
            if data.get(name) is not None and data[name] >= limit:
                self.add_error(name, f"Enter a number below {limit:,.0f}.")
        return data


def entitlement_save(entitlement, *, label=""):
    """Save an edited entitlement, or delete it when nothing is entered any more."""
    if label:
        entitlement.label = label[:300]
    if entitlement.is_empty():
        if entitlement.pk:
            entitlement.delete()
        return None
    entitlement.save()
    return entitlement


class ImportRejected(ValueError):
    """The file cannot be imported; the message names the line and column."""


@dataclass
class Change:
    key: str
    field: str
    old: object
    new: object

    def __str__(self):
        return f"{self.key}: {self.field} {_shown(self.old)} -> {_shown(self.new)}"


def _shown(value):
    return "blank" if value is None or value == "" else str(value)


def read_rows(data):
    """(header, [(line, [cells])]) of an uploaded CSV or XLSX (by its content, whatever its name says)."""
    if len(data) > MAX_BYTES:
        raise ImportRejected(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    rows = _xlsx_rows(data) if data[:4] == b"PK\x03\x04" else _csv_rows(data)
    header = next(rows, None)
    if header is None:
        raise ImportRejected("The file is empty.")
    header = [str(h).strip() if h is not None else "" for h in header]
    if "Key" not in header:
        raise ImportRejected("Line 1: no Key column (download the overview and fill that file in).")
    body = []
    for line, cells in enumerate(rows, start=2):
        if line > MAX_ROWS + 1:
            raise ImportRejected(f"The file has more than {MAX_ROWS:,} rows.")
        body.append((line, list(cells)))
    return header, body


def _csv_rows(data):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRejected("The file is neither an XLSX workbook nor UTF-8 CSV text.") from None
    return iter(csv.reader(io.StringIO(text, newline="")))


def _xlsx_rows(data):
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise ImportRejected("The workbook unpacks to more than 200 MB.")
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        if isinstance(exc, ImportRejected):
            raise
        raise ImportRejected("The file is not an XLSX workbook that can be read.") from None
    return iter(workbook.worksheets[0].iter_rows(values_only=True))


def known_keys():
    """The Key of every licensed thing stored and of every entitlement entered."""
    keys = {f"{v.kind}:{key}" for v in VENDORS for key in import_string(v.licensed_keys)()}
    return keys | {f"{kind}:{key}" for kind, key in Entitlement.objects.values_list("kind", "key")}


def import_entitlements(data, *, dry_run=False):
    """Read an overview download (the file's bytes) back into the entitlements; the changes made. All or nothing:
    ImportRejected, and nothing changed, at the first bad cell."""
    header, body = read_rows(data)
    columns = {label: header.index(label) for label in IMPORT_FIELDS if label in header}
    key_at, known = header.index("Key"), known_keys()
    from_at = header.index("Owned from") if "Owned from" in header else None
    parsed = []
    for line, cells in body:
        cells += [None] * (len(header) - len(cells))
        key = _text(cells[key_at])
        if not key and not any(_text(c) for c in cells):
            continue  # an empty line
        if key not in known:
            raise ImportRejected(f"Line {line}, column Key: no licensed thing has the key {key!r}.")
        values = {
            IMPORT_FIELDS[label]: _value(IMPORT_FIELDS[label], cells[i], line, label) for label, i in columns.items()
        }
        values = {f: v for f, v in values.items() if v is not None}
        if "owned" in values and from_at is not None and _text(cells[from_at]).lower() == "vendor":
            values["owned_from_vendor"] = True
        parsed.append((key, _label(header, cells), values))
    with transaction.atomic():
        changes = _apply(parsed)
        if dry_run:
            transaction.set_rollback(True)
        else:  # each entitlement's change is in the audit log too, by its own signal
            from dashboard.privacy.audit import record

            detail = "; ".join(str(c) for c in changes[:50]) + (
                f" and {len(changes) - 50} more" if len(changes) > 50 else ""
            )
            record("import", target_type="reports.Entitlement", target_repr=f"{len(changes)} changes", detail=detail)
    return changes


def _apply(parsed):
    from reports.overview.selectors import vendor_owned

    existing = {f"{e.kind}:{e.key}": e for e in Entitlement.objects.select_for_update()}
    vendor = vendor_owned() if any("owned" in values for _k, _l, values in parsed) else {}
    changes = []
    for key, label, values in parsed:
        kind, _, thing_key = key.partition(":")
        entitlement, changed = existing.get(key) or Entitlement(kind=kind, key=thing_key), False
        from_vendor = values.pop("owned_from_vendor", False)
        for field, new in values.items():
            old = getattr(entitlement, field)
            if field == "owned" and old is None and _vendors(new, vendor.get(key), from_vendor):
                continue
            if field == "unit" and not old and new == default_unit(kind, thing_key):
                continue
            if old != new:
                changes.append(Change(key, field, old, new))
                setattr(entitlement, field, new)
                changed = True
        if changed:
            existing[key] = entitlement_save(entitlement, label=label or entitlement.label) or Entitlement(
                kind=kind, key=thing_key
            )
    return changes


def _vendors(owned, vendor, from_vendor):
    """Whether an Owned cell is the vendor's figure as the download showed it, not an entry: equal to the vendor's
    figure now, or on a row saying "vendor" where the vendor reports none now (the download was of another period)."""
    return owned == vendor or (from_vendor and vendor is None)


def _label(header, cells):
    name = _text(cells[header.index("Licensed thing")]) if "Licensed thing" in header else ""
    server = _text(cells[header.index("Server")]) if "Server" in header else ""
    return f"{name} ({server})" if name and server else name


def _text(cell):
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return str(cell).strip()


def _value(field, cell, line, column):
    """The cell's value for `field`, None for a blank cell; a bad one fails naming its line and column."""
    if isinstance(cell, datetime):
        cell = cell.date()
    if field == "renews_on":
        return _date(cell, line, column)
    text = _text(cell)
    if not text:
        return None
    if field in TEXT_LIMITS:
        if len(text) > TEXT_LIMITS[field]:
            raise ImportRejected(f"Line {line}, column {column}: longer than {TEXT_LIMITS[field]} characters.")
        return text
    return _number(field, text, line, column)


def _date(cell, line, column):
    if isinstance(cell, date):
        return cell
    text = _text(cell)
    if not text:
        return None
    try:
        if len(text) != 10:  # fromisoformat also reads 20260304 and 2026-W10-3
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise ImportRejected(f"Line {line}, column {column}: {text[:40]!r} is not a date (YYYY-MM-DD).") from None


def _number(field, text, line, column):
    try:
        number = Decimal(text.replace(",", ""))
        if not number.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        raise ImportRejected(f"Line {line}, column {column}: {text[:40]!r} is not a number.") from None
    if number < 0:
        raise ImportRejected(f"Line {line}, column {column}: {text[:40]} is negative.")
    if number >= LIMITS[field]:
        raise ImportRejected(f"Line {line}, column {column}: {text[:40]} is too large.")
    places = Entitlement._meta.get_field(field).decimal_places
    return number.quantize(Decimal(1).scaleb(-places))
