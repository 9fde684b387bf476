"""CSV and XLSX downloads of exactly the rows a chart or table shows.

CSV streams row by row; XLSX uses openpyxl's write-only mode, which keeps
memory flat whatever the number of rows.
"""

import csv
import tempfile

from django.http import FileResponse, StreamingHttpResponse
from openpyxl import Workbook

from dashboard.tables import cell

FORMATS = ("csv", "xlsx")


class _Echo:
    def write(self, value):
        return value


def csv_response(filename, columns, rows):
    writer = csv.writer(_Echo())

    def lines():
        yield writer.writerow([label for _key, label in columns])
        for row in rows:
            yield writer.writerow([cell(row[key]) for key, _label in columns])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(filename, columns, rows, *, sheet="Report"):
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet[:31])
    worksheet.append([label for _key, label in columns])
    for row in rows:
        worksheet.append([cell(row[key]) for key, _label in columns])
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
