"""BigFix Inventory pages: products overview, one product per computer system, one computer system."""

from django import forms
from django.http import Http404, HttpResponseBadRequest

from reports.charts import bigfix as charts
from reports.exports import cell
from reports.forms import PeriodForm
from reports.selectors import bigfix as selectors
from reports.views.common import figure_json, invalid_form, render_report


class BigfixForm(PeriodForm):
    """Reporting periods overlapping start..end, and the metric to chart (monthly periods only)."""

    metric = forms.ChoiceField(required=False)

    def __init__(self, data, *, metrics):
        super().__init__(data, latest=selectors.bigfix_latest_day(), default_days=366, granularities=["month"])
        self.metrics = metrics
        self.fields["metric"].choices = [("", "default")] + [(m, m) for m in metrics]

    def chosen_metric(self):
        return self.cleaned_data.get("metric") or (self.metrics[0] if self.metrics else "")


def _query(request, **changes):
    query = request.GET.copy()
    for key, value in changes.items():
        query[key] = value
    return "?" + query.urlencode()


def _tables(request, tables):
    """Each table's columns, cells and own CSV/XLSX links (?table=NAME&format=...)."""
    return {
        name: {
            "rows": rows,
            "columns": columns,
            "table_rows": [[cell(row[key]) for key, _label in columns] for row in rows],
            "csv": _query(request, table=name, format="csv"),
            "xlsx": _query(request, table=name, format="xlsx"),
        }
        for name, (rows, columns) in tables.items()
    }


def _report(request, template, *, form, tables, main, filename, **context):
    """render_report for a page with several downloadable tables; ?table= picks the download."""
    name = request.GET.get("table", main)
    if name not in tables:
        return HttpResponseBadRequest(f"Unknown table {name!r}: choose {', '.join(tables)}.", content_type="text/plain")
    rows, columns = tables[name]
    return render_report(
        request, template, form=form, rows=rows, columns=columns, filename=f"{filename}-{name}",
        tables=_tables(request, tables), **context,
    )  # fmt: skip


def _metric_tabs(request, form, metric):
    return [(m, _query(request, metric=m), m == metric) for m in form.metrics]


def _form(request, template, **context):
    metrics = selectors.bigfix_metrics()
    form = BigfixForm(request.GET, metrics=metrics)
    if not form.is_valid():
        return None, invalid_form(request, template, form, **context)
    return form, None


def overview(request):
    template = "reports/bigfix/overview.html"
    form, error = _form(request, template)
    if error:
        return error
    period, metric = form.period(), form.chosen_metric()
    series = selectors.bigfix_product_series(period, metric)
    peaks = selectors.bigfix_product_peaks(selectors.bigfix_product_series(period))
    top = selectors.bigfix_top_products(peaks, metric)
    tables = {
        "peaks": (peaks, selectors.PEAK_COLUMNS),
        "series": (series, selectors.SERIES_COLUMNS),
        "top": (top, selectors.TOP_COLUMNS),
        "systems": (selectors.bigfix_systems(period, metric), selectors.SYSTEM_COLUMNS),
    }
    return _report(
        request, template, form=form, tables=tables, main="peaks",
        filename=f"bigfix-{period.start}-{period.end}",
        figure=charts.product_series_figure(series, metric),
        top_json=figure_json(charts.top_products_figure(top, metric)) if top else None,
        period=period, metric=metric, tabs=_metric_tabs(request, form, metric),
        extra_filters=[("metric", metric)],
    )  # fmt: skip


def product(request, source_id, title_id):
    template = "reports/bigfix/product.html"
    title = selectors.bigfix_title(source_id, title_id)
    if title is None:
        raise Http404("No usage of this software title is stored")
    form, error = _form(request, template, title=title)
    if error:
        return error
    period, metric = form.period(), form.chosen_metric()
    rows = selectors.bigfix_product_systems(source_id, title_id, period, metric)
    return _report(
        request, template, form=form, tables={"systems": (rows, selectors.PRODUCT_SYSTEM_COLUMNS)}, main="systems",
        filename=f"bigfix-title{title_id}-{metric}-{period.start}-{period.end}",
        figure=charts.stacked_periods_figure(rows, "computer_system_id", "System", metric),
        title=title, period=period, metric=metric, tabs=_metric_tabs(request, form, metric),
        extra_filters=[("metric", metric)], summary=_summary(rows),
    )  # fmt: skip


def system(request, source_id, system_id):
    template = "reports/bigfix/system.html"
    if not selectors.bigfix_system_exists(source_id, system_id):
        raise Http404("No usage of this computer system is stored")
    form, error = _form(request, template, system_id=system_id)
    if error:
        return error
    period, metric = form.period(), form.chosen_metric()
    rows = selectors.bigfix_system_products(source_id, system_id, period, metric)
    return _report(
        request, template, form=form, tables={"products": (rows, selectors.SYSTEM_PRODUCT_COLUMNS)}, main="products",
        filename=f"bigfix-system{system_id}-{metric}-{period.start}-{period.end}",
        figure=charts.stacked_periods_figure(rows, "product", "", metric),
        system_id=system_id, source_id=source_id, period=period, metric=metric,
        tabs=_metric_tabs(request, form, metric), extra_filters=[("metric", metric)], summary=_summary(rows),
    )  # fmt: skip


def _summary(rows):
    """Per period sums of the rows' peaks: the highest one and the latest one."""
    if not rows:
        return None
    totals = {}
    for row in rows:
        totals[row["period_start"]] = totals.get(row["period_start"], 0) + row["peak"]
    highest = max(totals, key=totals.get)
    latest = max(totals)
    return {
        "highest": selectors.peak_number(totals[highest]),
        "highest_period": highest,
        "latest": selectors.peak_number(totals[latest]),
        "latest_period": latest,
        "periods": len(totals),
    }
