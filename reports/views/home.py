"""The overview: every licensed thing of every source in one table, with callouts, right-sizing and cost."""

from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.module_loading import import_string
from django.views.decorators.http import require_POST

from ingest.models import Source
from ingest.selectors import source_statuses
from ingest.tables import status_table
from ingest.vendors import BY_KIND, VENDORS
from reports.exports import REPORT_FORMATS, About, download
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
from reports.views.common import page_url, pdf_download, pdf_query, query_with, unknown_format

TEMPLATE = "reports/home.html"


def home(request):
    sources = Source.objects.order_by("name")
    form = OverviewForm(request.GET, latest=timezone.localdate(), sources=sources)
    statuses = source_statuses()
    context = {
        "statuses": statuses, "status_table": status_table(statuses), "cards": _cards(), "currency": settings.CURRENCY,
        "period": None, "servers": [], "percentile": DEFAULT_PERCENTILE, "glossary": GLOSSARY,
    }  # fmt: skip
    if not form.is_valid():
        return render(request, TEMPLATE, {**context, "form": form, "rows": []}, status=400)
    period, data = form.period(), form.cleaned_data
    days = period.days
    rows = overview_rows(all_things(period), form.percentile(), days)
    servers = sorted({r.thing.server for r in rows if r.thing.server})
    if data["server"] and data["server"] not in {r.thing.server for r in rows}:
        form.add_error("server", f"No licensed thing is on a server named {data['server']!r}.")
        return render(request, TEMPLATE, {**context, "form": form, "rows": []}, status=400)
    every_row, rows = rows, [r for r in rows if overview_matches(r, data)]
    if data["sort"]:
        rows = sort_rows(rows, data["sort"])
    fmt = request.GET.get("format")
    if fmt:
        if fmt not in REPORT_FORMATS:
            return unknown_format(fmt)
        attach_forecasts(rows)  # downloads keep every row, each with its forecast
        name = f"overview-{period.start}-{period.end}"
        if fmt == "pdf":
            return pdf_download(request, TEMPLATE, _pdf_report(rows, period, name))
        about = About("Overview", _source_name(data, sources), period, page_url(request))
        return download(fmt, name, COLUMNS, [overview_download_row(r) for r in rows], sheet="Overview", about=about)
    sums = totals(rows)
    # a page of the rows at a time (?page=N), sorted above across all of them; the callouts read every row
    table = overview_table(rows, _sort_links(request, data["sort"])).paginate(request.GET)
    attach_forecasts(rows, shown=table.pager.rows if table.pager else None)  # only shown: the page's rows
    return render(request, TEMPLATE, {
        **context, "form": form, "rows": rows, "period": period, "days": days, "servers": servers,
        "percentile": form.percentile(), "callouts": callouts(rows, context["statuses"], days),
        "renewals": _renewals(every_row, rows, data),
        "renewal_days": CALLOUT_DAYS,
        "unused_total": sums["unused"], "totals": sums,
        "total_denials": sum(r.thing.denials or 0 for r in rows), "next": request.get_full_path(),
        "table": table,
        "downloads": {
            "csv": query_with(request, format="csv"), "xlsx": query_with(request, format="xlsx"), "pdf": pdf_query(request),
        },
    })  # fmt: skip


COLUMNS = overview_columns()


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


def _pdf_report(rows, period, filename):
    """The overview as the PDF prints it: its figures over the first rows of the download's table."""
    costs = [r.unused_cost for r in rows if r.unused_cost is not None]
    summary = {
        "licensed_things": len(rows),
        "denials": sum(r.thing.denials or 0 for r in rows),
        "things_with_seats_never_used": sum(1 for r in rows if r.underused),
        "unused_seats_cost_a_year": f"{sum(costs):,.2f} {settings.CURRENCY}" if costs else "—",
    }
    return {
        "rows": [overview_download_row(r) for r in rows], "columns": COLUMNS, "filename": filename,
        "period": period, "summary": summary,
    }  # fmt: skip


def _sort_links(request, current):
    """?sort= for each column header: descending first (the biggest figures matter), again to flip."""
    links = {}
    for key in SORTS:
        query = request.GET.copy()
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
