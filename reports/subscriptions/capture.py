"""Run a report page's own view for an email: the same view, form and selectors as the page and its download."""

import logging
from urllib.parse import urlsplit

from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest, QueryDict
from django.urls import Resolver404, resolve

from dashboard.roles import viewer_view
from ingest.vendors import VENDORS
from reports.views.common import CapturedReport

log = logging.getLogger(__name__)

# Reports live under their vendor's prefix (/mls/..., /lstat/...), and the renewals (/renewals/, across
# vendors): no other page is run for an email.
REPORT_PREFIXES = frozenset(vendor.kind for vendor in VENDORS) | {"renewals"}


class ReportError(Exception):
    """The subscribed report cannot be produced: gone, not a report page, or a bad query."""


def split_report(report):
    """(path, query) of a report reference such as /mls/00:1A:2B:3C:4D:5E/?granularity=day."""
    parts = urlsplit((report or "").strip())
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        raise ReportError(f"give the report as a dashboard path such as /mls/<MAC>/?granularity=day, not {report!r}")
    return parts.path, parts.query


def capture(report, *, start=None, end=None, user=None):
    """The CapturedReport of `report` (a path with its query), with the period set to start..end if given,
    as `user` (a subscription's owner) would see it: people's names as NAMES_VISIBLE_TO lets them."""
    path, query = split_report(report)
    try:
        match = resolve(path)
    except Resolver404:
        raise ReportError(f"no report at {path}") from None
    params = QueryDict(query, mutable=True)
    for key in ("format", "table"):
        params.pop(key, None)
    if start and end:
        params["start"], params["end"] = start.isoformat(), end.isoformat()
    view = viewer_view(match.func)
    if view is None or match.route.partition("/")[0] not in REPORT_PREFIXES:
        raise ReportError(f"{path} is not a report page: subscribe with the Subscribe button of a report")
    request = _request(path, params, user)
    try:
        response = view(request, *match.args, **match.kwargs)
    except Http404 as exc:
        raise ReportError(f"the report at {path} no longer exists ({exc})") from None
    except Exception as exc:  # a page that is no report (or a bug): the send fails visibly, the traceback is logged
        log.exception("Rendering %s for an email failed", path)
        raise ReportError(f"{path} could not be rendered as a report ({type(exc).__name__})") from None
    if not isinstance(response, CapturedReport):
        raise ReportError(f"{path} is a list of reports, not a report: subscribe to one of the reports it links to")
    if response.status_code != 200:
        errors = "; ".join(" ".join(errs) for errs in response.form.errors.values())
        raise ReportError(f"the report's filters are invalid: {errors}")
    return response


def _request(path, params, user=None):
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = path
    request.GET = params
    request.META = {"SERVER_NAME": "meterboard", "SERVER_PORT": "80", "QUERY_STRING": params.urlencode()}
    request.user = user or AnonymousUser()
    request.capture_report = True
    return request
