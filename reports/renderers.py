"""The outputs of a report, each rendered from its ReportData (reports/report.py).

- `page(request, report, data)`: the HTML page (its template, with the tables, charts as JSON and download links);
- `download(data, fmt, url)`: CSV or XLSX of exactly the rows the page tables (reports/exports.py writes them);
- `content(data, charts=...)`: what the email and the PDF both show (figures, charts, the first rows);
  reports/pdf.py prints it, reports/subscriptions/email.py mails it;
- `api_rows(data)`: the rows, columns, period and extra fields of the API's answer (reports/api/views.py).
"""

from django.http import HttpResponseBadRequest
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from dashboard.formats import metric_label, number_text, summary_keys, summary_label, summary_value
from dashboard.tables import Table, cell, columns_of, days_only, kind_of
from reports.charts.base import to_json
from reports.chromium import pdf_available
from reports.exports import REPORT_FORMATS, About
from reports.exports import download as write_download
from reports.page_cache import render_page

TABLE_ROWS = 25  # the rows an email or a PDF shows of the table (all of them are in the downloads)
# The escapes of Django's json_script, for JSON embedded in a <script> element.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def page(request, report, data, status=200):
    """The report's page: its template with the report's context, tables (a page of rows at a time: ?page=N,
    ?sort=KEY, or ?NAME_page= for each of several tables), charts as JSON and its download links."""
    context = {
        **data.context,
        "report": report,
        "form": data.form,
        "title": data.title,
        "source_name": data.source_name,
        "period": data.period,
        "summary": data.summary,
        "kpis": data.page_kpis(),
        "rows": data.rows if data.page_rows is None else data.page_rows,
        "columns": data.columns,
        "figure_json": figure_json(data.main_figure()),
        "table_rows": SimpleLazyObject(lambda: table_rows(data.columns, data.rows)),
        "table": (data.table or Table(columns_of(data.columns), data.rows)).paginate(request.GET),
        "csv_query": query_with(request.GET, format="csv"),
        "xlsx_query": query_with(request.GET, format="xlsx"),
        "pdf_query": pdf_query(request.GET),
    }
    for name in (*data.charts, *data.page_charts):
        context[f"{name}_json"] = figure_json(data.chart(name))
    if report.raw:
        context["raw_csv_query"] = query_with(request.GET, table="raw", format="csv")
        context["raw_xlsx_query"] = query_with(request.GET, table="raw", format="xlsx")
    if data.tables:
        context["tables"] = {table.name: _table_context(request.GET, table) for table in data.tables}
        context["table_title"] = data.table_title
    return render_page(request, report.template, context, status=status)


def _table_context(query, table):
    table.paginate(query, prefix=f"{table.name}_")
    return {
        "name": table.name,
        "title": table.title,
        "columns": table.pairs,
        "rows": table.rows,
        "count": len(table.rows),
        "table_rows": SimpleLazyObject(lambda: table_rows(table.pairs, table.rows)),
        "table": table,
        "csv": query_with(query, table=table.name, format="csv"),
        "xlsx": query_with(query, table=table.name, format="xlsx"),
        "pdf": pdf_query(query, table=table.name),
    }


def download(data, fmt, *, url=""):
    """The report's rows as CSV or XLSX, its About sheet saying what they are (`url`: the page they came from)."""
    sheet = data.sheet or data.filename
    return write_download(fmt, data.filename, data.columns, data.rows, sheet=sheet, about=about(data, url))


def about(data, url=""):
    """The About sheet of the report's download."""
    return About(
        title=" — ".join(filter(None, [data.title, data.table_title])),
        source=data.source_name,
        period=data.period,
        url=url,
    )


def content(data, *, charts, charts_note="", include_summary=True):
    """What the email and the PDF of a report both show (templates/emails/_report-content.html): its headline
    finding, its charts (each an image `src`), figures, summary and the first TABLE_ROWS rows of its table."""
    pairs, summary_table = summary_figures(data.summary) if include_summary else ([], None)
    rows, columns = data.rows, data.columns
    return {
        "headline": data.headline_text(),
        "period": data.period,
        "charts": list(charts),
        "charts_note": charts_note,
        "figures": pairs,
        "summary_table": summary_table,
        "labels": [label for _key, label in columns],
        "table": shown_rows(columns, rows[:TABLE_ROWS]),
        "row_count": len(rows),
        "more_rows": max(0, len(rows) - TABLE_ROWS),
        "generated_at": timezone.localtime(),
    }


def api_rows(data):
    """(rows, columns, period, extra fields) of the API's answer: the download's rows and columns."""
    extra = {"table": data.table_name} if data.tables else {}
    return data.rows, data.columns, data.period, {**extra, **data.api}


def text(value):
    """A cell as the page shows it, as text (the email's text part joins cells with " | ")."""
    value = cell(value)
    return "" if value is None else str(value)


def shown_rows(columns, rows):
    """The rows as the page's table shows them: numbers by their column's kind, BigFix metrics by their label."""
    kinds = [kind_of(column, [row[column[0]] for row in rows]) for column in columns]
    days = [days_only([row[column[0]] for row in rows]) for column in columns]
    return [
        [text(metric_label(row[key]) if key == "metric" else
              timezone.localtime(row[key]).date() if day and row[key] else number_text(cell(row[key]), kind))
         for (key, _label), kind, day in zip(columns, kinds, days, strict=True)]
        for row in rows
    ]  # fmt: skip


def summary_figures(summary):
    """The report's summary as (label, value) pairs, or a table of rows when it is one row per item."""
    if isinstance(summary, dict):  # names lead, ids are left out, numbers read as on the page (dashboard.formats)
        return [(summary_label(key), summary_value(key, cell(summary[key]))) for key in summary_keys(summary)], None
    if isinstance(summary, list) and summary and isinstance(summary[0], dict):
        keys = summary_keys(summary[0])
        return [], {
            "labels": [summary_label(k) for k in keys],
            "rows": [[summary_value(k, cell(r[k])) for k in keys] for r in summary],
        }
    return [], None


def table_rows(columns, rows):
    """The cells of `rows` as the page shows them (and the downloads hold them)."""
    return [[cell(row[key]) for key, _label in columns] for row in rows]


def figure_json(figure):
    """A figure (a dict in Plotly's figure schema) as compact JSON safe inside a <script type="application/json">."""
    if figure is None:
        return None
    return to_json(figure).translate(_JSON_SCRIPT_ESCAPES)


def query_with(query, **changes):
    """The query string ("?...") of `query` (a request's GET), with each of `changes` set."""
    query = query.copy()
    for key, value in changes.items():
        query[key] = value
    return "?" + query.urlencode()


def pdf_query(query, **changes):
    """The query string of the page's PDF, or None where Chromium is missing (the link then says why)."""
    return query_with(query, **changes, format="pdf") if pdf_available() else None


def page_url(request):
    """The page's URL without ?format= (a download's About sheet names it)."""
    query = request.GET.copy()
    query.pop("format", None)
    return request.build_absolute_uri(request.path + (f"?{query.urlencode()}" if query else ""))


def unknown_format(fmt, formats=REPORT_FORMATS):
    choices = f"{', '.join(formats[:-1])} or {formats[-1]}"
    return HttpResponseBadRequest(f"Unknown format {fmt!r}: choose {choices}.", content_type="text/plain")
