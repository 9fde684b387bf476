"""What every report view shares: the period form, the download formats, the embedded figure, the tables."""

import re

from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject

from dashboard.tables import Table, cell, columns_of
from ingest.models import Source
from reports.charts.base import to_json
from reports.exports import REPORT_FORMATS, About, download

# The escapes of Django's json_script, for JSON embedded in a <script> element.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def render_report(request, template, *, form, rows, columns, filename, figure=None, charts=None, status=200, **context):
    """Render a report page, or its CSV/XLSX/PDF download when ?format= asks for one.

    The download is built from the very rows the page charts and tables. The page's `table` is
    the rows under `columns` unless the view declares its own (a dashboard.tables.Table); it shows
    a page of rows at a time (?page=N, ?sort=KEY; see Table.paginate). The context's `title`,
    `source_name` and `period` say what a download is (its About sheet).

    `figure` (the page's chart) and `charts` (other figures by context name, e.g. {"top_json": ...}) may be
    functions that build them: they are called only for a page or an email, never for a download.
    """
    if getattr(request, "capture_report", False):
        return CapturedReport(
            form=form, rows=rows, columns=columns, filename=filename, figure=_built(figure),
            **_chart_context(charts), **context,
        )  # fmt: skip
    fmt = request.GET.get("format")
    if fmt:
        if fmt not in REPORT_FORMATS:
            return unknown_format(fmt)
        if fmt == "pdf":
            report = dict(
                form=form, rows=rows, columns=columns, filename=filename, figure=_built(figure),
                **_chart_context(charts), **context,
            )  # fmt: skip
            return pdf_download(request, template, report)
        return download(fmt, filename, columns, rows, sheet=filename, about=report_about(context, request))
    context.update(
        form=form,
        rows=rows,
        columns=columns,
        figure_json=figure_json(_built(figure)),
        table_rows=SimpleLazyObject(lambda: table_rows(columns, rows)),
        table=(context.get("table") or Table(columns_of(columns), rows)).paginate(request.GET),
        csv_query=query_with(request, format="csv"),
        xlsx_query=query_with(request, format="xlsx"),
        **_chart_context(charts),
        pdf_query=pdf_query(request),
    )
    return render(request, template, context, status=status)


def _built(figure):
    return figure() if callable(figure) else figure


def _chart_context(charts):
    return {name: figure_json(_built(figure)) for name, figure in (charts or {}).items()}


def report_about(context, request=None):
    """The About sheet of a report's download, from the view's context (or a captured report), and the page's
    URL without ?format= (an email gives its own link)."""
    return About(
        title=" — ".join(filter(None, [context.get("title", ""), context.get("table_title", "")])),
        source=context.get("source_name", ""),
        period=context.get("period"),
        url=page_url(request) if request else "",
    )


def source_names(**filters):
    """The names of the sources a report reads (Source filters), for its download's About sheet."""
    return ", ".join(Source.objects.filter(**filters).order_by("name").values_list("name", flat=True))


def page_url(request):
    query = request.GET.copy()
    query.pop("format", None)
    return request.build_absolute_uri(request.path + (f"?{query.urlencode()}" if query else ""))


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
    and each shows a page of rows at a time (?NAME_page=N, ?NAME_sort=KEY; see Table.paginate),
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
    # a download, or the API's capture of a table (reports/api/), reads the table ?table= names
    chosen = by_name[name] if request.GET.get("format") or getattr(request, "capture_report", False) else first
    filename = filename.replace("{table}", name) if "{table}" in filename else f"{filename}-{name}"
    if not request.GET.get("format"):
        context["tables"] = {table.name: _table_context(request, table) for table in tables}
    context["table_title"] = chosen.title or chosen.name  # the download's About sheet names its table
    return render_report(
        request, template, form=form, rows=chosen.rows, columns=chosen.pairs, figure=figure,
        filename=re.sub(r"[^A-Za-z0-9._-]+", "_", filename), **context,
    )  # fmt: skip


def _table_context(request, table):
    table.paginate(request.GET, prefix=f"{table.name}_")
    return {
        "name": table.name,
        "title": table.title,
        "columns": table.pairs,
        "rows": table.rows,
        "count": len(table.rows),
        "table_rows": SimpleLazyObject(lambda: table_rows(table.pairs, table.rows)),
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
    """A figure (a dict in Plotly's figure schema) as compact JSON safe inside a <script type="application/json">."""
    if figure is None:
        return None
    return to_json(figure).translate(_JSON_SCRIPT_ESCAPES)
