"""Reading downloads back, for the tests that compare a CSV or XLSX download with its page (or each other)."""

import csv
import io
from datetime import date, datetime

from django.utils import timezone
from openpyxl import load_workbook


def content(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_rows(response, *, streaming=False):
    """The CSV's rows of text, header first (STREAMING: the response must be a streamed one)."""
    assert response.status_code == 200, content(response)[:300]
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.streaming or not streaming, "the CSV was not streamed"
    return list(csv.reader(io.StringIO(content(response).decode("utf-8"))))


def csv_dicts(response):
    """The CSV's rows as {header: text}."""
    header, *rows = csv_rows(response)
    return [dict(zip(header, row, strict=True)) for row in rows]


def xlsx_book(response):
    """The XLSX as an openpyxl workbook, read with its styles (cell formats, freeze panes, filters)."""
    assert response.status_code == 200, content(response)[:300]
    return load_workbook(io.BytesIO(content(response)))


def xlsx_rows(response, sheet=None):
    """The values of the first sheet (or SHEET), header first."""
    book = xlsx_book(response)
    return [list(row) for row in (book[sheet] if sheet else book.worksheets[0]).iter_rows(values_only=True)]


def comparable(rows):
    """Cells as values, whichever download (or page) they come from: numbers as floats, instants and dates as
    the display zone's naive datetimes to the minute (an XLSX has no zones; a CSV gives the offset; a page
    shows local time to the minute), blanks as ""."""
    return [[_value(v) for v in row] for row in rows]


def _value(value):
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            pass
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return local.replace(tzinfo=None, second=0, microsecond=0)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else value
