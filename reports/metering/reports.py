"""The Metering service reports: tenants, one tenant (by location, user or application), one location."""

from django.http import Http404
from django.urls import reverse

from dashboard.privacy.names import SHOWN, names_for
from dashboard.tables import Column, Kpi, Table, columns_of
from ingest.vendors.metering.models import MeteringInterval
from reports import headlines
from reports.forms import PeriodForm
from reports.metering import selectors
from reports.metering.charts import active_hours_figure, series_groups
from reports.metering.forms import BY_CHOICES, TenantForm
from reports.overview.forecast import forecast_kpis
from reports.periods import chart_period
from reports.renderers import query_with
from reports.report import Report, ReportData, source_names

TITLE = "Metering Service"


class _MeteringReport(Report):
    def query(self, params):
        """The query, with day buckets unless a granularity (even auto) was chosen: hours over a month are noise."""
        data = params.copy()
        data.setdefault("granularity", "day")
        return data

    def data(self, tables, *, filename, series, period, by, names=SHOWN, filters=None, context=None, **fields):
        figure, note = chart(series, period, by, names=names, **(filters or {}))
        return ReportData.of_tables(
            tables, filename=filename, period=period, source_name=source_names(kind="metering"), figure=figure,
            context={"chart_note": note, **(context or {})}, **fields,
        )  # fmt: skip


class Overview(_MeteringReport):
    """Active hours per tenant and period, and per tenant; every tenant known."""

    name = "metering"
    path = ""
    template = "reports/metering/overview.html"
    api_route = "reports/metering"
    api_summary = "Active hours per tenant and period, or per tenant."
    form_class = PeriodForm
    tables = ("series", "tenants")

    def form(self, params):
        return PeriodForm(self.query(params), latest=selectors.metering_latest_day())

    def build_data(self, form, params):
        period = form.period()
        intervals = selectors.metering_intervals(period)  # grouped by tenant: names nobody
        series = selectors.metering_series(period, period.granularity, "tenant")
        tables = [
            Table(columns_of(selectors.SERIES_COLUMNS), series, "series", "Active hours per tenant and period"),
            Table(
                columns_of(selectors.TENANT_COLUMNS),
                selectors.metering_hours_by(intervals, "tenant"),
                "tenants",
                "Active hours per tenant",
            ),
        ]
        return self.data(
            tables, filename=f"metering-{period.start}-{period.end}", series=series, period=period, by="tenant",
            title=TITLE, context={"known": tenants_table(selectors.metering_tenants())},
            headline=lambda: _busiest_headline("Tenant", tables[1].rows, period),
        )  # fmt: skip


def tenants_table(tenants):
    """Every tenant whatever the range, linked to its page."""
    return Table(
        [
            Column("tenant", "Tenant", link="reports:metering_tenant", link_args=("tenant",)),
            Column("locations", "Locations"),
            Column("active", "Active now"),
            Column("first", "First event", format="Y-m-d H:i"),
            Column("last", "Last event", format="Y-m-d H:i"),
        ],
        tenants,
        sortable=False,
    )


class Tenant(_MeteringReport):
    """A tenant's active hours per period (by location, user or application), its locations, users, applications."""

    name = "metering_tenant"
    path = "<str:tenant>/"
    template = "reports/metering/tenant.html"
    api_route = "reports/metering/tenants/<str:tenant>"
    api_summary = "A tenant's active hours per period, locations, users and applications."
    form_class = TenantForm
    tables = ("series", "locations", "users", "applications")

    @classmethod
    def example(cls):
        interval = _first_interval()
        return interval and ({"tenant": interval.tenant}, {})

    def setup(self, tenant):
        if not selectors.metering_exists(tenant=tenant):
            raise Http404("No such tenant")
        self.tenant = tenant
        return {"tenant": tenant}

    def form(self, params):
        return TenantForm(self.query(params), latest=selectors.metering_latest_day(tenant=self.tenant))

    def build_data(self, form, params):
        tenant = self.tenant
        period, by, names = form.period(), form.cleaned_data["by"] or "location", names_for(self.user)
        figures = selectors.metering_tenant_figures(period, by, tenant, names=names)
        series = figures["series"]
        location = Column(
            "loc_id", "Location", link=lambda row: reverse("reports:metering_location", args=[tenant, row["loc_id"]])
        )
        tables = [
            Table(columns_of(selectors.SERIES_COLUMNS), series, "series", f"Active hours per {by} and period"),
            Table(
                columns_of(selectors.LOCATION_COLUMNS, loc_id=location),
                figures["locations"],
                "locations",
                "Locations",
                id="metering-locations",
            ),
            Table(columns_of(selectors.GROUP_COLUMNS["user"]), figures["users"], "users", "By user"),
            Table(
                columns_of(selectors.GROUP_COLUMNS["application"]),
                figures["applications"],
                "applications",
                "By application",
            ),
        ]
        return self.data(
            tables, filename=f"metering-{tenant}-{period.start}-{period.end}", series=series, period=period, by=by,
            names=names, filters={"tenant": tenant}, title=f"Tenant {tenant}",
            headline=lambda: _busiest_headline(f"Tenant {tenant}: location", tables[1].rows, period, key="loc_id"),
            kpis=lambda: [
                Kpi("Active location hours", figures["hours"]),
                Kpi("Locations active in range", len(tables[1].rows)),
                Kpi("Locations still active", figures["still_active"]),
                *(kpi for key in selectors.metering_tenant_keys(tenant) for kpi in forecast_kpis("metering", key)),
            ], context={
                "by": by, "by_links": [(value, label, query_with(params, by=value)) for value, label in BY_CHOICES],
                "extra_filters": [("by", by)], "uncounted": selectors.metering_uncounted_states(period, tenant=tenant),
            },
        )  # fmt: skip


class Location(_MeteringReport):
    """A location's active hours, active periods, metadata, events and the service's summaries."""

    name = "metering_location"
    path = "<str:tenant>/<path:loc_id>/"
    template = "reports/metering/location.html"
    api_route = "reports/metering/tenants/<str:tenant>/locations/<path:loc_id>"
    api_summary = "A location's active hours, active periods, metadata, events and summaries."
    form_class = PeriodForm
    tables = ("series", "intervals", "metadata", "events", "summaries")

    @classmethod
    def example(cls):
        interval = _first_interval()
        return interval and ({"tenant": interval.tenant, "loc_id": interval.loc_id}, {})

    def setup(self, tenant, loc_id):
        self.names = names_for(self.user)
        facts = selectors.metering_location(tenant, loc_id, names=self.names)
        if facts is None:
            raise Http404("No such location")
        self.tenant, self.loc_id = tenant, loc_id
        return {"tenant": tenant, "loc_id": loc_id, "facts": facts}

    def form(self, params):
        latest = selectors.metering_latest_day(tenant=self.tenant, loc_id=self.loc_id)
        return PeriodForm(self.query(params), latest=latest)

    def build_data(self, form, params):
        tenant, loc_id, period = self.tenant, self.loc_id, form.period()
        figures = selectors.metering_location_figures(period, tenant, loc_id)
        series = figures["series"]
        tables = [
            Table(columns_of(selectors.SERIES_COLUMNS), series, "series", "Active hours per period"),
            Table(
                columns_of(selectors.INTERVAL_COLUMNS),
                self.names.rows(figures["intervals"], user="user"),
                "intervals",
                "Active periods",
            ),
            Table(
                columns_of(selectors.METADATA_COLUMNS),
                selectors.metering_location_metadata(tenant, loc_id),
                "metadata",
                "Location metadata",
            ),
            Table(
                columns_of(selectors.EVENT_COLUMNS),
                selectors.metering_location_events(tenant, loc_id, period, names=self.names),
                "events",
                "Events",
            ),
            Table(
                columns_of(selectors.SUMMARY_COLUMNS),
                selectors.metering_location_summaries(tenant, loc_id, period),
                "summaries",
                "The service's hourly summaries, per fetch window",
            ),
        ]
        return self.data(
            tables, filename=f"metering-{tenant}-{loc_id}-{period.start}-{period.end}", series=series,
            period=period, by="location", filters={"tenant": tenant, "loc_id": loc_id},
            title=f"Location {loc_id} of tenant {tenant}",
            headline=lambda: _location_headline(f"Location {loc_id} of tenant {tenant}", figures, period),
            kpis=[
                Kpi("Active hours in range", figures["hours"]),
                Kpi("Active periods", len(tables[1].rows)),
                Kpi("Still active", "yes" if figures["still_active"] else "no"),
            ], context={"uncounted": selectors.metering_uncounted_states(period, tenant=tenant, loc_id=loc_id)},
        )  # fmt: skip


def chart(series, period, by, names=SHOWN, **filters):
    """The chart (built only for a page, a PDF or an email), in coarser buckets where the series has too many."""
    chosen = chart_period(period, series_groups(series))

    def figure():
        if chosen.granularity == period.granularity:
            return active_hours_figure(series, granularity=period.granularity)
        chosen_series = selectors.metering_series(period, chosen.granularity, by, names=names, **filters)
        return active_hours_figure(chosen_series, granularity=chosen.granularity)

    return figure, chosen.note


def _first_interval():
    return MeteringInterval.objects.order_by("tenant", "loc_id").first()


def _busiest_headline(what, rows, period, *, key="group"):
    """The row (tenant or location) with the most active hours, of how many in all."""
    top = headlines.biggest(rows, "hours")
    if top is None:
        return headlines.nothing("active hours", period)
    total = sum(r["hours"] for r in rows)
    return (
        f"{what} {top[key]} was active the most: {headlines.amount(top['hours'], 'h')} of "
        f"{headlines.amount(round(total, 2), 'active location hours')}"
    )


def _location_headline(name, figures, period):
    periods = len(figures["intervals"])
    if not periods:
        return headlines.nothing(f"active hours of {name}", period)
    still = " (still active)" if figures["still_active"] else ""
    return (
        f"{name} was active {headlines.amount(figures['hours'], 'h')} in "
        f"{headlines.plural(periods, 'active period')}{still}"
    )
