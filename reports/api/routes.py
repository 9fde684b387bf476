"""Every URL of the API, declared once: urls.py builds the URL patterns and schema.py the OpenAPI paths from it.

The report routes are the registry's reports (ingest.vendors: each vendor's `reports`) that declare an
`api_route`: each answers the rows of that report's ReportData (reports.api.views.report), so its rows are the rows
of the page's download by construction, and its query parameters are the fields of the report's own form, validated
by it.
"""

from dataclasses import dataclass

from ingest.vendors import all_reports
from reports.overview.forms import OverviewForm


@dataclass(frozen=True)
class ApiRoute:
    route: str  # a Django route under /api/v1/
    name: str  # the URL name, in the "api" namespace
    view: str  # the function of reports.api.views that answers it
    summary: str
    form: type | None = None  # the query-string form whose fields are its query parameters
    report: type | None = None  # the reports.report.Report whose rows it answers
    tables: tuple = ()  # the report's tables (?table=), the default first, as on its downloads
    required: tuple = ()  # query parameters without which the report shows nothing
    admin: bool = False  # for admins only, as its page is
    paged: bool = True


def report_route(report):
    """The API route of a Report class (one with an `api_route`)."""
    return ApiRoute(
        report.api_route, report.name, "report", report.api_summary, form=report.form_class, report=report,
        tables=tuple(report.tables), required=tuple(report.required),
    )  # fmt: skip


ROUTES = (
    ApiRoute("vendors", "vendors", "vendors", "The kinds of source Meterboard reads (the vendor registry)."),
    ApiRoute("sources", "sources", "sources", "Every source and its freshness; admins also get URL, parameters, errors."),
    ApiRoute("sources/<int:pk>", "source", "source", "One source with its recent runs (admins only).", admin=True,
             paged=False),
    ApiRoute("things", "things", "things", "Every vendor's licensed things, as the overview's download, each with "
             "the API path of its report.", form=OverviewForm),
    *(report_route(report) for report in all_reports() if report.api_route),
)  # fmt: skip
BY_REPORT = {f"reports:{route.report.name}": route for route in ROUTES if route.report}
