"""CSV and XLSX downloads of exactly the rows a chart or table shows, and of raw stored rows.

CSV streams row by row: UTF-8, a header row, instants as ISO 8601 with their offset in the display
zone, dates as YYYY-MM-DD. XLSX is written by XlsxWriter in constant-memory mode to a temporary file
(each row is flushed as the next one starts, so raw downloads of millions of rows keep memory flat):
a bold, frozen header with an autofilter, dates and times as Excel dates in the display zone, numbers
as numbers formatted by their column's kind (dashboard.tables.kind_of), widths fitted to the first
rows, and an "About" sheet saying what the download is. Every text cell is formula-safe.
"""

import csv
import math
import re
import tempfile
from dataclasses import dataclass
from datetime import date, datetime, time
from itertools import chain, islice
from typing import Any

import xlsxwriter
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

from dashboard.tables import cell, is_number, kind_of

__all__ = ["FORMATS", "About", "cell", "csv_response", "download", "raw_download", "safe", "xlsx_response"]

FORMATS = ("csv", "xlsx")  # the downloads of rows
REPORT_FORMATS = (*FORMATS, "pdf")  # a report page also prints as a PDF (reports/pdf.py)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_MAX_ROWS = 1_048_576  # rows per sheet, the header included
# A spreadsheet reads a cell starting with one of these as a formula (CSV injection)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Text stays text: XlsxWriter turns nothing into a formula, a link or a number
XLSX_OPTIONS = {
    "constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
}  # fmt: skip
NUMBER_FORMATS = {
    "int": "#,##0", "id": "0", "decimal": "0.00", "percent": "0.0%",
    "date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm", "time": "hh:mm:ss",
}  # fmt: skip
WIDTH_ROWS = 100  # column widths fit the header and these first rows (constant-memory sheets set widths first)
WIDTHS = {"date": 10, "datetime": 16, "time": 8}
MIN_WIDTH, MAX_WIDTH = 6, 60


def safe(value):
    """A text cell a spreadsheet will not run: one starting like a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_cell(value):
    """A CSV cell: instants as ISO 8601 with their offset in the display zone, dates as YYYY-MM-DD, text formula-safe."""
    if isinstance(value, datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return safe(value)


@dataclass(frozen=True)
class About:
    """What a download's "About" sheet says: the report, its source, its period and the page it came from."""

    title: str = ""
    source: str = ""
    period: Any = None  # a reports.periods.Period (start, end, granularity), or None
    url: str = ""

    def rows(self):
        period = self.period
        return [
            ("Report", self.title or "—"),
            ("Source", str(self.source or "—")),
            ("Period", f"{period.start.isoformat()} – {period.end.isoformat()}" if period else "—"),
            ("Granularity", period.granularity if period else "—"),
            ("Time zone", timezone.get_current_timezone_name()),
            ("Generated at", timezone.localtime().isoformat(timespec="seconds")),
            ("Page", self.url or "—"),
        ]


class _Echo:
    def write(self, value):
        return value


def download(fmt, filename, columns, rows, *, sheet="Report", about=None):
    """The rows a report shows (read once), under `columns` ((key, label) pairs), as CSV or XLSX."""
    if fmt == "csv":
        return csv_response(filename, columns, rows)
    return xlsx_response(filename, columns, rows, sheet=sheet, about=about)


def raw_download(fmt, filename, columns, rows, *, about=None):
    """Raw stored rows (any iterable, read once) as a streamed CSV or a constant-memory XLSX; the audit log
    says who downloaded which."""
    from dashboard.privacy.audit import record

    record("raw download", target_type="download", target_repr=f"{filename}.{fmt}", detail=about.url if about else "")
    return download(fmt, filename, columns, rows, sheet="Rows", about=about)


def csv_response(filename, columns, rows):
    writer = csv.writer(_Echo())

    def lines():
        yield writer.writerow([label for _key, label in columns])
        for row in rows:
            yield writer.writerow([csv_cell(row[key]) for key, _label in columns])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(filename, columns, rows, *, sheet="Report", about=None, sheet_rows=XLSX_MAX_ROWS - 1):
    """The rows on a sheet named `sheet`; past `sheet_rows` rows under its header they continue on "<sheet> 2"..."""
    rows = iter(rows)
    first = list(islice(rows, WIDTH_ROWS))
    keys = [key for key, _label in columns]
    samples = [[row[key] for row in first] for key in keys]
    kinds = [kind_of(column, values) for column, values in zip(columns, samples, strict=True)]
    widths = [_width(c[1], kind, values) for c, kind, values in zip(columns, kinds, samples, strict=True)]
    spool = tempfile.TemporaryFile()
    workbook = xlsxwriter.Workbook(spool, XLSX_OPTIONS)
    book = _Book(workbook, _sheet_name(sheet), [label for _key, label in columns], widths)
    formats = {name: workbook.add_format({"num_format": spec}) for name, spec in NUMBER_FORMATS.items()}
    cells = [_Cells(kind, formats) for kind in kinds]
    for row in chain(first, rows):
        worksheet, i = book.next_row(sheet_rows)
        for j, (key, write) in enumerate(zip(keys, cells, strict=True)):
            write(worksheet, i, j, row[key])
    book.close()
    _about_sheet(workbook, about or About())
    workbook.close()
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX_TYPE)


class _Book:
    """The data sheets of a workbook: each with a bold frozen header, fitted widths and an autofilter."""

    def __init__(self, workbook, name, header, widths):
        self.workbook, self.name, self.header, self.widths = workbook, name, header, widths
        self.bold = workbook.add_format({"bold": True})
        self.worksheet, self.row = None, 0
        self.sheets = 0

    def next_row(self, sheet_rows):
        if self.worksheet is None or self.row == sheet_rows:
            self._start()
        self.row += 1
        return self.worksheet, self.row

    def close(self):
        if self.worksheet is None:
            self._start()
        self._finish()

    def _start(self):
        if self.worksheet is not None:
            self._finish()
        self.sheets += 1
        name = self.name if self.sheets == 1 else f"{self.name[:25]} {self.sheets}"
        self.worksheet, self.row = self.workbook.add_worksheet(name), 0
        for j, width in enumerate(self.widths):  # before any row: constant-memory sheets write rows as they go
            self.worksheet.set_column(j, j, width)
        self.worksheet.write_row(0, 0, self.header, self.bold)
        self.worksheet.freeze_panes(1, 0)

    def _finish(self):
        self.worksheet.autofilter(0, 0, self.row, max(len(self.header) - 1, 0))


class _Cells:
    """Writes one column's cells: by the value's type, numbers formatted by the column's kind."""

    def __init__(self, kind, formats):
        self.kind, self.formats = kind, formats
        self.zone = timezone.get_current_timezone()

    def __call__(self, worksheet, i, j, value):
        if value is None or value == "":
            return
        if isinstance(value, str) and self.kind in ("date", "datetime"):
            value = _parse(value, self.kind)
        if isinstance(value, datetime):
            local = value.astimezone(self.zone) if value.tzinfo is not None else value
            worksheet.write_datetime(i, j, local.replace(tzinfo=None), self.formats["datetime"])
        elif isinstance(value, date):
            worksheet.write_datetime(i, j, value, self.formats["date"])
        elif isinstance(value, time):
            worksheet.write_datetime(i, j, value.replace(tzinfo=None), self.formats["time"])
        elif isinstance(value, bool):
            worksheet.write_boolean(i, j, value)
        elif is_number(value) and math.isfinite(value):
            worksheet.write_number(i, j, *self._number(float(value)))
        else:
            worksheet.write_string(i, j, safe(str(value)))

    def _number(self, number):
        if self.kind == "percent":
            return number / 100, self.formats["percent"]
        if self.kind in ("int", "id") and not number.is_integer():
            return number, self.formats["decimal"]
        return number, self.formats.get(self.kind if self.kind in ("int", "id", "decimal") else "decimal")


def _parse(text, kind):
    """ISO date (or datetime) text, as some selectors keep vendor calendar dates, as a date; other text stays text."""
    try:
        return date.fromisoformat(text) if kind == "date" else datetime.fromisoformat(text)
    except ValueError:
        return text


def _width(label, kind, values):
    if kind in WIDTHS:
        longest = WIDTHS[kind]
    else:
        longest = max((len(_shown(value, kind)) for value in values if value is not None), default=0)
    return min(MAX_WIDTH, max(MIN_WIDTH, len(str(label)), longest) + 2)


def _shown(value, kind):
    if is_number(value) and kind in ("int", "decimal", "percent"):
        return f"{value:,.2f}"
    return str(value)


def _sheet_name(name):
    """A valid sheet name: Excel refuses []:*?/\\ and more than 31 characters."""
    name = re.sub(r"[\[\]:*?/\\]", "_", str(name)).strip("'")[:31]
    return name if name and name.lower() != "about" else "Report"


def _about_sheet(workbook, about):
    worksheet = workbook.add_worksheet("About")
    bold = workbook.add_format({"bold": True})
    worksheet.set_column(0, 0, 14)
    worksheet.set_column(1, 1, 60)
    for i, (label, value) in enumerate(about.rows()):
        worksheet.write_string(i, 0, label, bold)
        worksheet.write_string(i, 1, str(safe(value)))
