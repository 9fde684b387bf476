"""The MLS reports: one supervisor's usage per period."""

from functools import cache

from django.conf import settings
from django.http import Http404
from django.utils import timezone

from dashboard.tables import Kpi
from ingest.vendors.mls.models import MlsRollup
from ingest.vendors.mls.parsing import normalize_mac
from reports import headlines, heatmap
from reports.alerts.series import alert_query
from reports.charts.base import average_note
from reports.exports import About, raw_download
from reports.forms import OfficeHoursPeriodForm
from reports.mls import selectors
from reports.mls.charts import TRACES, mls_heatmap_figure, mls_usage_figure
from reports.overview.forecast import forecast_kpis, owned_of
from reports.periods import chart_period
from reports.report import Report, ReportData


class Supervisor(Report):
    """A supervisor's licenses per period: used, prepaid and metered, with a weekday x hour heatmap."""

    name = "mls_supervisor"
    path = "<str:mac>/"
    template = "reports/mls/supervisor.html"
    api_route = "reports/mls/supervisors/<str:mac>"
    api_summary = "An MLS supervisor's usage per period."
    form_class = OfficeHoursPeriodForm
    raw = True  # ?table=raw: every stored minute of the period

    def setup(self, mac):
        try:
            supervisor = selectors.mls_supervisor(normalize_mac(mac))
        except ValueError:
            supervisor = None
        if supervisor is None:
            raise Http404("No such supervisor")
        self.supervisor = supervisor
        return {"mac": supervisor.macaddress, "supervisor": supervisor}

    @classmethod
    def example(cls):
        rollup = MlsRollup.objects.select_related("supervisor").order_by("supervisor__macaddress").first()
        return rollup and ({"mac": rollup.supervisor.macaddress}, {})

    def form(self, params):
        return OfficeHoursPeriodForm(params, latest=selectors.mls_latest_day(self.supervisor))

    def _filename(self, period):
        return f"mls-{self.supervisor.macaddress.replace(':', '')}-{period.start}-{period.end}"

    def raw_download(self, form, fmt, url):
        period, mac = form.period(), self.supervisor.macaddress
        office = form.office_hours()
        minutes = selectors.mls_raw_minutes(self.supervisor, period.start_dt, period.end_dt, office)
        what = f"every stored minute in office hours ({office.label})" if office else "every stored minute"
        about = About(f"Supervisor {mac}: {what}", self.supervisor.source.name, period, url)
        filename = f"{self._filename(period)}-minutes{'-office' if office else ''}"
        return raw_download(fmt, filename, selectors.MLS_RAW_COLUMNS, minutes, about=about)

    def build_data(self, form, params):
        supervisor, period = self.supervisor, form.period()
        zone = timezone.get_current_timezone_name()
        office = form.office_hours()
        rows = selectors.mls_usage(supervisor, period, office)
        summary = selectors.mls_summary(rows)
        chart = chart_period(period, TRACES)
        cells = cache(lambda: selectors.mls_heatmap(supervisor, period))  # only a page draws the heatmap
        return ReportData(
            title=f"Supervisor {supervisor.macaddress}" + (f" (office hours, {office.label})" if office else ""),
            rows=rows,
            columns=selectors.MLS_COLUMNS,
            filename=f"{self._filename(period)}-{period.granularity}{'-office' if office else ''}",
            period=period,
            source_name=supervisor.source.name,
            figure=lambda: mls_usage_figure(
                selectors.mls_chart_usage(supervisor, period, chart, rows, office),
                average_note(chart.granularity, office),
                chart.granularity,
            ),
            page_charts={"heatmap": lambda: mls_heatmap_figure(cells(), zone, settings.OFFICE_HOURS)},
            summary=summary,
            headline=lambda: mls_headline(supervisor, summary, period, office),
            kpis=lambda: (
                summary_kpis(summary, average_note(period.granularity, office) if office else "")
                + (forecast_kpis("mls", supervisor.macaddress, summary["prepaid_peak"]) if summary else [])
            ),
            context={
                "chart_note": chart.note,
                "average_note": average_note(chart.granularity, office),
                "office_hours": settings.OFFICE_HOURS,
                "alert_query": alert_query("utilization", "mls", supervisor.macaddress, threshold=90, hours=2),
                "bucket_note": selectors.mls_bucket_note(period),
                "time_zone": zone,
                "heatmap_note": lambda: heatmap.note(cells(), settings.OFFICE_HOURS),
            },
        )


def mls_headline(supervisor, summary, period, office):
    """ "Supervisor 00:1A:… peaked at 14 of 10 licenses owned, up to 4 metered": used against what is owned (the
    entitlement, else the prepaid licenses), and the most metered where any were."""
    name = f"Supervisor {supervisor.macaddress}"
    if not summary:
        return headlines.nothing(f"minutes recorded for {name}", period)
    owned = owned_of("mls", supervisor.macaddress, summary["prepaid_peak"])
    text = headlines.peaked(name, summary["used_peak"], owned=owned, unit="licenses owned")
    if summary["metered_peak"]:
        text += f", up to {headlines.amount(summary['metered_peak'], 'metered')}"
    return text + (f" (office hours, {office.label})" if office else "")


def summary_kpis(summary, note=""):
    if not summary:
        return []
    return [
        Kpi("Peak used", summary["used_peak"]),
        Kpi("Average used", summary["used_avg"], note, kind="decimal"),
        Kpi("Peak prepaid", summary["prepaid_peak"]),
        Kpi("Peak metered", summary["metered_peak"]),
        Kpi("Average metered", summary["metered_avg"], note, kind="decimal"),
    ]
