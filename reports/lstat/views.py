from django.conf import settings
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from dashboard.privacy.names import names_for
from dashboard.tables import Column, Kpi, Table, columns_of
from ingest.vendors.lstat.models import LstatFeature, LstatServer, LstatSnapshot
from reports import heatmap
from reports.alerts.series import alert_query
from reports.exports import FORMATS, About, raw_download
from reports.lstat import selectors
from reports.lstat.alerts import key
from reports.lstat.charts import (
    COMPARE_METRICS,
    FEATURE_TRACES,
    PANEL_TRACES,
    lstat_compare_figure,
    lstat_feature_figure,
    lstat_heatmap_figure,
    lstat_server_figure,
    lstat_top_users_figure,
)
from reports.lstat.forms import CompareForm, LstatPeriodForm, SnapshotForm, UsersForm
from reports.overview.forecast import forecast_kpis
from reports.periods import Period, chart_period
from reports.views.common import (
    figure_json,
    invalid_form,
    page_url,
    query_with,
    render_report,
    render_tables,
    unknown_format,
)


def index(request):
    context = {"servers": selectors.lstat_servers(), "unplaced": selectors.lstat_unplaced_features()}
    return render(request, "reports/lstat/index.html", context)


def feature(request, pk):
    feature = get_object_or_404(LstatFeature.objects.select_related("server", "source"), pk=pk)
    template = "reports/lstat/feature.html"
    form = LstatPeriodForm(request.GET, latest=selectors.lstat_latest_day([feature]))
    if not form.is_valid():
        return invalid_form(request, template, form, feature=feature)
    period = _period(form, [feature])
    if request.GET.get("table") == "raw" and request.GET.get("format"):  # every stored row of the period
        if request.GET["format"] not in FORMATS:
            return unknown_format(request.GET["format"], FORMATS)
        rows = selectors.lstat_raw_usage(feature, period)
        filename = f"lstat-feature-{feature.fid}-{period.start}-{period.end}-raw"
        about = About(f"{feature}: stored rows", feature.source.name, period, page_url(request))
        return raw_download(request.GET["format"], filename, selectors.RAW_COLUMNS, rows, about=about)
    rows = selectors.lstat_usage([feature], period)
    summary = (selectors.lstat_summary([feature], rows) or [None])[0]
    chart = chart_period(period, FEATURE_TRACES, selectors.GRANULARITIES)
    return render_report(
        request, template, form=form, rows=rows, columns=selectors.USAGE_COLUMNS,
        filename=f"lstat-feature-{feature.fid}-{period.start}-{period.end}-{period.granularity}",
        figure=(lambda: lstat_feature_figure(_chart_rows(rows, [feature], period, chart))) if rows else None,
        chart_note=chart.note, feature=feature, period=period,
        title=str(feature), source_name=feature.source.name,
        summary=summary, hourly_note=_hourly_note([feature], period),
        zone_note=_zone_note([feature], period),
        kpis=SimpleLazyObject(lambda: _feature_kpis(summary) + forecast_kpis(
            "lstat", key(feature), summary["total"] if summary else None
        )),  # the forecast reads 26 weeks of peaks: for the page only, never for a download
        alert_query=alert_query("denials", "lstat", key(feature), hours=1),
        **_heatmap_context(request, feature, period),
    )  # fmt: skip


def _heatmap_context(request, feature, period):
    """The weekday x hour heatmaps of used and denials, and the raw-row download links (only a page draws them)."""
    if request.GET.get("format") or getattr(request, "capture_report", False):
        return {}
    used, denials = selectors.lstat_heatmaps(feature, period)
    zone = timezone.get_current_timezone_name()
    return {
        "time_zone": zone,
        "heatmap_json": figure_json(lstat_heatmap_figure(used, zone)),
        "denials_heatmap_json": figure_json(lstat_heatmap_figure(denials, zone, denials=True)),
        "heatmap_note": heatmap.note(used),
        "raw_csv_query": query_with(request, table="raw", format="csv"),
        "raw_xlsx_query": query_with(request, table="raw", format="xlsx"),
    }


def server(request, pk):
    """All features of a server: a summary table, and small multiples whose rows download as ?table=usage."""
    server = get_object_or_404(LstatServer.objects.select_related("source"), pk=pk)
    template = "reports/lstat/server.html"
    features = list(server.features.select_related("server", "source"))
    form = LstatPeriodForm(request.GET, latest=selectors.lstat_latest_day(features))
    if not form.is_valid():
        return invalid_form(request, template, form, server=server)
    period = _period(form, features)
    usage = selectors.lstat_usage(features, period)
    summary = selectors.lstat_summary(features, usage)
    chart = chart_period(period, PANEL_TRACES * len({r["feature_id"] for r in usage}), selectors.GRANULARITIES)
    # the page's table is the default download; the chart's rows download as ?table=usage
    feature_link = Column("feature", "Feature", link="reports:lstat_feature", link_args=("pk",))
    tables = [
        Table(columns_of(selectors.SUMMARY_COLUMNS, feature=feature_link), summary, "summary"),
        Table(columns_of(selectors.USAGE_COLUMNS), usage, "usage"),
    ]
    return render_tables(
        request, template, form=form, tables=tables,
        filename=f"lstat-server-{server.lsid}-{{table}}-{period.start}-{period.end}-{period.granularity}",
        figure=lambda: lstat_server_figure(summary, _chart_rows(usage, features, period, chart)),
        chart_note=chart.note, server=server, period=period, summary=summary,
        title=str(server), source_name=server.source.name,
        hourly_note=_hourly_note(features, period), zone_note=_zone_note(features, period),
    )  # fmt: skip


def compare(request):
    template = "reports/lstat/compare.html"
    form = CompareForm(request.GET or None, latest=selectors.lstat_latest_day(LstatFeature.objects.all()))
    if not request.GET:
        return render(request, template, {"form": form, "rows": []})
    if not form.is_valid():
        return invalid_form(request, template, form)
    features = list(
        LstatFeature.objects.filter(pk__in=form.cleaned_data["features"]).select_related("server", "source")
    )
    period = _period(form, features)
    metric = form.cleaned_data["metric"] or "used_max"
    rows = selectors.lstat_usage(features, period)
    chart = chart_period(period, len({r["feature_id"] for r in rows}), selectors.GRANULARITIES)
    return render_report(
        request, template, form=form, rows=rows, columns=selectors.USAGE_COLUMNS,
        filename=f"lstat-compare-{period.start}-{period.end}-{period.granularity}",
        figure=(lambda: lstat_compare_figure(_chart_rows(rows, features, period, chart), metric)) if rows else None,
        chart_note=chart.note, period=period, title="Compare features",
        source_name=", ".join(sorted({f.source.name for f in features})),
        metric_label=COMPARE_METRICS[metric], hourly_note=_hourly_note(features, period),
        zone_note=_zone_note(features, period),
    )  # fmt: skip


def users(request):
    template = "reports/lstat/users.html"
    form = UsersForm(request.GET, kind=LstatSnapshot.Kind.USERS)
    snapshot = form.snapshot_or_none() if form.is_valid() else None
    if form.errors:
        return invalid_form(request, template, form)
    data = form.cleaned_data
    rows, usage = [], snapshot and selectors.lstat_current_usage(snapshot)
    if snapshot:
        rows = selectors.lstat_sessions(
            snapshot, server=data["server"], feature=data["feature"], user=data["user"], names=names_for(request.user)
        )
    return render_report(
        request, template, form=form, rows=rows, columns=selectors.SESSION_COLUMNS,
        filename=f"lstat-current-users-{snapshot.taken_at:%Y%m%d-%H%M}" if snapshot else "lstat-current-users",
        snapshot=snapshot, usage=usage, kpis=_session_kpis(rows, usage) if snapshot else [],
        title=_snapshot_title("Current users", snapshot), source_name=snapshot.source.name if snapshot else "",
        history=snapshot and selectors.lstat_snapshot_times(snapshot.source, LstatSnapshot.Kind.USERS),
        servers=snapshot and selectors.lstat_session_servers(snapshot),
        table=Table(columns_of(selectors.SESSION_COLUMNS), rows, id="sessions"),
    )  # fmt: skip


def highest(request):
    template = "reports/lstat/highest.html"
    form = SnapshotForm(request.GET, kind=LstatSnapshot.Kind.HIGHEST_USAGE)
    snapshot = form.snapshot_or_none() if form.is_valid() else None
    if form.errors:
        return invalid_form(request, template, form)
    rows = selectors.lstat_top_users(snapshot, names=names_for(request.user)) if snapshot else []
    return render_report(
        request, template, form=form, rows=rows, columns=selectors.TOP_USER_COLUMNS,
        filename=f"lstat-highest-users-{snapshot.taken_at:%Y%m%d-%H%M}" if snapshot else "lstat-highest-users",
        figure=(lambda: lstat_top_users_figure(rows)) if rows else None, snapshot=snapshot,
        title=_snapshot_title("Highest license users", snapshot), source_name=snapshot.source.name if snapshot else "",
        history=snapshot and selectors.lstat_snapshot_times(snapshot.source, LstatSnapshot.Kind.HIGHEST_USAGE),
    )  # fmt: skip


def _snapshot_title(title, snapshot):
    return f"{title} as fetched {timezone.localtime(snapshot.taken_at):%Y-%m-%d %H:%M:%S %Z}" if snapshot else title


def _feature_kpis(summary):
    if not summary:
        return []
    utilization = summary["utilization"]
    return [
        Kpi("Total seats", summary["total"]),
        Kpi("Peak used", summary["peak"]),
        Kpi("Average used", summary["average"], kind="decimal"),
        Kpi("Utilization (peak / total)", "—" if utilization is None else f"{utilization} %"),
        Kpi("Denials", summary["denials"]),
        Kpi("Peak borrowed", summary["borrowed_peak"]),
    ]


def _session_kpis(rows, usage):
    """The sessions shown, then the server's own counts: current usage where it reports them, else users."""
    kpis = [Kpi("Sessions shown", len(rows)), Kpi("Licenses held", sum(r["licenses"] for r in rows))]
    if usage and usage.current is not None:
        counted = "—" if usage.license_usage is None else usage.license_usage
        limit = f" / {usage.license_limit}" if usage.license_limit else ""
        kpis += [Kpi("Users now", usage.current), Kpi("Counted for licensing", f"{counted}{limit}")]
    elif usage:
        kpis += [
            Kpi("Users with licenses", usage.users_with_licenses),
            Kpi("Users without", usage.users_without_licenses),
        ]
    return kpis


def _chart_rows(rows, features, period, chart):
    """The rows a chart draws: the page's own, or those of the coarser period chart_period chose."""
    return rows if chart.granularity == period.granularity else selectors.lstat_usage(features, chart)


def _period(form, features):
    """The form's period; "auto" falls back to days where hours (kept for the recent window) don't reach."""
    period = form.period()
    if period.granularity == "hour" and not form.cleaned_data.get("granularity"):
        first = selectors.lstat_first_hour(features)
        if first is None or first > period.start_dt:
            return Period(period.start, period.end, "day")
    return period


def _zone_note(features, period):
    """Day rows are License Statistics' dates in each source's zone: say so where that is not the shown zone."""
    if period.granularity == "hour":
        return ""
    shown = timezone.get_current_timezone_name()
    zones = sorted({f.source.params.get("timezone") or settings.TIME_ZONE for f in features} - {shown})
    if not zones:
        return ""
    return (
        f"Days are the dates License Statistics reports in {', '.join(zones)}, each shown on its own date; "
        f"hours are shown in {shown}."
    )


def _hourly_note(features, period):
    """Hours are kept only for the recent window: say so when the range reaches further back."""
    if period.granularity != "hour":
        return ""
    first = selectors.lstat_first_hour(features)
    if first is None or first > period.start_dt:
        if first is None:
            return "No hourly rows are stored for these features; choose day or coarser."
        return (
            f"Hourly rows start at {timezone.localtime(first):%Y-%m-%d %H:%M}; choose day or coarser for earlier dates."
        )
    return ""


def home_card():
    """The context of this vendor's card on the home page."""
    return {"servers": selectors.lstat_servers()}
