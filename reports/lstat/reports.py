"""The License Statistics reports: a feature, a server's features, compared features, current and top users."""

from functools import cache

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils import timezone

from dashboard.privacy.names import names_for
from dashboard.tables import Column, Kpi, Table, columns_of
from ingest.vendors.lstat.models import LstatFeature, LstatServer, LstatSnapshot, LstatUsage
from reports import headlines, heatmap
from reports.alerts.series import alert_query
from reports.charts.base import average_note
from reports.exports import About, raw_download
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
from reports.overview.forecast import forecast_kpis, owned_of
from reports.periods import Period, chart_period
from reports.report import InvalidParams, Report, ReportData


class Feature(Report):
    """A feature's seats per period: used, total, denials, borrowed; weekday x hour heatmaps of used and denials."""

    name = "lstat_feature"
    path = "features/<int:pk>/"
    template = "reports/lstat/feature.html"
    api_route = "reports/lstat/features/<int:pk>"
    api_summary = "A License Statistics feature's usage per period."
    form_class = LstatPeriodForm
    raw = True  # ?table=raw: every stored row of the period, hourly and daily

    @classmethod
    def example(cls):
        feature = _features_with_usage().first()
        return feature and ({"pk": feature.pk}, {})

    def setup(self, pk):
        self.feature = get_object_or_404(LstatFeature.objects.select_related("server", "source"), pk=pk)
        return {"feature": self.feature}

    def form(self, params):
        return LstatPeriodForm(params, latest=selectors.lstat_latest_day([self.feature]))

    def raw_download(self, form, fmt, url):
        feature = self.feature
        period = _period(form, [feature])
        office = form.office_hours()
        rows = selectors.lstat_raw_usage(feature, period, office)
        filename = f"lstat-feature-{feature.fid}-{period.start}-{period.end}-raw{'-office' if office else ''}"
        what = f"stored hourly rows in office hours ({office.label})" if office else "stored rows"
        about = About(f"{feature}: {what}", feature.source.name, period, url)
        return raw_download(fmt, filename, selectors.RAW_COLUMNS, rows, about=about)

    def build_data(self, form, params):
        feature = self.feature
        period = _period(form, [feature])
        office = form.office_hours()
        rows = selectors.lstat_usage([feature], period, office)
        summary = (selectors.lstat_summary([feature], rows) or [None])[0]
        chart = chart_period(period, FEATURE_TRACES, selectors.GRANULARITIES)
        zone = timezone.get_current_timezone_name()
        heatmaps = cache(lambda: selectors.lstat_heatmaps(feature, period))  # only a page draws them
        return ReportData(
            title=str(feature) + _office_title(office),
            rows=rows,
            columns=selectors.USAGE_COLUMNS,
            filename=f"lstat-feature-{feature.fid}-{period.start}-{period.end}-{period.granularity}"
            + ("-office" if office else ""),
            period=period,
            source_name=feature.source.name,
            figure=(
                (
                    lambda: lstat_feature_figure(
                        _chart_rows(rows, [feature], period, chart, office),
                        note=_average(chart, office),
                        granularity=chart.granularity,
                    )
                )
                if rows
                else None
            ),
            page_charts={
                "heatmap": lambda: lstat_heatmap_figure(heatmaps()[0], zone, office=settings.OFFICE_HOURS),
                "denials_heatmap": lambda: lstat_heatmap_figure(
                    heatmaps()[1], zone, denials=True, office=settings.OFFICE_HOURS
                ),
            },
            summary=summary,
            headline=lambda: _feature_headline(feature, summary, period),
            kpis=lambda: (
                _feature_kpis(summary) + forecast_kpis("lstat", key(feature), summary["total"] if summary else None)
            ),
            context={
                "chart_note": chart.note,
                "average_note": _average(chart, office),
                "hourly_note": _hourly_note([feature], period, office),
                "zone_note": _zone_note([feature], period, office),
                "alert_query": alert_query("denials", "lstat", key(feature), hours=1),
                "time_zone": zone,
                "heatmap_note": lambda: heatmap.note(heatmaps()[0], settings.OFFICE_HOURS),
            },
        )


class Server(Report):
    """All features of a server: a summary table, and small multiples whose rows download as ?table=usage."""

    name = "lstat_server"
    path = "servers/<int:pk>/"
    template = "reports/lstat/server.html"
    api_route = "reports/lstat/servers/<int:pk>"
    api_summary = "A license server: its features' summary, or their usage per period."
    form_class = LstatPeriodForm
    tables = ("summary", "usage")

    @classmethod
    def example(cls):
        server = LstatServer.objects.filter(features__in=_features_with_usage()).order_by("pk").first()
        return server and ({"pk": server.pk}, {})

    def setup(self, pk):
        self.server = get_object_or_404(LstatServer.objects.select_related("source"), pk=pk)
        return {"server": self.server}

    def form(self, params):
        self.features = list(self.server.features.select_related("server", "source"))
        return LstatPeriodForm(params, latest=selectors.lstat_latest_day(self.features))

    def build_data(self, form, params):
        server, features = self.server, self.features
        period = _period(form, features)
        office = form.office_hours()
        usage = selectors.lstat_usage(features, period, office)
        summary = selectors.lstat_summary(features, usage)
        chart = chart_period(period, PANEL_TRACES * len({r["feature_id"] for r in usage}), selectors.GRANULARITIES)
        # the page's table is the default download; the chart's rows download as ?table=usage
        feature_link = Column("feature", "Feature", link="reports:lstat_feature", link_args=("pk",))
        tables = [
            Table(columns_of(selectors.SUMMARY_COLUMNS, feature=feature_link), summary, "summary"),
            Table(columns_of(selectors.USAGE_COLUMNS), usage, "usage"),
        ]
        return ReportData.of_tables(
            tables,
            filename=f"lstat-server-{server.lsid}-{{table}}-{period.start}-{period.end}-{period.granularity}",
            title=str(server) + _office_title(office),
            period=period,
            source_name=server.source.name,
            figure=lambda: lstat_server_figure(
                summary,
                _chart_rows(usage, features, period, chart, office),
                note=_average(chart, office),
                granularity=chart.granularity,
            ),
            summary=summary,
            headline=lambda: _features_headline(features, summary, period),
            context={
                "chart_note": chart.note,
                "average_note": _average(chart, office),
                "hourly_note": _hourly_note(features, period, office),
                "zone_note": _zone_note(features, period, office),
            },
        )


class Compare(Report):
    """Up to nine features' usage per period, side by side."""

    name = "lstat_compare"
    path = "compare/"
    template = "reports/lstat/compare.html"
    api_route = "reports/lstat/compare"
    api_summary = "Features' usage per period, side by side."
    form_class = CompareForm
    required = ("features",)

    @classmethod
    def example(cls):
        features = list(_features_with_usage().values_list("pk", flat=True)[:9])  # the form takes nine at most
        return ({}, {"features": features}) if features else None

    def form(self, params):
        return CompareForm(params or None, latest=selectors.lstat_latest_day(LstatFeature.objects.all()))

    def validated(self, params):
        if not params:  # the empty form, to choose features: no errors, no report
            raise InvalidParams(self.form(params), status=200)
        return super().validated(params)

    def build_data(self, form, params):
        features = list(
            LstatFeature.objects.filter(pk__in=form.cleaned_data["features"]).select_related("server", "source")
        )
        period = _period(form, features)
        metric = form.cleaned_data["metric"] or "used_max"
        office = form.office_hours()
        rows = selectors.lstat_usage(features, period, office)
        chart = chart_period(period, len({r["feature_id"] for r in rows}), selectors.GRANULARITIES)
        figure = lambda: lstat_compare_figure(  # noqa: E731
            _chart_rows(rows, features, period, chart, office), metric, chart.granularity
        )
        return ReportData(
            title="Compare features" + _office_title(office),
            rows=rows,
            columns=selectors.USAGE_COLUMNS,
            filename=f"lstat-compare-{period.start}-{period.end}-{period.granularity}",
            period=period,
            source_name=", ".join(sorted({f.source.name for f in features})),
            figure=figure if rows else None,
            headline=lambda: _features_headline(features, selectors.lstat_summary(features, rows), period),
            context={
                "chart_note": chart.note,
                "metric_label": COMPARE_METRICS[metric],
                "hourly_note": _hourly_note(features, period, office),
                "zone_note": _zone_note(features, period, office),
            },
        )


class _SnapshotReport(Report):
    """A report of one snapshot: the form's source and snapshot id or moment, else the latest one."""

    kind = ""

    def form(self, params):
        return self.form_class(params, kind=self.kind)

    def validated(self, params):
        form = self.form_class(params, kind=self.kind)
        form.snapshot = form.snapshot_or_none() if form.is_valid() else None
        if form.errors:
            raise InvalidParams(form)
        return form

    def snapshot_data(self, snapshot, **fields):
        """The ReportData of the snapshot (none: no snapshot yet), and the snapshot the API names."""
        return ReportData(
            source_name=snapshot.source.name if snapshot else "",
            api={"snapshot": {"id": snapshot.pk, "taken_at": snapshot.taken_at}} if snapshot else {},
            **fields,
        )


class Users(_SnapshotReport):
    """The sessions of a users snapshot, filtered by server, feature and user or host."""

    name = "lstat_users"
    path = "users/"
    template = "reports/lstat/users.html"
    api_route = "reports/lstat/users"
    api_summary = "The sessions of a users snapshot."
    form_class = UsersForm
    kind = LstatSnapshot.Kind.USERS

    def build_data(self, form, params):
        snapshot, data = form.snapshot, form.cleaned_data
        rows, usage = [], snapshot and selectors.lstat_current_usage(snapshot)
        if snapshot:
            rows = selectors.lstat_sessions(
                snapshot, server=data["server"], feature=data["feature"], user=data["user"], names=names_for(self.user)
            )
        return self.snapshot_data(
            snapshot,
            title=_snapshot_title("Current users", snapshot),
            rows=rows,
            columns=selectors.SESSION_COLUMNS,
            filename=f"lstat-current-users-{snapshot.taken_at:%Y%m%d-%H%M}" if snapshot else "lstat-current-users",
            kpis=_session_kpis(rows, usage) if snapshot else [],
            headline=lambda: _sessions_headline(rows, snapshot),
            table=Table(columns_of(selectors.SESSION_COLUMNS), rows, id="sessions"),
            context={
                "snapshot": snapshot,
                "usage": usage,
                "history": snapshot and selectors.lstat_snapshot_times(snapshot.source, self.kind),
                "servers": snapshot and selectors.lstat_session_servers(snapshot),
            },
        )


class Highest(_SnapshotReport):
    """The highest-usage users of a snapshot."""

    name = "lstat_highest"
    path = "highest/"
    template = "reports/lstat/highest.html"
    api_route = "reports/lstat/highest"
    api_summary = "The highest-usage users of a snapshot."
    form_class = SnapshotForm
    kind = LstatSnapshot.Kind.HIGHEST_USAGE

    def build_data(self, form, params):
        snapshot = form.snapshot
        rows = selectors.lstat_top_users(snapshot, names=names_for(self.user)) if snapshot else []
        return self.snapshot_data(
            snapshot,
            title=_snapshot_title("Highest license users", snapshot),
            rows=rows,
            columns=selectors.TOP_USER_COLUMNS,
            filename=f"lstat-highest-users-{snapshot.taken_at:%Y%m%d-%H%M}" if snapshot else "lstat-highest-users",
            figure=(lambda: lstat_top_users_figure(rows)) if rows else None,
            headline=lambda: _top_user_headline(rows, snapshot),
            context={
                "snapshot": snapshot,
                "history": snapshot and selectors.lstat_snapshot_times(snapshot.source, self.kind),
            },
        )


def _features_with_usage():
    return LstatFeature.objects.filter(pk__in=LstatUsage.objects.values("feature_id"))


def _snapshot_title(title, snapshot):
    return f"{title} as fetched {timezone.localtime(snapshot.taken_at):%Y-%m-%d %H:%M:%S %Z}" if snapshot else title


def _on_server(feature):
    """ "MATLAB 1.0 on flex-eu-01", as a licence admin names a feature."""
    return f"{feature} on {feature.server}" if feature.server else str(feature)


def _feature_headline(feature, summary, period):
    if not summary:
        return headlines.nothing(f"usage of {_on_server(feature)}", period)
    return _peaked(feature, summary)


def _features_headline(features, summary, period):
    """The feature with the most denials, or where none were denied, the one nearest its seats (or the busiest)."""
    row = headlines.biggest(summary, "denials") if any(r["denials"] for r in summary) else None
    row = row or headlines.biggest(summary, "utilization") or headlines.biggest(summary, "peak")
    if row is None:
        return headlines.nothing("usage of these features", period)
    return _peaked(next(f for f in features if f.pk == row["pk"]), row)


def _peaked(feature, summary):
    """A feature's peak against what is owned (its entitlement, else the server's total seats), and its denials."""
    owned = owned_of("lstat", key(feature), summary["total"])
    return headlines.peaked(_on_server(feature), summary["peak"], owned=owned, denials=summary["denials"])


def _sessions_headline(rows, snapshot):
    """The session held longest, among how many."""
    if snapshot is None:
        return headlines.nothing("users snapshot")
    if not rows:
        return f"No sessions held at {timezone.localtime(snapshot.taken_at):%Y-%m-%d %H:%M %Z}"
    sessions = headlines.plural(len(rows), "session")
    licenses = headlines.amount(sum(r["licenses"] for r in rows), "licenses")
    longest = headlines.biggest(rows, "held_hours")
    if longest is None:  # no session says when it was checked out
        return f"{sessions} hold {licenses}"
    return (
        f"{longest['user']} has held {longest['feature']} on {longest['server_name']} for "
        f"{longest['held_hours']:,.1f} h, the longest of {sessions} ({licenses} held)"
    )


def _top_user_headline(rows, snapshot):
    if not rows:
        return headlines.nothing("highest users in a snapshot")
    top = rows[0]
    return f"{top['user']} held the most licenses at once: {headlines.amount(top['licenses'])}"


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


def _chart_rows(rows, features, period, chart, office=None):
    """The rows a chart draws: the page's own, or those of the coarser period chart_period chose."""
    return rows if chart.granularity == period.granularity else selectors.lstat_usage(features, chart, office)


def _office_title(office):
    return f" (office hours, {office.label})" if office else ""


def _period(form, features):
    """The form's period; "auto" falls back to days where hours (kept for the recent window) don't reach."""
    period = form.period()
    if period.granularity == "hour" and not form.cleaned_data.get("granularity"):
        first = selectors.lstat_first_hour(features)
        if first is None or first > period.start_dt:
            return Period(period.start, period.end, "day")
    return period


def _zone_note(features, period, office=None):
    """Day rows are License Statistics' dates in each source's zone: say so where that is not the shown zone."""
    if period.granularity == "hour" or office:  # office hours are read from hourly rows, in the shown zone
        return ""
    shown = timezone.get_current_timezone_name()
    zones = sorted({f.source.params.get("timezone") or settings.TIME_ZONE for f in features} - {shown})
    if not zones:
        return ""
    return (
        f"Days are the dates License Statistics reports in {', '.join(zones)}, each shown on its own date; "
        f"hours are shown in {shown}."
    )


def _hourly_note(features, period, office=None):
    """Hours are kept only for the recent window: say so when the range reaches further back (also for office
    hours, which are read from the hourly rows)."""
    if office:
        return _office_note(features, period, office)
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


def _average(chart, office=None):
    """What the used average is over: License Statistics' own average of each hour or whole day, or the mean of
    its averages of the hours wholly in office hours."""
    return average_note(chart.granularity, office)


def _office_note(features, period, office):
    """Office hours come from the hourly rows that lie wholly in them: say so, and where they start."""
    text = (
        f"Office hours ({office.label}) are read from License Statistics' hourly rows that lie wholly in them "
        "(its day rows hold whole days)"
    )
    first = selectors.lstat_first_hour(features)
    if first is None:
        return f"{text}; none are stored for these features."
    if first > period.start_dt:
        return f"{text}, stored from {timezone.localtime(first):%Y-%m-%d %H:%M}: earlier days have none."
    return f"{text}."
