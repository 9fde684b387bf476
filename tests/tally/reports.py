"""Tally's report: one counter's hourly peaks and seats over a period, downloadable, subscribable, in the API."""

from django.http import Http404

from dashboard.tables import Kpi
from reports.forms import PeriodForm
from reports.report import Report, ReportData, source_names
from tests.tally import selectors
from tests.tally.charts import counter_figure

COLUMNS = [("hour", "Hour"), ("used", "Used"), ("seats", "Seats")]


class Counter(Report):
    """A counter's peak and seats, hour by hour."""

    name = "tally_counter"
    path = "<str:counter>/"
    template = "reports/tally/counter.html"
    api_route = "reports/tally/counters/<str:counter>"
    api_summary = "A Tally counter's peak and seats, hour by hour."
    form_class = PeriodForm

    @classmethod
    def example(cls):
        counters = selectors.tally_counters()
        return ({"counter": counters[0]["counter"]}, {"granularity": "hour"}) if counters else None  # hours only

    def setup(self, counter):
        if not selectors.counter_exists(counter):
            raise Http404("No such counter")
        self.counter = counter
        return {"counter": counter}

    def form(self, params):
        return PeriodForm(params, latest=selectors.latest_day(self.counter), granularities=["hour"])

    def build_data(self, form, params):
        period = form.period()
        rows = selectors.counter_hours(self.counter, period)
        peak = max((row["used"] for row in rows), default=None)
        return ReportData(
            title=f"Counter {self.counter}",
            rows=rows,
            columns=COLUMNS,
            filename=f"tally-{self.counter}-{period.start}-{period.end}",
            period=period,
            source_name=source_names(kind="tally"),
            figure=lambda: counter_figure(rows),
            summary={"peak": peak, "hours": len(rows)} if rows else None,
            kpis=[Kpi("Peak used", peak), Kpi("Hours", len(rows))] if rows else [],
        )
