"""The overview: every licensed thing of every source in one table, with right-sizing, cost and callouts."""

import csv
import math
import re
from collections import Counter
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from html import unescape
from urllib.parse import parse_qs

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from ingest.services import run_fetch
from ingest.vendors import VENDORS
from ingest.vendors.bigfix.models import BigfixUsage
from ingest.vendors.lstat.models import LstatFeature, LstatUsage
from ingest.vendors.metering.models import MeteringEvent, MeteringInterval
from ingest.vendors.mls.models import MlsRecord
from reports.overview.models import Entitlement
from reports.overview.summaries import rebuild_source
from reports.overview.things import seats_covering
from tests.conftest import MAC_A, SIM_END

pytestmark = pytest.mark.django_db
END = SIM_END.date()
START = END - timedelta(days=89)
HOME = reverse("reports:home")


def overview(client, **query):
    response = client.get(HOME, {"start": START, "end": END, **query})
    assert response.status_code == 200, response.content.decode()[:2000]
    return response


def text(response):
    """The page's words, without tags."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def row_of(response, kind, key):
    return next(r for r in response.context["rows"] if r.thing.kind == kind and r.thing.key == key)


def feature(name):
    return LstatFeature.objects.get(name=name)


def period_bounds():
    zone = timezone.get_current_timezone()
    return (
        timezone.make_aware(datetime.combine(START, time.min), zone),
        timezone.make_aware(datetime.combine(END + timedelta(days=1), time.min), zone),
    )


def test_every_vendor_contributes_its_licensed_things(viewer, all_fetched):
    page = overview(viewer)
    rows = page.context["rows"]
    for vendor in VENDORS:  # what peak means where it is not seats in use, as each vendor declares it
        assert (f"; {vendor.nav_label}: {escape(vendor.peak_note)}" in page.content.decode()) == bool(vendor.peak_note)

    assert {r.thing.kind for r in rows} == {v.kind for v in VENDORS}
    assert {r.thing.name for r in rows if r.thing.kind == "metering"} == {"acme", "globex"}
    assert len([r for r in rows if r.thing.kind == "mls"]) == 2
    assert all(r.thing.url for r in rows)


def test_a_supervisor_row_holds_its_minutes_figures(viewer, all_fetched):
    start, end = period_bounds()
    minutes = [
        (datetime.combine(r.ts_date, r.ts_time, UTC), r.lic_used, r.lic_prepaid)
        for r in MlsRecord.objects.filter(supervisor__macaddress=MAC_A)
    ]
    minutes = [m for m in minutes if start <= m[0].replace(minute=0) < end]
    hourly = Counter()
    for moment, used, _prepaid in minutes:
        hour = moment.replace(minute=0)
        hourly[hour] = max(hourly[hour], used)
    last_hour = max(hourly)
    needed = sorted(hourly.values())[math.ceil(0.99 * len(hourly)) - 1]

    row = row_of(overview(viewer), "mls", MAC_A)

    assert row.thing.peak == max(used for _m, used, _p in minutes)
    assert row.thing.average == round(sum(used for _m, used, _p in minutes) / len(minutes), 2)
    assert row.thing.owned == max(p for m, _u, p in minutes if m.replace(minute=0) > last_hour - timedelta(days=30))
    assert row.thing.owned_from == "vendor"
    assert row.utilization == round(100 * row.thing.peak / row.thing.owned, 1)
    assert row.needed == needed
    assert row.denied_hours == sum(1 for peak in hourly.values() if peak > needed)
    assert row.thing.denials is None  # MLS meters beyond prepaid: nobody is denied


def test_a_feature_row_holds_its_usage_rows_figures(viewer, all_fetched):
    start, end = period_bounds()
    matlab = feature("MATLAB")
    stored = LstatUsage.objects.filter(feature=matlab, period_start__gte=start, period_start__lt=end)
    days = stored.filter(granularity="day")

    row = row_of(overview(viewer), "lstat", f"{matlab.source_id}:{matlab.fid}")

    assert row.thing.server == "flexlm-eng"
    assert row.thing.peak == max(r.used_max for r in stored)
    assert row.thing.denials == sum(r.denials for r in days)
    assert row.thing.owned == stored.order_by("-period_start").first().total_seats
    assert row.thing.average == round(sum(r.used_avg for r in days) / len(days), 2)
    assert row.thing.url.startswith(reverse("reports:lstat_feature", args=[matlab.pk]))


def test_right_sizing_covers_the_percentile_of_hours_and_counts_the_hours_it_denies():
    hours = Counter({5: 90, 8: 9, 20: 1})  # 100 hours: 90 at 5 seats, 9 at 8, one at 20

    assert seats_covering(hours, 99) == (8, 1)
    assert seats_covering(hours, 90) == (5, 10)
    assert seats_covering(hours, 100) == (20, 0)
    assert seats_covering(Counter(), 99) == (None, None)


def test_the_percentile_comes_from_the_query(viewer, all_fetched):
    default = row_of(overview(viewer), "metering", next(iter(_metering_keys())))
    lower = row_of(overview(viewer, p=50), "metering", default.thing.key)

    assert overview(viewer).context["percentile"] == 99
    assert lower.needed <= default.needed
    assert lower.denied_hours >= default.denied_hours


def _metering_keys():
    return [f"{s}:{t}" for s, t in MeteringEvent.objects.values_list("source_id", "tenant").distinct()]


def test_seats_never_used_are_called_out_with_what_they_cost(admin_client, all_fetched, settings):
    settings.CURRENCY = "USD"
    matlab = feature("MATLAB")
    LstatUsage.objects.filter(feature=matlab).update(total_seats=50)  # the vendor now reports 50 seats
    rebuild_source(matlab.source)  # rows changed outside a fetch: their day summaries are rebuilt (rebuild_summaries)
    key = f"{matlab.source_id}:{matlab.fid}"

    response = admin_client.post(
        reverse("reports:seat_price"), {"kind": "lstat", "key": key, "label": "MATLAB", "price": "1,200", "next": HOME}
    )
    assert response.status_code == 302
    page = overview(admin_client)
    row = row_of(page, "lstat", key)

    assert Entitlement.objects.get(kind="lstat", key=key).price_per_year == Decimal("1200.00")
    assert (row.unused, row.unused_cost) == (30, Decimal("36000.00"))
    assert "30 of 50 MATLAB R2024b seats never used in 90 days" in text(page)
    assert "≈ $36,000 a year" in text(page)
    assert page.context["unused_total"] == Decimal("36000.00")
    assert "Unused seats cost a year, in total $36,000" in text(page)


def test_a_blank_price_clears_it_and_a_bad_one_is_refused_clearly(admin_client, all_fetched):
    Entitlement.objects.create(kind="mls", key=MAC_A, price_per_year=100)
    url = reverse("reports:seat_price")

    admin_client.post(url, {"kind": "mls", "key": MAC_A, "price": "lots"})
    assert Entitlement.objects.get(kind="mls", key=MAC_A).price_per_year == 100
    assert "&#x27;lots&#x27; is not a price" in admin_client.get(HOME).content.decode()

    admin_client.post(url, {"kind": "mls", "key": MAC_A, "price": "-5"})
    assert Entitlement.objects.get(kind="mls", key=MAC_A).price_per_year == 100

    admin_client.post(url, {"kind": "mls", "key": MAC_A, "price": ""})
    assert not Entitlement.objects.exists()


def test_only_staff_set_prices(viewer, all_fetched):
    response = viewer.post(reverse("reports:seat_price"), {"kind": "mls", "key": MAC_A, "price": "10"})

    assert response.status_code == 403
    assert not Entitlement.objects.exists()
    assert 'name="price"' not in overview(viewer).content.decode()


def test_denials_are_called_out_most_first(viewer, all_fetched):
    page = overview(viewer)
    denied = page.context["callouts"]["denied"]

    assert [r.thing.name for r in denied] == [
        "SolidWorks 2025",
        "ANSYS_Mechanical 2024.1",
        "Signal_Toolbox R2024b",
        "MATLAB R2024b",
    ]
    assert [r.thing.denials for r in denied] == sorted((r.thing.denials for r in denied), reverse=True)
    assert f"SolidWorks 2025 on rlm-design : {denied[0].thing.denials} denials in 90 days" in text(page)


def test_a_failing_source_is_called_out(viewer, all_fetched, mls_source):
    all_fetched.faults.add("500", "/mls/", times=-1)
    run_fetch(mls_source)

    page = overview(viewer)

    assert [s.source.name for s in page.context["callouts"]["stale"]] == ["test-mls"]
    assert "test-mls: last fetch failed" in text(page)
    assert "failing" in text(page)


def test_the_table_filters_by_vendor_source_and_server(viewer, all_fetched, lstat_source):
    by_kind = overview(viewer, kind="lstat").context["rows"]
    by_server = overview(viewer, server="flexlm-eng").context["rows"]
    by_source = overview(viewer, source=lstat_source.pk).context["rows"]

    assert {r.thing.kind for r in by_kind} == {"lstat"} and len(by_kind) == 5
    assert sorted(r.thing.name for r in by_server) == ["MATLAB R2024b", "Signal_Toolbox R2024b", "Simulink R2024b"]
    assert [r.thing.key for r in by_source] == [r.thing.key for r in by_kind]


def test_the_table_sorts_with_missing_figures_last(viewer, all_fetched):
    rows = overview(viewer, sort="-denials").context["rows"]
    denials = [r.thing.denials for r in rows]

    assert denials[:5] == [61, 56, 36, 8, 0]
    assert set(denials[5:]) == {None}


def test_each_figure_heading_links_to_its_sort_and_the_current_one_flips(viewer, all_fetched):
    page = overview(viewer, sort="-denials").content.decode()
    html = page[page.index('id="overview"') : page.index("</thead>", page.index('id="overview"'))]
    headings = dict(re.findall(r'<th[^>]*><a href="\?([^"]*)" data-sort="[a-z]*">([^<]+)</a></th>', html))
    headings = {unescape(query): label for query, label in headings.items()}
    sorts = {label: parse_qs(query)["sort"][0] for query, label in headings.items()}

    assert sorts["Denials"] == "denials" and 'data-sort="desc">Denials<' in html
    assert sorts["Peak"] == "-peak" and sorts["Licensed thing"] == "-name" and sorts["Unused / year"] == "-unused_cost"
    assert {"Trend", "Price / unit / year", "Fetched"}.isdisjoint(sorts)
    assert all(parse_qs(query)["start"] == [str(START)] for query in headings)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"p": "101"}, "The percentile must be between 50 and 100."),
        ({"p": "49.9"}, "The percentile must be between 50 and 100."),
        ({"p": "lots"}, "Enter a number."),
        ({"sort": "price"}, "Select a valid choice."),
        ({"kind": "flexlm"}, "Select a valid choice."),
        ({"source": "999"}, "Select a valid choice."),
        ({"server": "nowhere"}, "No licensed thing is on a server named &#x27;nowhere&#x27;."),
        ({"start": "2026-03-05", "end": "2026-03-01"}, "The start date must not be after the end date."),
    ],
)
def test_bad_parameters_answer_400_with_the_reason(viewer, all_fetched, query, message):
    response = viewer.get(HOME, query)

    assert response.status_code == 400
    assert message in response.content.decode()


def test_the_overview_with_no_sources_says_how_to_add_one(viewer):
    page = viewer.get(HOME)

    assert page.status_code == 200
    assert "No licensed things match: add a source and fetch it." in text(page)


def test_a_tenant_row_counts_locations_active_at_once_hour_by_hour(viewer, all_fetched):
    start, end = period_bounds()
    now = timezone.now()
    intervals = MeteringInterval.objects.filter(tenant="acme")
    by_hour = {}
    for i in intervals:
        low, high = max(i.started_at, start), min(i.ended_at or now, end, now)
        hour = low.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
        while hour < high:
            by_hour.setdefault(hour, set()).add(i.loc_id)
            hour += timedelta(hours=1)
    active_hours = sum(
        max(0, (min(i.ended_at or now, end, now) - max(i.started_at, start)).total_seconds()) / 3600 for i in intervals
    )

    page = overview(viewer)
    row = next(r for r in page.context["rows"] if r.thing.kind == "metering" and r.thing.name == "acme")

    assert row.thing.peak == max(len(locs) for locs in by_hour.values())
    assert row.thing.average == pytest.approx(active_hours / ((min(end, now) - start).total_seconds() / 3600), abs=0.01)
    assert row.thing.owned is None and row.thing.denials is None


def test_a_bigfix_row_peaks_at_its_highest_reporting_period_sum(viewer, all_fetched):
    usage = BigfixUsage.objects.filter(reporting_period_start_date__lte=END, reporting_period_end_date__gte=START)
    sums = Counter()
    for u in usage:
        sums[(u.source_id, u.software_title_id, u.metric_name, u.reporting_period_start_date)] += u.peak_value
    source_id, title_id, metric, _start = next(iter(sums))
    mine = [v for (s, t, m, _p), v in sums.items() if (s, t, m) == (source_id, title_id, metric)]

    row = row_of(overview(viewer), "bigfix", f"{source_id}:{title_id}:{metric}")

    assert row.thing.peak == pytest.approx(max(mine))
    assert row.thing.detail == metric
    assert row.needed is None and row.utilization is None  # BigFix knows no hours and no owned seats


def test_each_row_draws_its_trend_and_links_to_its_report(viewer, all_fetched):
    page = overview(viewer, kind="lstat")
    html = page.content.decode()

    assert html.count('<svg class="spark"') == len(page.context["rows"]) == 5
    for r in page.context["rows"]:
        assert f'href="{r.thing.url.replace("&", "&amp;")}"' in html


def test_the_table_downloads_as_csv_and_xlsx_with_the_same_rows(viewer, all_fetched):
    response = viewer.get(HOME, {"start": START, "end": END, "kind": "lstat", "sort": "-denials", "format": "csv"})
    lines = b"".join(response.streaming_content).decode().splitlines()

    assert response.status_code == 200
    assert lines[0].startswith("Vendor,Licensed thing,Metric,Source,Server,Owned,Peak")
    assert len(lines) == 1 + 5
    assert lines[1].startswith("License Statistics,SolidWorks 2025,,test-lstat,rlm-design,")
    xlsx = viewer.get(HOME, {"start": START, "end": END, "format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert viewer.get(HOME, {"format": "docx"}).status_code == 400


def test_entitlements_are_listed_and_editable_in_the_admin(admin_client):
    price = Entitlement.objects.create(
        kind="lstat", key="3:11", label="MATLAB R2024b (flexlm-eng)", price_per_year=2150
    )

    listing = admin_client.get(reverse("admin:reports_entitlement_changelist"))
    change = admin_client.get(reverse("admin:reports_entitlement_change", args=[price.pk]))

    assert listing.status_code == change.status_code == 200
    assert "MATLAB R2024b (flexlm-eng)" in listing.content.decode()
    assert "X-Formation License Statistics" in listing.content.decode()


def _table_keys(response):
    """The (kind, key) of the rows the page's table draws, in order."""
    return [(r.thing.kind, r.thing.key) for r in response.context["table"].pager.rows]


@pytest.mark.parametrize("who", ["viewer", "admin_client"])
def test_the_table_shows_a_page_of_rows_sorted_across_all_of_them(who, request, all_fetched, monkeypatch):
    client = request.getfixturevalue(who)
    monkeypatch.setattr("dashboard.tables.PAGE_SIZE", 4)
    first = overview(client, sort="-peak")
    every = [(r.thing.kind, r.thing.key) for r in first.context["rows"]]
    peaks = [r.thing.peak for r in first.context["rows"]]
    second = overview(client, sort="-peak", page="2")
    html = second.content.decode()

    assert len(every) > 8 and peaks == sorted(peaks, key=lambda p: (p is None, -(p or 0)))
    assert _table_keys(first) == every[:4] and _table_keys(second) == every[4:8]
    assert f"Rows 5–8 of {len(every)}" in text(second)
    table = html[html.index('id="overview"') : html.index("</table>", html.index('id="overview"'))]
    assert html.count('<svg class="spark"') == 4 and table.split("<tbody>")[1].count("<tr") == 4
    assert all(hasattr(r, "forecast") for r in second.context["table"].pager.rows)
    # the callouts and figures still read every row: the page's counts are of all of them
    assert f"Licensed things {len(every)}" in text(second)
    assert len(second.context["callouts"]["denied"]) == sum(1 for r in first.context["rows"] if r.thing.denials)
    # the pager keeps the filters and the sort; a heading's new sort goes back to page 1
    pager = {label: query for query, label in re.findall(r'<a href="\?([^"#]*)#rows">([^<]+)</a>', html)}
    query = parse_qs(unescape(pager["1"]))
    assert query["sort"] == ["-peak"] and query["start"] == [str(START)] and query["page"] == ["1"]
    heading = re.search(r'<a href="\?([^"]*)" data-sort="desc">Peak<', html).group(1)
    assert "page" not in parse_qs(unescape(heading)) and parse_qs(unescape(heading))["sort"] == ["peak"]
    if who == "admin_client":
        assert html.count('name="price"') == 4 and "page=2" in html[html.index('name="next"') :][:400]


def test_a_page_past_the_end_shows_the_last_and_downloads_keep_every_row(viewer, all_fetched, monkeypatch):
    monkeypatch.setattr("dashboard.tables.PAGE_SIZE", 4)
    every = overview(viewer, sort="name").context["rows"]
    last = overview(viewer, sort="name", page="999")
    assert overview(viewer, page="lots").status_code == 200
    response = viewer.get(HOME, {"start": START, "end": END, "sort": "name", "page": "2", "format": "csv"})
    lines = b"".join(response.streaming_content).decode().splitlines()

    assert _table_keys(last) == [(r.thing.kind, r.thing.key) for r in every[(len(every) - 1) // 4 * 4 :]]
    assert len(lines) == 1 + len(every) and lines[0].endswith("Forecast,Reaches owned in (weeks)")
    assert [line.split(",")[1] for line in lines[1:3]] == [every[0].thing.name, every[1].thing.name]
    # the page's forecasts are the download's, row by row
    forecasts = {row["Key"]: row["Forecast"] for row in csv.DictReader(lines)}
    shown = last.context["table"].pager.rows
    assert [r.forecast.label if r.forecast else "" for r in shown] == [forecasts[r.thing.stable_key] for r in shown]
