"""Metering service pages: tenants, one tenant (by location, user or application), one location."""

import re

from django import forms
from django.http import Http404

from reports.charts.metering import active_hours_figure
from reports.exports import cell
from reports.forms import PeriodForm
from reports.selectors import metering as selectors
from reports.views.common import invalid_form, render_report

BY_CHOICES = [("location", "location"), ("user", "user"), ("application", "application")]


class TenantForm(PeriodForm):
    by = forms.ChoiceField(required=False, choices=BY_CHOICES)


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
    intervals = selectors.active_intervals(period)
    series = selectors.hours_series(intervals, period.granularity, "tenant")
    tables = {
        "series": ("Active hours per tenant and period", selectors.SERIES_COLUMNS, series),
        "tenants": ("Active hours per tenant", selectors.TENANT_COLUMNS, selectors.hours_by(intervals, "tenant")),
    }
    return render_tables(
        request, template, form=form, tables=tables, filename=f"metering-{period.start}-{period.end}",
        figure=active_hours_figure(series), period=period, known=selectors.metering_tenants(),
    )  # fmt: skip


def tenant(request, tenant):
    template = "reports/metering/tenant.html"
    if not selectors.metering_exists(tenant=tenant):
        raise Http404("No such tenant")
    form = TenantForm(query(request), latest=selectors.metering_latest_day(tenant=tenant))
    if not form.is_valid():
        return invalid_form(request, template, form, tenant=tenant)
    period, by = form.period(), form.cleaned_data["by"] or "location"
    intervals = selectors.active_intervals(period, tenant=tenant)
    series = selectors.hours_series(intervals, period.granularity, by)
    tables = {
        "series": (f"Active hours per {by} and period", selectors.SERIES_COLUMNS, series),
        "locations": ("Locations", selectors.LOCATION_COLUMNS, selectors.location_rows(intervals)),
        "users": ("By user", selectors.GROUP_COLUMNS["user"], selectors.hours_by(intervals, "user")),
        "applications": (
            "By application",
            selectors.GROUP_COLUMNS["application"],
            selectors.hours_by(intervals, "application"),
        ),  # fmt: skip
    }
    return render_tables(
        request, template, form=form, tables=tables, filename=f"metering-{tenant}-{period.start}-{period.end}",
        figure=active_hours_figure(series), tenant=tenant, by=by, by_links=by_links(request), period=period,
        extra_filters=[("by", by)], total=round(sum(i["hours"] for i in intervals), 2),
        still_active=len({i["loc_id"] for i in intervals if i["ended_at"] is None}),
    )  # fmt: skip


def location(request, tenant, loc_id):
    template = "reports/metering/location.html"
    facts = selectors.location_facts(tenant, loc_id)
    if facts is None:
        raise Http404("No such location")
    form = PeriodForm(query(request), latest=selectors.metering_latest_day(tenant=tenant, loc_id=loc_id))
    if not form.is_valid():
        return invalid_form(request, template, form, tenant=tenant, loc_id=loc_id, facts=facts)
    period = form.period()
    intervals = selectors.active_intervals(period, tenant=tenant, loc_id=loc_id)
    series = selectors.hours_series(intervals, period.granularity, "location")
    tables = {
        "series": ("Active hours per period", selectors.SERIES_COLUMNS, series),
        "intervals": ("Active periods", selectors.INTERVAL_COLUMNS, selectors.interval_rows(intervals)),
        "metadata": ("Location metadata", selectors.METADATA_COLUMNS, selectors.location_metadata(tenant, loc_id)),
        "events": ("Events", selectors.EVENT_COLUMNS, selectors.location_events(tenant, loc_id, period)),
        "summaries": (
            "The service's hourly summaries, per fetch window",
            selectors.SUMMARY_COLUMNS,
            selectors.location_summaries(tenant, loc_id, period),
        ),  # fmt: skip
    }
    return render_tables(
        request, template, form=form, tables=tables, filename=f"metering-{tenant}-{loc_id}-{period.start}-{period.end}",
        figure=active_hours_figure(series), tenant=tenant, loc_id=loc_id, facts=facts, period=period,
        total=round(sum(i["hours"] for i in intervals), 2), active=any(i["ended_at"] is None for i in intervals),
    )  # fmt: skip


def by_links(request):
    """(label, query) of the page grouped another way, keeping the range."""
    links = []
    for value, label in BY_CHOICES:
        params = request.GET.copy()
        params["by"] = value
        links.append((value, label, "?" + params.urlencode()))
    return links


def render_tables(request, template, *, form, tables, filename, figure, **context):
    """Render the page with every table, or download the one `?table=` names (the chart's rows by default).

    Each table is (title, columns, rows) and downloads through render_report,
    so a CSV/XLSX holds exactly the rows its table shows.
    """
    first = next(iter(tables))
    name = request.GET.get("table") or first
    if name not in tables:
        form.add_error(None, f"Unknown table {name!r}: choose one of {', '.join(tables)}.")
        return invalid_form(request, template, form, **context)
    _title, columns, rows = tables[name if request.GET.get("format") else first]
    context["tables"] = [table_context(request, key, *table) for key, table in tables.items() if key != first]
    return render_report(
        request, template, form=form, rows=rows, columns=columns, figure=figure,
        filename=re.sub(r"[^A-Za-z0-9._-]+", "_", f"{filename}-{name}"), **context,
    )  # fmt: skip


def table_context(request, name, title, columns, rows):
    def query(fmt):
        params = request.GET.copy()
        params["format"], params["table"] = fmt, name
        return "?" + params.urlencode()

    return {
        "name": name,
        "title": title,
        "columns": columns,
        "count": len(rows),
        "table_rows": [[cell(row[key]) for key, _label in columns] for row in rows],
        "csv": query("csv"),
        "xlsx": query("xlsx"),
    }
