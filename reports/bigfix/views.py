"""BigFix Inventory pages: products overview, one product per computer system, one computer system."""

from django.http import Http404
from django.utils.functional import SimpleLazyObject

from dashboard.formats import metric_label
from dashboard.tables import Kpi
from reports.bigfix import charts, selectors, tables
from reports.bigfix.forms import BigfixForm
from reports.overview.forecast import forecast_kpis
from reports.views.common import invalid_form, query_with, render_tables, source_names


def _metric_tabs(request, form, metric):
    return [(metric_label(m), query_with(request, metric=m), m == metric) for m in form.metrics]


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
    systems = selectors.bigfix_systems(period, metric)
    return render_tables(
        request, template, form=form,
        tables=tables.overview_tables(period, peaks=peaks, series=series, top=top, systems=systems), filename=f"bigfix-{period.start}-{period.end}",
        figure=lambda: charts.product_series_figure(series, metric),
        charts={"top_json": (lambda: charts.top_products_figure(top, metric)) if top else None},
        period=period, metric=metric, tabs=_metric_tabs(request, form, metric),
        extra_filters=[("metric", metric)], title="BigFix license usage", source_name=source_names(kind="bigfix"),
    )  # fmt: skip


def product(request, source_id, product_id):
    template = "reports/bigfix/product.html"
    product = selectors.bigfix_product(source_id, product_id)
    if product is None:
        raise Http404("No usage of this product is stored")
    form, error = _form(request, template, product=product)
    if error:
        return error
    period, metric = form.period(), form.chosen_metric()
    rows = selectors.bigfix_product_systems(source_id, product_id, period, metric)
    summary = _summary(rows)
    return render_tables(
        request, template, form=form, tables=[tables.product_systems_table(rows, period, metric, source_id)],
        filename=f"bigfix-product{product_id}-{metric}-{period.start}-{period.end}",
        figure=lambda: charts.stacked_periods_figure(rows, "computer_system_id", "System", metric),
        product=product, period=period, metric=metric, tabs=_metric_tabs(request, form, metric),
        title=f"{product['product']} ({metric_label(metric)})", source_name=source_names(pk=source_id),
        extra_filters=[("metric", metric)], summary=summary,
        kpis=SimpleLazyObject(lambda: _kpis(summary) + forecast_kpis("bigfix", f"{source_id}:{product_id}:{metric}")),
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
    summary = _summary(rows)
    return render_tables(
        request, template, form=form, tables=[tables.system_products_table(rows, period, metric)],
        filename=f"bigfix-system{system_id}-{metric}-{period.start}-{period.end}",
        figure=lambda: charts.stacked_periods_figure(rows, "product", "", metric),
        system_id=system_id, source_id=source_id, period=period, metric=metric,
        title=f"Computer system {system_id} ({metric_label(metric)})", source_name=source_names(pk=source_id),
        tabs=_metric_tabs(request, form, metric), extra_filters=[("metric", metric)], summary=summary,
        kpis=_kpis(summary),
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


def _kpis(summary):
    if not summary:
        return []
    return [
        Kpi(f"Highest period ({summary['highest_period']})", summary["highest"]),
        Kpi(f"Latest period ({summary['latest_period']})", summary["latest"]),
        Kpi("Reporting periods", summary["periods"]),
    ]


def home_card():
    """The context of this vendor's card on the home page."""
    return selectors.bigfix_home()
