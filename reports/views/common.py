"""What every report view shares: the period form, the download formats, the embedded figure."""

from django.http import HttpResponseBadRequest
from django.shortcuts import render

from reports.exports import FORMATS, cell, download

# The escapes of Django's json_script, for JSON that plotly serialised itself.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def render_report(request, template, *, form, rows, columns, filename, figure=None, status=200, **context):
    """Render a report page, or its CSV/XLSX download when ?format= asks for one.

    The download is built from the very rows the page charts and tables.
    """
    fmt = request.GET.get("format")
    if fmt:
        if fmt not in FORMATS:
            return HttpResponseBadRequest(f"Unknown format {fmt!r}: choose csv or xlsx.", content_type="text/plain")
        return download(fmt, filename, columns, rows, sheet=filename)
    context.update(
        form=form,
        rows=rows,
        columns=columns,
        figure_json=figure_json(figure),
        table_rows=[[cell(row[key]) for key, _label in columns] for row in rows],
        csv_query=_with_format(request, "csv"),
        xlsx_query=_with_format(request, "xlsx"),
    )
    return render(request, template, context, status=status)


def invalid_form(request, template, form, **context):
    """A bad query string gets the page back with its errors and a 400, never a 500."""
    return render(request, template, {"form": form, "rows": [], **context}, status=400)


def _with_format(request, fmt):
    query = request.GET.copy()
    query["format"] = fmt
    return "?" + query.urlencode()


def figure_json(figure):
    """A plotly figure as JSON that is safe inside a <script type="application/json"> element."""
    return figure.to_json().translate(_JSON_SCRIPT_ESCAPES) if figure is not None else None
