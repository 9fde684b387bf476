"""A subscribed report's ReportData: the same Report, form and selectors as its page and its download."""

import logging
from urllib.parse import urlsplit

from django.http import Http404, QueryDict
from django.urls import Resolver404, resolve

from dashboard.roles import viewer_view
from ingest.vendors import VENDORS
from reports.report import InvalidParams

log = logging.getLogger(__name__)

# The vendors' prefixes (/mls/..., /lstat/...): a page there that is no report lists reports.
REPORT_PREFIXES = frozenset(vendor.kind for vendor in VENDORS)


class ReportError(Exception):
    """The subscribed report cannot be produced: gone, not a report page, or a bad query."""


def split_report(report):
    """(path, query) of a report reference such as /mls/00:1A:2B:3C:4D:5E/?granularity=day."""
    parts = urlsplit((report or "").strip())
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        raise ReportError(f"give the report as a dashboard path such as /mls/<MAC>/?granularity=day, not {report!r}")
    return parts.path, parts.query


def capture(report, *, start=None, end=None, user=None):
    """The ReportData of `report` (a path with its query), with the period set to start..end if given, as `user`
    (a subscription's owner) would see it: people's names as NAMES_VISIBLE_TO lets them.

    Only a subscribable Report behind a viewer URL is built (the registry's vendors' reports, ingest.vendors, and
    the shared ones such as the renewals), so no subscription can mail an admin page or a page that is no
    report."""
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
    report_class = getattr(view, "report_class", None)
    if report_class is None:
        if view is not None and match.url_name and match.route.partition("/")[0] in REPORT_PREFIXES:
            raise ReportError(f"{path} is a list of reports, not a report: subscribe to one of the reports it links to")
        raise ReportError(f"{path} is not a report page: subscribe with the Subscribe button of a report")
    if not report_class.subscribable:
        raise ReportError(f"{path} cannot be subscribed to")
    try:
        return report_class(user=user, **match.kwargs).build(params)
    except Http404 as exc:
        raise ReportError(f"the report at {path} no longer exists ({exc})") from None
    except InvalidParams as exc:
        raise ReportError(f"the report's filters are invalid: {exc.message()}") from None
    except Exception as exc:  # a bug: the send fails visibly, the traceback is logged
        log.exception("Building %s for an email failed", path)
        raise ReportError(f"{path} could not be rendered as a report ({type(exc).__name__})") from None
