"""Random query strings on every report page and download: a 400 with the reason at worst, never a 500.

Hypothesis draws the parameters (extreme and malformed dates, huge numbers, unicode, unknown choices) for every
URL in the reports namespace that a viewer can open: every report of the registry at its example (tests/walks.py),
and the other pages walked from the URL patterns, so a new report is fuzzed too.
"""

from datetime import date

import pytest
from django.urls import NoReverseMatch, URLResolver, get_resolver, resolve, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import MAC_A
from tests.walks import every_report, examples

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


def report_names(patterns=None):
    """The names of every URL in the reports namespace."""
    for pattern in get_resolver().namespace_dict["reports"][1].url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from report_names(pattern.url_patterns)
        elif pattern.name:
            yield pattern.name


@pytest.fixture
def report_urls(walked):
    """Every report at its example (tests/walks.py: the registry's reports), and every other page of the reports
    namespace that names nothing in its URL, with stored data behind them (each vendor fetched once)."""
    reports = {example.report.name: example.url for example in examples()}
    others = set(report_names()) - NOT_FUZZED - set(reports)
    pages = []
    for name in sorted(others):
        try:
            pages.append(reverse(f"reports:{name}"))
        except NoReverseMatch:
            raise AssertionError(f"reports:{name} names objects in its URL: make it a Report with an example") from None
    return sorted({*reports.values(), *pages})


def test_every_report_url_is_walked(report_urls):
    walked = {getattr(resolve(url).func, "report_class", None) for url in report_urls}
    assert set(every_report()) <= walked  # each report's example opens that report
    assert {"/", f"/mls/{MAC_A}/", "/metering/", "/lstat/compare/", "/bigfix/", "/renewals/"} <= set(report_urls)
    assert len(report_urls) >= 20


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_query_strings_never_get_a_500(viewer, report_urls, data):
    url = data.draw(st.sampled_from(report_urls), label="url")
    query = data.draw(queries, label="query")

    response = viewer.get(url, query)
    if response.streaming:  # a download fails while it streams, if at all
        b"".join(response.streaming_content)

    assert response.status_code < 500, (url, query)
