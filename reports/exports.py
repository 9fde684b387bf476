"""CSV and XLSX downloads of exactly the rows a chart or table shows, and of raw stored rows.

CSV streams row by row; XLSX uses openpyxl's write-only mode, which keeps
memory flat whatever the number of rows. Raw downloads (`raw_download`) may
hold millions of rows: CSV streams them, XLSX is written by XlsxWriter in
constant-memory mode to a temporary file. Every text cell is formula-safe.
"""

import csv
import tempfile
from datetime import datetime

import xlsxwriter
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook

from dashboard.tables import cell

FORMATS = ("csv", "xlsx")  # the downloads of rows
REPORT_FORMATS = (*FORMATS, "pdf")  # a report page also prints as a PDF (reports/pdf.py)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_MAX_ROWS = 1_048_576  # rows per sheet, the header included
# A spreadsheet reads a cell starting with one of these as a formula (CSV injection)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe(value):
    """A text cell a spreadsheet will not run: one starting like a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def raw_cell(value):
    """A raw download's cell: instants as ISO 8601 with their offset in the display zone, text formula-safe."""
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat()
    return safe(value)


class _Echo:
    def write(self, value):
        return value


def csv_response(filename, columns, rows):
    writer = csv.writer(_Echo())

    def lines():
        yield writer.writerow([label for _key, label in columns])
        for row in rows:
            yield writer.writerow([safe(cell(row[key])) for key, _label in columns])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(filename, columns, rows, *, sheet="Report"):
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet[:31])
    worksheet.append([label for _key, label in columns])
    for row in rows:
        worksheet.append([safe(cell(row[key])) for key, _label in columns])
    spool = tempfile.TemporaryFile()
    workbook.save(spool)
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=f"{filename}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def download(fmt, filename, columns, rows, **kwargs):
    if fmt == "csv":
        return csv_response(filename, columns, rows)
    return xlsx_response(filename, columns, rows, **kwargs)


def raw_download(fmt, filename, columns, rows):
    """Raw stored rows (any iterable, read once) as a streamed CSV or a constant-memory XLSX."""
    if fmt == "csv":
        return raw_csv_response(filename, columns, rows)
    return raw_xlsx_response(filename, columns, rows)


def raw_csv_response(filename, columns, rows):
    writer = csv.writer(_Echo())

    def lines():
        yield writer.writerow([label for _key, label in columns])
        for row in rows:
            yield writer.writerow([raw_cell(row[key]) for key, _label in columns])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def raw_xlsx_response(filename, columns, rows, *, sheet_rows=XLSX_MAX_ROWS - 1):
    """XlsxWriter in constant-memory mode: each row is flushed to disk as soon as the next one starts.

    A sheet holds at most `sheet_rows` rows under its header; more continue on "Rows 2", "Rows 3"...
    """
    spool = tempfile.TemporaryFile()
    options = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    workbook = xlsxwriter.Workbook(spool, options)
    header = [label for _key, label in columns]
    worksheet, i = None, sheet_rows
    for row in rows:
        if i == sheet_rows:
            worksheet, i = workbook.add_worksheet(f"Rows {len(workbook.worksheets()) + 1}" if worksheet else "Rows"), 0
            worksheet.write_row(0, 0, header)
        i += 1
        worksheet.write_row(i, 0, [raw_cell(row[key]) for key, _label in columns])
    if worksheet is None:
        workbook.add_worksheet("Rows").write_row(0, 0, header)
    workbook.close()
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX_TYPE)
