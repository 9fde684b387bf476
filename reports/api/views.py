"""The read-only JSON API: sources, licensed things, and every report's rows, paged.

A report answers with its ReportData (reports/report.py), built as for its page, email and download: the same
form validates the same query parameters and the same selectors give the same rows as the page's CSV/XLSX
download.
"""

from urllib.parse import urlsplit

from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from dashboard.roles import is_admin
from ingest.models import Source
from ingest.selectors import source_statuses
from ingest.vendors import VENDORS
from reports.api.paging import page
from reports.api.responses import ApiError, record, value
from reports.api.routes import BY_REPORT
from reports.api.schema import openapi
from reports.overview.forecast import attach_forecasts, overview_columns, overview_download_row
from reports.overview.forms import OverviewForm
from reports.overview.selectors import (
    all_things,
    overview_matches,
    overview_rows,
    sort_rows,
)
from reports.renderers import api_rows
from reports.report import InvalidParams

# Query parameters the API reads itself, never handed to a report's form.
API_PARAMS = ("limit", "offset", "page", "page_size", "format", "table")


def vendors(request, api_route):
    rows = [{"kind": v.kind, "label": v.label, "short_label": v.nav_label} for v in VENDORS]
    return page(request, rows)


def sources(request, api_route):
    admin = is_admin(request.user)
    statuses = sorted(source_statuses(), key=lambda s: s.source.name)
    return page(request, [_source(status, admin) for status in statuses])


def source(request, api_route, pk):
    if not is_admin(request.user):
        raise ApiError(403, "A source's details are for Meterboard admins: the token's user is not staff.")
    source = get_object_or_404(Source, pk=pk)
    (status,) = [s for s in source_statuses() if s.source.pk == source.pk]
    runs = [_run(run) for run in source.runs.all()[:20]]
    return JsonResponse({**_source(status, admin=True), "runs": runs})


def _source(status, admin):
    s, success = status.source, status.last_success
    data = {
        "id": s.pk, "name": s.name, "kind": s.kind, "kind_label": s.kind_label, "enabled": s.enabled,
        "stale": status.stale, "last_success_at": value(success.finished_at) if success else None,
        "last_run": _run(status.last_run, brief=True) if status.last_run else None,
    }  # fmt: skip
    if admin:  # as the Sources page: only admins see where a source points and what went wrong
        data.update(base_url=s.base_url, params=s.params, interval_minutes=s.interval_minutes)
        data.update(last_error=status.last_error or None)
    return data


def _run(run, brief=False):
    data = {"status": run.status, "started_at": value(run.started_at), "finished_at": value(run.finished_at)}
    if not brief:
        data.update(trigger=run.trigger, records_fetched=run.records_fetched, error=run.error or None)
    return data


def things(request, api_route):
    form = OverviewForm(_report_query(request, api_route), latest=timezone.localdate(), sources=Source.objects.all())
    _check(form)
    data = form.cleaned_data
    period = form.period()
    rows = overview_rows(all_things(period), form.percentile(), period.days)
    if data["server"] and data["server"] not in {r.thing.server for r in rows}:
        raise ApiError(400, f"No licensed thing is on a server named {data['server']!r}.", parameter="server")
    rows = attach_forecasts([r for r in rows if overview_matches(r, data)])
    if data["sort"]:
        rows = sort_rows(rows, data["sort"])
    columns = overview_columns()
    keys = [key for key, _label in columns]

    def thing(row):
        t = row.thing
        return {"kind": t.kind, "key": t.key, "source_id": t.source_id, **record(overview_download_row(row), keys),
                "report": _api_link(request, t.url)}  # fmt: skip

    return page(request, [thing(r) for r in rows], columns=columns, period=_period(form.period()))


def _api_link(request, url):
    """The API URL of the report at dashboard `url` (with its query), or None if the API has none."""
    path, _, query = url.partition("?")
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    route = BY_REPORT.get(f"{match.namespace}:{match.url_name}")
    if route is None:
        return None
    link = reverse(f"api:{route.name}", kwargs=match.kwargs)
    return request.build_absolute_uri(f"{link}?{query}" if query else link)


def report(request, api_route, **kwargs):
    """The rows of one table of a report, as its download holds them."""
    query = _report_query(request, api_route)
    for name in api_route.required:
        if not query.get(name):
            raise ApiError(400, f"{name}: this report needs it.", parameter=name)
    table = request.GET.get("table") or ""
    if table and table not in api_route.tables:  # raw rows, for one, are downloads only: too many to page
        choices = f"choose one of {', '.join(api_route.tables)}" if api_route.tables else "this report has one table"
        raise ApiError(400, f"table: {choices}.", parameter="table")
    if api_route.tables:
        query["table"] = table or api_route.tables[0]
    try:
        data = api_route.report(user=request.user, **kwargs).build(query)  # Http404 answers 404
    except InvalidParams as exc:
        if exc.form.errors:
            _check(exc.form)
        raise ApiError(400, "The report needs more parameters: see /api/v1/schema.") from None
    if api_route.tables:
        data = data.table_of(query["table"])
    rows, columns, period, extra = api_rows(data)
    keys = [key for key, _label in columns]
    extra = {name: _plain(field) for name, field in extra.items()}
    return page(request, [record(row, keys) for row in rows], columns=columns, period=_period(period), **extra)


def _plain(field):
    """An extra field of a report's answer (its ReportData.api) as JSON: a cell, or a dict of cells."""
    return {key: value(cell) for key, cell in field.items()} if isinstance(field, dict) else value(field)


def _report_query(request, api_route):
    """The query string the report's form reads: the request's, without the API's own parameters."""
    query = request.GET.copy()
    for name in API_PARAMS:
        query.pop(name, None)
    return query


def _check(form):
    """A form's first error as a 400 naming its parameter (all of them under "errors")."""
    if form.is_valid():
        return
    errors = {name: list(messages) for name, messages in form.errors.items()}
    name, messages = next(iter(errors.items()))
    # the period's own errors (start after end, too long a range) are the start date's
    parameter = name if name != "__all__" else "start" if "start" in form.fields else None
    message = messages[0] if name == "__all__" or messages[0].startswith(f"{name}:") else f"{name}: {messages[0]}"
    raise ApiError(400, message, parameter=parameter, errors=errors)


def _period(period):
    if period is None:
        return None
    return {"start": value(period.start), "end": value(period.end), "granularity": period.granularity}


def schema(request):
    """The OpenAPI description (public: it holds no data)."""
    if request.method not in ("GET", "HEAD"):
        return ApiError(405, "The API is read-only: use GET.", headers={"Allow": "GET, HEAD"}).response()
    return JsonResponse(openapi(request.build_absolute_uri("/")), json_dumps_params={"indent": 1})


def not_found(request, path):
    """Any other path under /api/v1/: a JSON 404, as every API answer is JSON (no token needed to learn it)."""
    return ApiError(
        404, f"Not found: the API has no {request.path}; its paths are listed at /api/v1/schema."
    ).response()
