"""The overview: every licensed thing of every source in one table, with callouts, right-sizing and cost (a
Report: its page, CSV/XLSX and PDF render one ReportData); and the admins' seat prices."""

from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.module_loading import import_string
from django.views.decorators.http import require_POST

from ingest.models import Source
from ingest.selectors import source_statuses
from ingest.tables import status_table
from ingest.vendors import BY_KIND, VENDORS
from reports.overview.forecast import attach_forecasts, overview_columns, overview_download_row
from reports.overview.forms import DEFAULT_PERCENTILE, OverviewForm
from reports.overview.models import Entitlement
from reports.overview.renewals import CALLOUT_DAYS, renewal_rows, renewing
from reports.overview.selectors import (
    SORTS,
    all_things,
    callouts,
    overview_matches,
    overview_rows,
    sort_rows,
    totals,
)
from reports.overview.tables import GLOSSARY, overview_table
from reports.renderers import pdf_query, query_with
from reports.report import InvalidParams, Report, ReportData

TEMPLATE = "reports/home.html"
COLUMNS = overview_columns()


class Overview(Report):
    """Every licensed thing of every source in one table, with callouts, right-sizing and cost; its download is
    the table's every row (each with its forecast), its PDF the figures over the table's first rows."""

    name = "home"
    path = ""
    template = TEMPLATE
    form_class = OverviewForm
    subscribable = False  # mailed, it would be the whole table: its things' own reports are subscribed to

    def setup(self):
        self.sources = Source.objects.order_by("name")
        statuses = source_statuses()
        return {
            "statuses": statuses, "status_table": status_table(statuses), "cards": _cards(),
            "currency": settings.CURRENCY, "period": None, "servers": [], "percentile": DEFAULT_PERCENTILE,
            "glossary": GLOSSARY,
        }  # fmt: skip

    def form(self, params):
        return OverviewForm(params, latest=timezone.localdate(), sources=self.sources)

    def validated(self, params):
        """The valid form, and every licensed thing of its period (`self.every_row`), which its server is on."""
        form = super().validated(params)
        period, server = form.period(), form.cleaned_data["server"]
        self.every_row = overview_rows(all_things(period), form.percentile(), period.days, self.context["statuses"])
        if server and server not in {r.thing.server for r in self.every_row}:
            form.add_error("server", f"No licensed thing is on a server named {server!r}.")
            raise InvalidParams(form)
        return form

    def build_data(self, form, params):
        period, data, every_row = form.period(), form.cleaned_data, self.every_row
        rows = [r for r in every_row if overview_matches(r, data)]
        if data["sort"]:
            rows = sort_rows(rows, data["sort"])
        # a page of the rows at a time (?page=N), sorted above across all of them; the callouts read every row
        table = overview_table(rows, _sort_links(params, data["sort"])).paginate(params)
        attach_forecasts(rows, shown=table.pager.rows if table.pager else None)  # the page's rows only

        def download_rows():  # a download keeps every row, each with its forecast
            return [overview_download_row(r) for r in (attach_forecasts(rows) if table.pager else rows)]

        return ReportData(
            title="Overview", rows=SimpleLazyObject(download_rows), columns=COLUMNS, sheet="Overview",
            filename=f"overview-{period.start}-{period.end}", period=period,
            source_name=_source_name(data, self.sources), summary=_summary(rows), table=table, page_rows=rows,
            context=self.page_context(form, params, every_row, rows),
        )  # fmt: skip

    def page_context(self, form, params, every_row, rows):
        """What else the page shows: the callouts, renewals, totals and filters."""
        data, days, sums = form.cleaned_data, form.period().days, totals(rows)
        return {
            "days": days, "servers": sorted({r.thing.server for r in every_row if r.thing.server}),
            "percentile": form.percentile(), "callouts": callouts(rows, self.context["statuses"], days),
            "renewals": _renewals(every_row, rows, data), "renewal_days": CALLOUT_DAYS,
            "unused_total": sums["unused"], "totals": sums, "total_denials": sum(r.thing.denials or 0 for r in rows),
            "next": f"{reverse('reports:home')}?{params.urlencode()}" if params else reverse("reports:home"),
            "downloads": {
                "csv": query_with(params, format="csv"), "xlsx": query_with(params, format="xlsx"),
                "pdf": pdf_query(params),
            },
        }  # fmt: skip


home = Overview.as_view()


def _renewals(every_row, rows, data):
    """The callout's renewals of the next quarter: of the rows the filters keep, or of every entitlement."""
    today = timezone.localdate()
    found = renewal_rows(every_row, renewing(today, CALLOUT_DAYS), today)
    if not (data["kind"] or data["source"] is not None or data["server"]):
        return found
    shown = {r.thing.stable_key for r in rows}
    return [r for r in found if r["key"] in shown]


def _source_name(data, sources):
    """The sources the overview's rows come from, as its filters say."""
    if data["source"] is not None:
        return next((s.name for s in sources if s.pk == data["source"]), "")
    return f"All {BY_KIND[data['kind']].nav_label} sources" if data["kind"] else "All sources"


def _summary(rows):
    """The overview's figures, as its PDF prints them over the first rows of the download's table."""
    costs = [r.unused_cost for r in rows if r.unused_cost is not None]
    return {
        "licensed_things": len(rows),
        "denials": sum(r.thing.denials or 0 for r in rows),
        "things_with_seats_never_used": sum(1 for r in rows if r.underused),
        "unused_seats_cost_a_year": f"{sum(costs):,.2f} {settings.CURRENCY}" if costs else "—",
    }


def _sort_links(params, current):
    """?sort= for each column header: descending first (the biggest figures matter), again to flip."""
    links = {}
    for key in SORTS:
        query = params.copy()
        query["sort"] = key if current == f"-{key}" else f"-{key}"
        query.pop("page", None)  # a new order starts at its first page
        links[key] = {"query": "?" + query.urlencode(), "dir": _direction(current, key)}
    return links


def _direction(current, key):
    return "desc" if current == f"-{key}" else "asc" if current == key else ""


def _cards():
    cards = []
    for vendor in VENDORS:
        template, context = vendor.home_card
        cards.append((template, import_string(context)()))
    return cards


@require_POST
def seat_price(request):
    """Admins set (or, with a blank price, clear) the price per seat per year of one licensed thing."""
    kind, key, label = request.POST.get("kind", ""), request.POST.get("key", ""), request.POST.get("label", "")
    raw = request.POST.get("price", "").strip().replace(",", "")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        target = "reports:home"
    if kind not in BY_KIND or not key or len(key) > 300:
        messages.error(request, "Unknown licensed thing: the price was not saved.")
        return redirect(target)
    if not raw:
        entitlement = Entitlement.objects.filter(kind=kind, key=key).first()
        if entitlement is not None:
            entitlement.price_per_year = None
            entitlement.delete() if entitlement.is_empty() else entitlement.save()
        messages.success(request, f"Price of {label or key} cleared.")
        return redirect(target)
    try:
        price = Decimal(raw)
        if not price.is_finite() or price < 0 or price >= Decimal("1e10"):
            raise InvalidOperation
    except InvalidOperation:
        messages.error(request, f"{raw!r} is not a price: enter a number of {settings.CURRENCY} per seat per year.")
        return redirect(target)
    Entitlement.objects.update_or_create(
        kind=kind, key=key, defaults={"price_per_year": price.quantize(Decimal("0.01")), "label": label[:300]}
    )
    messages.success(request, f"Price of {label or key} set to {price:,.2f} {settings.CURRENCY} per seat per year.")
    return redirect(target)
