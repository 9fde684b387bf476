from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from dashboard.tables import Column, Kpi, Table
from ingest.vendors.mls.parsing import normalize_mac
from reports import heatmap
from reports.alerts.series import alert_query
from reports.exports import FORMATS, About, raw_download
from reports.forms import PeriodForm
from reports.mls import selectors
from reports.mls.charts import TRACES, mls_heatmap_figure, mls_usage_figure
from reports.overview.forecast import forecast_kpis
from reports.periods import chart_period
from reports.views.common import figure_json, invalid_form, page_url, query_with, render_report, unknown_format

TEMPLATE = "reports/mls/supervisor.html"


def supervisor_list(request):
    supervisors = Table(
        [
            Column("macaddress", "Supervisor", link="reports:mls_supervisor", link_args=("macaddress",)),
            Column("source", "Source"),
            Column("first", "First day", format="Y-m-d"),
            Column("last", "Last day", format="Y-m-d"),
        ],
        selectors.mls_supervisors(),
        sortable=False,
    )
    return render(request, "reports/mls/supervisors.html", {"supervisors": supervisors})


def supervisor(request, mac):
    try:
        supervisor = selectors.mls_supervisor(normalize_mac(mac))
    except ValueError:
        supervisor = None
    if supervisor is None:
        raise Http404("No such supervisor")
    mac = supervisor.macaddress
    form = PeriodForm(request.GET, latest=selectors.mls_latest_day(supervisor))
    if not form.is_valid():
        return invalid_form(request, TEMPLATE, form, mac=mac)
    period = form.period()
    filename = f"mls-{mac.replace(':', '')}-{period.start}-{period.end}"
    if request.GET.get("table") == "raw" and request.GET.get("format"):  # every stored minute of the period
        if request.GET["format"] not in FORMATS:
            return unknown_format(request.GET["format"], FORMATS)
        minutes = selectors.mls_raw_minutes(supervisor, period.start_dt, period.end_dt)
        about = About(f"Supervisor {mac}: every stored minute", supervisor.source.name, period, page_url(request))
        return raw_download(
            request.GET["format"], f"{filename}-minutes", selectors.MLS_RAW_COLUMNS, minutes, about=about
        )
    rows = selectors.mls_usage(supervisor, period)
    summary = selectors.mls_summary(rows)
    chart = chart_period(period, TRACES)
    return render_report(
        request,
        TEMPLATE,
        form=form,
        rows=rows,
        columns=selectors.MLS_COLUMNS,
        filename=f"{filename}-{period.granularity}",
        figure=lambda: mls_usage_figure(
            rows if chart.granularity == period.granularity else selectors.mls_usage(supervisor, chart)
        ),
        chart_note=chart.note,
        mac=mac,
        supervisor=supervisor,
        title=f"Supervisor {mac}",
        source_name=supervisor.source.name,
        alert_query=alert_query("utilization", "mls", supervisor.macaddress, threshold=90, hours=2),
        period=period,
        summary=summary,
        kpis=SimpleLazyObject(  # the forecast reads 26 weeks of peaks: for the page only, never for a download
            lambda: summary_kpis(summary) + (forecast_kpis("mls", mac, summary["prepaid_peak"]) if summary else [])
        ),
        bucket_note=selectors.mls_bucket_note(period),
        time_zone=timezone.get_current_timezone_name(),
        **_heatmap_context(request, supervisor, period),
    )


def _heatmap_context(request, supervisor, period):
    """The weekday x hour heatmap and the raw-minute download links (only a page draws them)."""
    if request.GET.get("format") or getattr(request, "capture_report", False):
        return {}
    cells = selectors.mls_heatmap(supervisor, period)
    return {
        "heatmap_json": figure_json(mls_heatmap_figure(cells, timezone.get_current_timezone_name())),
        "heatmap_note": heatmap.note(cells),
        "raw_csv_query": query_with(request, table="raw", format="csv"),
        "raw_xlsx_query": query_with(request, table="raw", format="xlsx"),
    }


def summary_kpis(summary):
    if not summary:
        return []
    return [
        Kpi("Peak used", summary["used_peak"]),
        Kpi("Average used", summary["used_avg"], kind="decimal"),
        Kpi("Peak prepaid", summary["prepaid_peak"]),
        Kpi("Peak metered", summary["metered_peak"]),
        Kpi("Average metered", summary["metered_avg"], kind="decimal"),
    ]


def home_card():
    """The context of this vendor's card on the home page."""
    return {"supervisors": selectors.mls_supervisors()}
