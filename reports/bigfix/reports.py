"""The BigFix Inventory reports: products overview, one product per computer system, one computer system."""

from django.db.models import Max, Min
from django.http import Http404

from dashboard.formats import metric_label
from dashboard.tables import Kpi
from ingest.vendors.bigfix.models import BigfixUsage
from reports import headlines
from reports.bigfix import charts, selectors, tables
from reports.bigfix.forms import BigfixForm
from reports.overview.forecast import forecast_kpis, owned_of
from reports.renderers import query_with
from reports.report import Report, ReportData, source_names


class _BigfixReport(Report):
    form_class = BigfixForm

    @classmethod
    def example(cls):
        """Every stored reporting period (its data has its calendar: monthly periods), of the first usage row's
        metric, and the URL's objects that row names (`example_kwargs`)."""
        usage = BigfixUsage.objects.order_by("source_id", "software_title_id", "computer_system_id").first()
        if usage is None:
            return None
        periods = BigfixUsage.objects.aggregate(
            start=Min("reporting_period_start_date"), end=Max("reporting_period_end_date")
        )
        period = {"start": periods["start"].isoformat(), "end": periods["end"].isoformat(), "granularity": "month"}
        return cls.example_kwargs(usage), {**period, "metric": usage.metric_name}

    @classmethod
    def example_kwargs(cls, usage):
        return {}

    def form(self, params):
        return BigfixForm(params, metrics=selectors.bigfix_metrics())

    def metric_context(self, form, params, metric):
        tabs = [(metric_label(m), query_with(params, metric=m), m == metric) for m in form.metrics]
        return {"metric": metric, "tabs": tabs, "extra_filters": [("metric", metric)]}


class Overview(_BigfixReport):
    """Every product's peaks per period, the top products, and the computer systems."""

    name = "bigfix"
    path = ""
    template = "reports/bigfix/overview.html"
    api_route = "reports/bigfix"
    api_summary = "BigFix products' peaks, series, top products and systems."
    tables = ("peaks", "series", "top", "systems")

    def build_data(self, form, params):
        period, metric = form.period(), form.chosen_metric()
        series = selectors.bigfix_product_series(period, metric)
        peaks = selectors.bigfix_product_peaks(selectors.bigfix_product_series(period))
        top = selectors.bigfix_top_products(peaks, metric)
        systems = selectors.bigfix_systems(period, metric)
        return ReportData.of_tables(
            tables.overview_tables(period, peaks=peaks, series=series, top=top, systems=systems),
            filename=f"bigfix-{period.start}-{period.end}",
            title="BigFix license usage",
            period=period,
            source_name=source_names(kind="bigfix"),
            figure=lambda: charts.product_series_figure(series, metric),
            charts={"top": (lambda: charts.top_products_figure(top, metric)) if top else None},
            headline=lambda: _top_headline(top, metric, period),
            context=self.metric_context(form, params, metric),
        )


class _StackedReport(_BigfixReport):
    """One thing's peaks per period, stacked by what `stack` names: one table, a summary of per-period sums."""

    stack = ("", "")  # the rows' key and the legend's label of what the chart stacks

    def rows(self, period, metric):
        raise NotImplementedError

    def table(self, rows, period, metric):
        raise NotImplementedError

    def naming(self, period, metric):
        """(filename, title) of the report."""
        raise NotImplementedError

    def forecasts(self, metric):
        """The KPIs forecasting when use reaches what is owned (reports.overview.forecast), if any."""
        return []

    def owned(self, metric):
        """What is owned of the thing (its entitlement), if anything is entered."""
        return None

    def headline(self, summary, period, metric):
        """The highest period's peak, against what is owned."""
        name = self.naming(period, metric)[1]
        if not summary:
            return headlines.nothing(f"usage of {name}", period)
        when = f" in the period from {summary['highest_period']}"
        return headlines.peaked(
            name, summary["highest"], owned=self.owned(metric), unit=metric_label(metric), when=when
        )

    def build_data(self, form, params):
        period, metric = form.period(), form.chosen_metric()
        rows = self.rows(period, metric)
        summary = _summary(rows)
        filename, title = self.naming(period, metric)
        return ReportData.of_tables(
            [self.table(rows, period, metric)],
            filename=filename,
            title=title,
            period=period,
            source_name=source_names(pk=self.source_id),
            figure=lambda: charts.stacked_periods_figure(rows, *self.stack, metric),
            summary=summary,
            headline=lambda: self.headline(summary, period, metric),
            kpis=lambda: _kpis(summary) + self.forecasts(metric),
            context=self.metric_context(form, params, metric),
        )


class Product(_StackedReport):
    """A product's peak per computer system and period."""

    name = "bigfix_product"
    path = "<int:source_id>/products/<int:product_id>/"
    template = "reports/bigfix/product.html"
    api_route = "reports/bigfix/<int:source_id>/products/<int:product_id>"
    api_summary = "A BigFix product's peak per computer system and period."
    tables = ("systems",)
    stack = ("computer_system_id", "System")

    @classmethod
    def example_kwargs(cls, usage):
        return {"source_id": usage.source_id, "product_id": usage.software_title_id}

    def setup(self, source_id, product_id):
        self.product = selectors.bigfix_product(source_id, product_id)
        if self.product is None:
            raise Http404("No usage of this product is stored")
        self.source_id, self.product_id = source_id, product_id
        return {"product": self.product}

    def rows(self, period, metric):
        return selectors.bigfix_product_systems(self.source_id, self.product_id, period, metric)

    def table(self, rows, period, metric):
        return tables.product_systems_table(rows, period, metric, self.source_id)

    def naming(self, period, metric):
        return (
            f"bigfix-product{self.product_id}-{metric}-{period.start}-{period.end}",
            f"{self.product['product']} ({metric_label(metric)})",
        )

    def forecasts(self, metric):
        return forecast_kpis("bigfix", f"{self.source_id}:{self.product_id}:{metric}")

    def owned(self, metric):
        return owned_of("bigfix", f"{self.source_id}:{self.product_id}:{metric}")


class System(_StackedReport):
    """A computer system's peak per product and period."""

    name = "bigfix_system"
    path = "<int:source_id>/systems/<int:system_id>/"
    template = "reports/bigfix/system.html"
    api_route = "reports/bigfix/<int:source_id>/systems/<int:system_id>"
    api_summary = "A BigFix computer system's peak per product and period."
    tables = ("products",)
    stack = ("product", "")

    @classmethod
    def example_kwargs(cls, usage):
        return {"source_id": usage.source_id, "system_id": usage.computer_system_id}

    def setup(self, source_id, system_id):
        if not selectors.bigfix_system_exists(source_id, system_id):
            raise Http404("No usage of this computer system is stored")
        self.source_id, self.system_id = source_id, system_id
        return {"system_id": system_id, "source_id": source_id}

    def rows(self, period, metric):
        return selectors.bigfix_system_products(self.source_id, self.system_id, period, metric)

    def table(self, rows, period, metric):
        return tables.system_products_table(rows, period, metric)

    def naming(self, period, metric):
        return (
            f"bigfix-system{self.system_id}-{metric}-{period.start}-{period.end}",
            f"Computer system {self.system_id} ({metric_label(metric)})",
        )


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


def _top_headline(top, metric, period):
    """The product with the highest peak of the metric, against what is owned of it."""
    if not top:
        return headlines.nothing(f"{metric_label(metric)} usage", period)
    p = top[0]
    owned = owned_of("bigfix", f"{p['source_id']}:{p['software_title_id']}:{metric}")
    when = f" in the period from {p['peak_period']}"
    return headlines.peaked(p["product"], p["peak"], owned=owned, unit=metric_label(metric), when=when)


def _kpis(summary):
    if not summary:
        return []
    return [
        Kpi(f"Highest period ({summary['highest_period']})", summary["highest"]),
        Kpi(f"Latest period ({summary['latest_period']})", summary["latest"]),
        Kpi("Reporting periods", summary["periods"]),
    ]
