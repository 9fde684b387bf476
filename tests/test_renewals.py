"""Renewals: the entitlements renewing in the next N days, soonest first, with their figures; downloads, emails."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from ingest.services import run_fetch
from ingest.vendors.lstat.models import LstatUsage
from reports.overview.models import Entitlement
from reports.subscriptions.models import Subscription
from reports.subscriptions.services import send_subscription
from tests.conftest import SIM_END

pytestmark = pytest.mark.django_db
URL = reverse("reports:renewals")


@pytest.fixture
def renewals(lstat_clock, lstat_source):
    """The License Statistics simulator fetched; MATLAB renewing in 10 days, Simulink in 40, a BigFix product
    without data in 80, and two outside the default 90 days (yesterday, in 200 days)."""
    assert run_fetch(lstat_source).status == "succeeded"
    today = timezone.localdate()
    made = {}
    for name, key, days, extra in [
        ("matlab", f"{lstat_source.pk}:11", 10, {"price_per_year": Decimal("150"), "reference": "PO-4711"}),
        ("simulink", f"{lstat_source.pk}:12", 40, {"owned": Decimal("12"), "price_per_year": Decimal("80")}),
        ("db2", "999:40012:PVU_SUB_CAP", 80, {"owned": Decimal("700"), "label": "IBM Db2 <b>Advanced</b>"}),
        ("past", f"{lstat_source.pk}:13", -1, {}),
        ("later", f"{lstat_source.pk}:21", 200, {}),
    ]:
        kind = "bigfix" if name == "db2" else "lstat"
        made[name] = Entitlement.objects.create(kind=kind, key=key, renews_on=today + timedelta(days=days), **extra)
    return made


def page(client, **query):
    response = client.get(URL, query)
    assert response.status_code == 200, response.content.decode()[:2000]
    return response


def peak_of(fid):
    """The feature's highest used seats over the page's default 90 days, straight from the stored rows."""
    zone_today = timezone.localdate()
    start = timezone.make_aware(
        timezone.datetime.combine(zone_today - timedelta(days=89), timezone.datetime.min.time())
    )
    rows = LstatUsage.objects.filter(feature__fid=fid, period_start__gte=start)
    return rows.aggregate(peak=Max("used_max"))["peak"]


def test_renewals_of_the_next_90_days_come_soonest_first_with_their_figures(viewer, renewals):
    rows = page(viewer).context["rows"]

    assert [r["key"] for r in rows] == [
        f"{e.kind}:{e.key}" for e in (renewals["matlab"], renewals["simulink"], renewals["db2"])
    ]
    matlab, simulink, db2 = rows
    assert (matlab["days_left"], matlab["reference"], matlab["price"]) == (10, "PO-4711", 150.0)
    assert matlab["peak"] == peak_of(11) and simulink["peak"] == peak_of(12)
    assert db2["name"] == "IBM Db2 <b>Advanced</b>" and db2["peak"] is None and db2["owned"] == 700
    assert db2["unit"] == "PVU"


def test_the_page_shows_names_escaped_and_links_each_thing(viewer, renewals):
    html = page(viewer).content.decode()

    assert "IBM Db2 &lt;b&gt;Advanced&lt;/b&gt;" in html and "<b>Advanced</b>" not in html
    assert "PO-4711" in html
    assert f'href="{reverse("reports:renewals")}"' in html  # in the navigation


def test_days_narrows_and_widens_the_window(viewer, renewals):
    assert [r["days_left"] for r in page(viewer, days=30).context["rows"]] == [10]
    assert [r["days_left"] for r in page(viewer, days=200).context["rows"]] == [10, 40, 80, 200]
    assert [r["days_left"] for r in page(viewer, days=1).context["rows"]] == []


@pytest.mark.parametrize("days", ["abc", "0", "-5", "1.5", "3661", "9" * 40, "1e3", "\x00"])
def test_a_bad_days_value_is_a_clear_error_never_a_500(viewer, days):
    for fmt in ("", "csv"):
        response = viewer.get(URL, {"days": days, **({"format": fmt} if fmt else {})})
        assert response.status_code == 400, (days, fmt)
    assert "Choose a whole number of days from 1 to 3660." in response.content.decode()


def test_the_downloads_hold_the_rows_of_the_page(viewer, renewals):
    rows = page(viewer).context["rows"]
    response = viewer.get(URL, {"format": "csv"})
    table = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))

    header = table[0]
    assert header[:4] == ["Renews on", "Days left", "Vendor", "Licensed thing"]
    assert {"Key", "Owned", "Unit", "Peak", "Right-size", "Saving per year", "Over-deployed"} <= set(header)
    assert "Reaches owned in (weeks)" in header
    assert [line[header.index("Key")] for line in table[1:]] == [r["key"] for r in rows]
    assert table[3][header.index("Licensed thing")] == "IBM Db2 <b>Advanced</b>"

    xlsx = viewer.get(URL, {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)), read_only=True).worksheets[0]
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0][:2] == ["Renews on", "Days left"]
    assert [v[values[0].index("Reference")] or "" for v in values[1:]] == ["PO-4711", "", ""]


def test_a_subscription_emails_the_renewals(renewals, settings):
    settings.CHROMIUM = "/nonexistent/chromium"
    sub = Subscription.objects.create(
        name="renewals", report="/renewals/?days=45", recipients="a@example.com", period="last-30-days",
        attach_csv=True,
    )  # fmt: skip

    entry = send_subscription(sub, now=SIM_END + timedelta(minutes=30))

    assert entry.status == "sent", entry.error
    message = mail.outbox[-1]
    (content,) = [c for name, c, _type in message.attachments if name.endswith(".csv")]
    keys = [line[8] for line in csv.reader(io.StringIO(content))][1:]
    assert keys == [f"lstat:{renewals['matlab'].key}", f"lstat:{renewals['simulink'].key}"]
    assert "PO-4711" in message.body
