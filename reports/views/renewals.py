"""Renewals: the entitlements renewing in the next N days (?days=N), soonest first; downloadable and subscribable."""

from django.utils import timezone

from dashboard.tables import Column, Kpi, Table
from reports import headlines
from reports.overview.renewal_forms import RenewalsForm
from reports.overview.renewals import COLUMNS, MAX_DAYS, renewal_rows, renewing
from reports.overview.selectors import all_things, overview_rows
from reports.report import Report, ReportData
from reports.templatetags.overview import money, number


class Renewals(Report):
    """Every vendor's entitlements renewing in the next ?days=, with their licensed things' figures."""

    name = "renewals"
    path = "renewals/"
    template = "reports/renewals.html"
    form_class = RenewalsForm

    @classmethod
    def example(cls):
        return ({}, {"days": MAX_DAYS}) if renewing(timezone.localdate(), MAX_DAYS) else None  # every renewal

    def setup(self):
        self.today = timezone.localdate()
        return {"title": "Renewals", "days": None, "today": self.today, "period": None}

    def form(self, params):
        return RenewalsForm(params, latest=self.today)

    def build_data(self, form, params):
        today, period, days = self.today, form.period(), form.ahead()
        entitlements = renewing(today, days)
        things = all_things(period) if entitlements else []
        rows = renewal_rows(overview_rows(things, form.percentile(), period.days), entitlements, today)
        return ReportData(
            title=f"Renewals in the next {days} days", rows=rows, columns=COLUMNS,
            filename=f"renewals-{today}-{days}d", period=period, source_name="All sources",
            table=renewals_table(rows), kpis=_kpis(rows), summary=_summary(rows, days),
            headline=lambda: _headline(rows, days), context={
                "days": days, "extra_filters": [("days", days), ("p", form.cleaned_data.get("p") or "")],
            },
        )  # fmt: skip


def _total(rows, key):
    values = [r[key] for r in rows if r[key] is not None]
    return sum(values) if values else None


def _summary(rows, days):
    return {
        "renewals": len(rows),
        "days_ahead": days,
        "saving_per_year": _total(rows, "saving"),
        "over_deployed_renewals": sum(1 for r in rows if r["over_deployed"]),
    }


def _headline(rows, days):
    """The soonest renewal, its peak against what is owned, among how many."""
    if not rows:
        return f"No renewals in the next {days} days"
    r = rows[0]
    peak = (
        headlines.peaked(r["name"], r["peak"], owned=r["owned"], unit=r["unit"]) if r["peak"] is not None else r["name"]
    )
    return f"{peak}; it renews on {r['renews_on']:%Y-%m-%d}, the first of {headlines.plural(len(rows), 'renewal')} in the next {days} days"


def _kpis(rows):
    soonest = rows[0] if rows else None
    return [
        Kpi("Renewals", len(rows)),
        Kpi("Next", soonest["renews_on"].isoformat() if soonest else "—", soonest["name"] if soonest else ""),
        Kpi("Saving per year at right-size", money(_total(rows, "saving")) or "—"),
        Kpi("Over-deployed", sum(1 for r in rows if r["over_deployed"]), "renewals that need a true-up"),
    ]


def renewals_table(rows):
    figure = lambda key: Column(key, dict(COLUMNS)[key], value=lambda r, k=key: number(r[k]), numeric=True)  # noqa: E731
    columns = [
        Column("renews_on", "Renews on", value=lambda r: r["renews_on"].isoformat()),
        figure("days_left"),
        Column("name", "Licensed thing", link=lambda r: r["url"] or None),
        Column("vendor", "Vendor"),
        Column("reference", "Reference"),
        Column("owned", "Owned", value=lambda r: f"{number(r['owned'])} {r['unit']}" if r["owned"] is not None else "—", numeric=True),
        figure("peak"),
        figure("needed"),
        Column("saving", "Saving / year", value=lambda r: money(r["saving"]), numeric=True),
        figure("over_deployed"),
        Column("forecast", "Reaches owned"),
    ]  # fmt: skip
    return Table(columns, rows, "renewals", id="renewals", row_css=lambda r: "denied" if r["over_deployed"] else "")
