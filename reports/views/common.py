"""What every report view shares: the period form, the download formats, the embedded figure, the tables."""

import json
import re

from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import render

from dashboard.tables import Table, cell, columns_of
from reports.exports import REPORT_FORMATS, download

# The escapes of Django's json_script, for JSON that plotly serialised itself.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def render_report(request, template, *, form, rows, columns, filename, figure=None, status=200, **context):
    """Render a report page, or its CSV/XLSX/PDF download when ?format= asks for one.

    The download is built from the very rows the page charts and tables. The page's `table` is
    the rows under `columns` unless the view declares its own (a dashboard.tables.Table).
    """
    if getattr(request, "capture_report", False):
        return CapturedReport(form=form, rows=rows, columns=columns, filename=filename, figure=figure, **context)
    fmt = request.GET.get("format")
    if fmt:
        if fmt not in REPORT_FORMATS:
            return unknown_format(fmt)
        if fmt == "pdf":
            report = dict(form=form, rows=rows, columns=columns, filename=filename, figure=figure, **context)
            return pdf_download(request, template, report)
        return download(fmt, filename, columns, rows, sheet=filename)
    context.update(
        form=form,
        rows=rows,
        columns=columns,
        figure_json=figure_json(figure),
        table_rows=table_rows(columns, rows),
        table=context.get("table") or Table(columns_of(columns), rows),
        csv_query=query_with(request, format="csv"),
        xlsx_query=query_with(request, format="xlsx"),
        pdf_query=pdf_query(request),
    )
    return render(request, template, context, status=status)


def unknown_format(fmt, formats=REPORT_FORMATS):
    choices = f"{', '.join(formats[:-1])} or {formats[-1]}"
    return HttpResponseBadRequest(f"Unknown format {fmt!r}: choose {choices}.", content_type="text/plain")


def pdf_download(request, template, report):
    from reports.pdf import report_pdf  # reports.pdf reads the email's HTML, whose capture imports this module

    return report_pdf(request, template, report)


def pdf_query(request, **changes):
    """The query string of the page's PDF, or None where Chromium is missing (the link then says why)."""
    from reports.pdf import pdf_available

    return query_with(request, **changes, format="pdf") if pdf_available() else None


class CapturedReport(HttpResponse):
    """What a report view would render, handed back instead of a page (see reports.subscriptions.capture).

    render_report returns one when the request asks for it, so an emailed report reads the same
    view and selectors as the page and its download, for every vendor, without a copy per report.
    """

    def __init__(self, *, form, status=200, **report):
        super().__init__(status=status)
        self.form = form
        self.report = report


def render_tables(request, template, *, form, tables, filename, figure=None, **context):
    """Render a page with several tables, or download the one ?table=NAME names (the first by default).

    `tables` is a list of dashboard.tables.Table, each with a name; the first holds the chart's rows,
    and is the page's `rows`/`columns` (and the download of its period form). The page gets `tables`,
    a dict by name of each table's name, title, columns, rows, formatted `table_rows`, `count`, its
    own `csv`/`xlsx` query strings and the declared `table` the partial draws. `{table}` in `filename`
    becomes the table's name, else "-NAME" is appended. An unknown table re-renders the page with
    the error and a 400.
    """
    by_name = {table.name: table for table in tables}
    first = tables[0]
    name = request.GET.get("table") or first.name
    if name not in by_name:
        form.add_error(None, f"Unknown table {name!r}: choose one of {', '.join(by_name)}.")
        return invalid_form(request, template, form, **context)
    chosen = by_name[name] if request.GET.get("format") else first
    filename = filename.replace("{table}", name) if "{table}" in filename else f"{filename}-{name}"
    context["tables"] = {table.name: _table_context(request, table) for table in tables}
    return render_report(
        request, template, form=form, rows=chosen.rows, columns=chosen.pairs, figure=figure,
        filename=re.sub(r"[^A-Za-z0-9._-]+", "_", filename), **context,
    )  # fmt: skip


def _table_context(request, table):
    return {
        "name": table.name,
        "title": table.title,
        "columns": table.pairs,
        "rows": table.rows,
        "count": len(table.rows),
        "table_rows": table_rows(table.pairs, table.rows),
        "table": table,
        "csv": query_with(request, table=table.name, format="csv"),
        "xlsx": query_with(request, table=table.name, format="xlsx"),
        "pdf": pdf_query(request, table=table.name),
    }


def table_rows(columns, rows):
    """The cells of `rows` as the page shows them (and the downloads hold them)."""
    return [[cell(row[key]) for key, _label in columns] for row in rows]


def invalid_form(request, template, form, **context):
    """A bad query string gets the page back with its errors and a 400, never a 500."""
    if getattr(request, "capture_report", False):
        return CapturedReport(form=form, status=400)
    return render(request, template, {"form": form, "rows": [], **context}, status=400)


def query_with(request, **changes):
    """The request's query string ("?..."), with each of `changes` set."""
    query = request.GET.copy()
    for key, value in changes.items():
        query[key] = value
    return "?" + query.urlencode()


def figure_json(figure):
    """A plotly figure (or a dict in Plotly's figure schema) as JSON safe inside a <script type="application/json">."""
    if figure is None:
        return None
    text = json.dumps(figure, separators=(",", ":")) if isinstance(figure, dict) else figure.to_json()
    return text.translate(_JSON_SCRIPT_ESCAPES)
