"""Random query strings on every report page and download: a 400 with the reason at worst, never a 500.

Hypothesis draws the parameters (extreme and malformed dates, huge numbers, unicode, unknown choices) for every
URL in the reports namespace that a viewer can open, walked from the URL patterns so a new report is fuzzed too.
"""

from datetime import date

import pytest
from django.urls import URLResolver, get_resolver, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.models import IngestRun
from ingest.services import run_fetch
from ingest.vendors.bigfix.models import BigfixSoftwareTitle, BigfixUsage
from ingest.vendors.lstat.models import LstatFeature, LstatServer
from ingest.vendors.metering.models import MeteringInterval
from tests.conftest import MAC_A

pytestmark = pytest.mark.django_db

# Pages that take no report parameters, or need a saved subscription, or are for admins only.
NOT_FUZZED = {"seat_price", "entitlement", "import_entitlements", "alerts", "subscription", "subscription_send"}
PARAMS = [
    "start", "end", "granularity", "format", "table", "by", "metric", "p", "kind", "source", "server", "sort",
    "features", "at", "snapshot", "feature", "user", "report",
]  # fmt: skip
EXTREMES = [
    "9999-12-31", "0001-01-01", "1969-12-31", "1970-01-01", "2026-02-30", "2026-13-01", "0000-00-00", "-1",
    "99999999999999999999", "1e308", "nan", "inf", "2026-03-04T25:61", "0001-01-01T00:00", "9999-12-31T23:59",
    "hour", "day", "week", "month", "quarter", "csv", "xlsx", "raw", "users", "", " ", "\u00e9t\u00e9", "\u2603",
]  # fmt: skip
values = st.one_of(
    st.sampled_from(EXTREMES),
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12),
)
DATE_EXTREMES = ["9999-12-31", "0001-01-01", "0001-01-02", "1969-12-31", "1970-01-01", "2026-03-04", "2100-01-01"]
dates = st.one_of(
    st.sampled_from(DATE_EXTREMES),
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat),
    values,
)
# The dates most often, since the period is what every report computes with; anything else besides.
queries = st.builds(
    lambda dated, other: {**other, **dated},
    st.fixed_dictionaries({}, optional={"start": dates, "end": dates, "at": dates}),
    st.dictionaries(st.sampled_from(PARAMS), values, max_size=5),
)


def fetched_report_args(mls_source, metering_source, lstat_source, bigfix_source):
    """Fetch every vendor's source from its simulator once; the URL args of each report that takes some."""
    for source in (mls_source, metering_source, lstat_source, bigfix_source):
        run = run_fetch(source)
        assert run.status == IngestRun.Status.SUCCEEDED, run.error
    interval = MeteringInterval.objects.first()
    return {
        "mls_supervisor": [MAC_A],
        "metering_tenant": [interval.tenant],
        "metering_location": [interval.tenant, interval.loc_id],
        "lstat_feature": [LstatFeature.objects.first().pk],
        "lstat_server": [LstatServer.objects.first().pk],
        "bigfix_product": [bigfix_source.pk, BigfixSoftwareTitle.objects.first().software_title_id],
        "bigfix_system": [bigfix_source.pk, BigfixUsage.objects.first().computer_system_id],
    }


def report_names(patterns=None):
    """The names of every URL in the reports namespace."""
    for pattern in get_resolver().namespace_dict["reports"][1].url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from report_names(pattern.url_patterns)
        elif pattern.name:
            yield pattern.name


@pytest.fixture
def report_urls(sim, lstat_clock, mls_source, metering_source, lstat_source, bigfix_source):
    """Every fuzzed report URL, with stored data behind it (each vendor fetched from its simulator once)."""
    args = fetched_report_args(mls_source, metering_source, lstat_source, bigfix_source)
    names = sorted(set(report_names()) - NOT_FUZZED)
    return [reverse(f"reports:{name}", args=args.get(name, [])) for name in names]


def test_every_report_url_is_walked(report_urls):
    assert {"/", f"/mls/{MAC_A}/", "/metering/", "/lstat/compare/", "/bigfix/"} <= set(report_urls)
    assert len(report_urls) >= 14


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_query_strings_never_get_a_500(viewer, report_urls, data):
    url = data.draw(st.sampled_from(report_urls), label="url")
    query = data.draw(queries, label="query")

    response = viewer.get(url, query)
    if response.streaming:  # a download fails while it streams, if at all
        b"".join(response.streaming_content)

    assert response.status_code < 500, (url, query)
