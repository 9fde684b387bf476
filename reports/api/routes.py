"""Every URL of the API, declared once: urls.py builds the URL patterns and schema.py the OpenAPI paths from it.

A report route answers the rows of the dashboard report named by `report`, read through that page's own view
(reports.api.views.report), so its rows are the rows of the page's download by construction, and its query
parameters are the fields of the page's own form (`form`), validated by it.
"""

from dataclasses import dataclass

from reports.bigfix.forms import BigfixForm
from reports.forms import PeriodForm
from reports.lstat.forms import CompareForm, LstatPeriodForm, SnapshotForm, UsersForm
from reports.metering.forms import TenantForm
from reports.overview.forms import OverviewForm


@dataclass(frozen=True)
class ApiRoute:
    route: str  # a Django route under /api/v1/
    name: str  # the URL name, in the "api" namespace
    view: str  # the function of reports.api.views that answers it
    summary: str
    form: type | None = None  # the query-string form whose fields are its query parameters
    report: str | None = None  # the dashboard report whose rows it answers (a URL name)
    tables: tuple = ()  # the report's tables (?table=), the default first, as on its downloads
    required: tuple = ()  # query parameters without which the report shows nothing
    admin: bool = False  # for admins only, as its page is
    paged: bool = True


def _report(route, name, report, summary, form, **kwargs):
    return ApiRoute(route, name, "report", summary, form=form, report=f"reports:{report}", **kwargs)


ROUTES = (
    ApiRoute("vendors", "vendors", "vendors", "The kinds of source Meterboard reads (the vendor registry)."),
    ApiRoute("sources", "sources", "sources", "Every source and its freshness; admins also get URL, parameters, errors."),
    ApiRoute("sources/<int:pk>", "source", "source", "One source with its recent runs (admins only).", admin=True,
             paged=False),
    ApiRoute("things", "things", "things", "Every vendor's licensed things, as the overview's download, each with "
             "the API path of its report.", form=OverviewForm),
    _report("reports/mls/supervisors/<str:mac>", "mls_supervisor", "mls_supervisor",
            "An MLS supervisor's usage per period.", PeriodForm),
    _report("reports/lstat/features/<int:pk>", "lstat_feature", "lstat_feature",
            "A License Statistics feature's usage per period.", LstatPeriodForm),
    _report("reports/lstat/servers/<int:pk>", "lstat_server", "lstat_server",
            "A license server: its features' summary, or their usage per period.", LstatPeriodForm,
            tables=("summary", "usage")),
    _report("reports/lstat/compare", "lstat_compare", "lstat_compare", "Features' usage per period, side by side.",
            CompareForm, required=("features",)),
    _report("reports/lstat/users", "lstat_users", "lstat_users", "The sessions of a users snapshot.", UsersForm),
    _report("reports/lstat/highest", "lstat_highest", "lstat_highest", "The highest-usage users of a snapshot.",
            SnapshotForm),
    _report("reports/metering", "metering", "metering", "Active hours per tenant and period, or per tenant.",
            PeriodForm, tables=("series", "tenants")),
    _report("reports/metering/tenants/<str:tenant>", "metering_tenant", "metering_tenant",
            "A tenant's active hours per period, locations, users and applications.", TenantForm,
            tables=("series", "locations", "users", "applications")),
    _report("reports/metering/tenants/<str:tenant>/locations/<path:loc_id>", "metering_location",
            "metering_location", "A location's active hours, active periods, metadata, events and summaries.",
            PeriodForm, tables=("series", "intervals", "metadata", "events", "summaries")),
    _report("reports/bigfix", "bigfix", "bigfix", "BigFix products' peaks, series, top products and systems.",
            BigfixForm, tables=("peaks", "series", "top", "systems")),
    _report("reports/bigfix/<int:source_id>/products/<int:product_id>", "bigfix_product", "bigfix_product",
            "A BigFix product's peak per computer system and period.", BigfixForm, tables=("systems",)),
    _report("reports/bigfix/<int:source_id>/systems/<int:system_id>", "bigfix_system", "bigfix_system",
            "A BigFix computer system's peak per product and period.", BigfixForm, tables=("products",)),
)  # fmt: skip
BY_REPORT = {route.report: route for route in ROUTES if route.report}
