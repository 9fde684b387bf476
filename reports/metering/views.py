"""Metering service pages: tenants, one tenant (by location, user or application), one location."""

from django.http import Http404
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from dashboard.privacy.names import SHOWN, names_for
from dashboard.tables import Column, Kpi, Table, columns_of
from reports.forms import PeriodForm
from reports.metering import selectors
from reports.metering.charts import active_hours_figure, series_groups
from reports.metering.forms import BY_CHOICES, TenantForm
from reports.overview.forecast import forecast_kpis
from reports.periods import chart_period
from reports.views.common import invalid_form, query_with, render_tables, source_names


def query(request):
    """The query string, with day buckets unless a granularity (even auto) was chosen: hours over a month are noise."""
    data = request.GET.copy()
    data.setdefault("granularity", "day")
    return data


def overview(request):
    template = "reports/metering/overview.html"
    form = PeriodForm(query(request), latest=selectors.metering_latest_day())
    if not form.is_valid():
        return invalid_form(request, template, form)
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
    return render_tables(
        request, template, form=form, tables=tables, filename=f"metering-{period.start}-{period.end}",
        **chart_context(series, period, "tenant"), period=period,
        known=tenants_table(selectors.metering_tenants()),
        title="Metering Service", source_name=source_names(kind="metering"),
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


def tenant(request, tenant):
    template = "reports/metering/tenant.html"
    if not selectors.metering_exists(tenant=tenant):
        raise Http404("No such tenant")
    form = TenantForm(query(request), latest=selectors.metering_latest_day(tenant=tenant))
    if not form.is_valid():
        return invalid_form(request, template, form, tenant=tenant)
    period, by, names = form.period(), form.cleaned_data["by"] or "location", names_for(request.user)
    intervals = selectors.metering_intervals(period, names=names, tenant=tenant)
    series = selectors.metering_series(period, period.granularity, by, names=names, tenant=tenant)
    location = Column(
        "loc_id", "Location", link=lambda row: reverse("reports:metering_location", args=[tenant, row["loc_id"]])
    )
    tables = [
        Table(columns_of(selectors.SERIES_COLUMNS), series, "series", f"Active hours per {by} and period"),
        Table(
            columns_of(selectors.LOCATION_COLUMNS, loc_id=location),
            selectors.metering_locations(intervals),
            "locations",
            "Locations",
            id="metering-locations",
        ),
        Table(
            columns_of(selectors.GROUP_COLUMNS["user"]),
            selectors.metering_hours_by(intervals, "user"),
            "users",
            "By user",
        ),
        Table(
            columns_of(selectors.GROUP_COLUMNS["application"]),
            selectors.metering_hours_by(intervals, "application"),
            "applications",
            "By application",
        ),
    ]
    return render_tables(
        request, template, form=form, tables=tables, filename=f"metering-{tenant}-{period.start}-{period.end}",
        **chart_context(series, period, by, names=names, tenant=tenant), tenant=tenant, by=by, by_links=by_links(request),
        period=period, title=f"Tenant {tenant}", source_name=source_names(kind="metering"),
        extra_filters=[("by", by)], uncounted=selectors.metering_uncounted_states(period, tenant=tenant), kpis=SimpleLazyObject(lambda: [
            Kpi("Active location hours", _total_hours(intervals)),
            Kpi("Locations active in range", len(tables[1].rows)),
            Kpi("Locations still active", len({i["loc_id"] for i in intervals if i["ended_at"] is None})),
            *(kpi for key in selectors.metering_tenant_keys(tenant) for kpi in forecast_kpis("metering", key)),
        ]),
    )  # fmt: skip


def location(request, tenant, loc_id):
    template = "reports/metering/location.html"
    names = names_for(request.user)
    facts = selectors.metering_location(tenant, loc_id, names=names)
    if facts is None:
        raise Http404("No such location")
    form = PeriodForm(query(request), latest=selectors.metering_latest_day(tenant=tenant, loc_id=loc_id))
    if not form.is_valid():
        return invalid_form(request, template, form, tenant=tenant, loc_id=loc_id, facts=facts)
    period = form.period()
    intervals = selectors.metering_intervals(period, names=names, tenant=tenant, loc_id=loc_id)
    series = selectors.metering_series(period, period.granularity, "location", tenant=tenant, loc_id=loc_id)
    tables = [
        Table(columns_of(selectors.SERIES_COLUMNS), series, "series", "Active hours per period"),
        Table(
            columns_of(selectors.INTERVAL_COLUMNS),
            selectors.metering_interval_rows(intervals),
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
            selectors.metering_location_events(tenant, loc_id, period, names=names),
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
    return render_tables(
        request, template, form=form, tables=tables, filename=f"metering-{tenant}-{loc_id}-{period.start}-{period.end}",
        **chart_context(series, period, "location", tenant=tenant, loc_id=loc_id), tenant=tenant, loc_id=loc_id, facts=facts,
        period=period, title=f"Location {loc_id} of tenant {tenant}", source_name=source_names(kind="metering"),
        uncounted=selectors.metering_uncounted_states(period, tenant=tenant, loc_id=loc_id), kpis=[
            Kpi("Active hours in range", _total_hours(intervals)),
            Kpi("Active periods", len(tables[1].rows)),
            Kpi("Still active", "yes" if any(i["ended_at"] is None for i in intervals) else "no"),
        ],
    )  # fmt: skip


def chart_context(series, period, by, names=SHOWN, **filters):
    """The page's chart (built only for a page or an email), in coarser buckets where the series has too many."""
    chart = chart_period(period, series_groups(series))

    def figure():
        if chart.granularity == period.granularity:
            return active_hours_figure(series)
        return active_hours_figure(selectors.metering_series(period, chart.granularity, by, names=names, **filters))

    return {"figure": figure, "chart_note": chart.note}


def _total_hours(intervals):
    return round(sum(i["hours"] for i in intervals), 2)


def by_links(request):
    """(value, label, query) of the page grouped another way, keeping the range."""
    return [(value, label, query_with(request, by=value)) for value, label in BY_CHOICES]


def home_card():
    """The context of this vendor's card on the home page."""
    return {"tenants": selectors.metering_tenants()}
