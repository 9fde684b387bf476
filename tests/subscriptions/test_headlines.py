"""Every emailed report opens with its headline finding: the biggest denial count, a peak against what is owned."""

import re
from collections import defaultdict
from datetime import UTC, datetime, time, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from ingest.vendors.lstat.models import LstatServer, LstatUsage
from ingest.vendors.mls.models import MlsRecord
from reports.overview.models import Entitlement
from reports.subscriptions.models import Subscription
from reports.subscriptions.services import send_subscription
from tests.conftest import MAC_A
from tests.subscriptions.conftest import SEND_AT
from tests.subscriptions.test_email import html_of

pytestmark = pytest.mark.django_db


def emailed(report, **fields):
    subscription = Subscription.objects.create(
        name="Weekly", report=report, recipients="boss@example.com", **{"period": "last-7-days", **fields}
    )
    entry = send_subscription(subscription, now=SEND_AT)
    assert entry.status == "sent", entry.error
    return mail.outbox[-1], entry


def headline_of(html):
    """The text of the email's first content row: the headline."""
    return re.search(r'font-size:18px;font-weight:bold;line-height:1.35;color:#1f3a5f;">([^<]*)</td>', html)[1]


def week_records(entry):
    """The stored minutes of the supervisor in the week the email covers (the display zone's days)."""
    start = timezone.make_aware(datetime.combine(entry.period_start, time.min))
    end = timezone.make_aware(datetime.combine(entry.period_end + timedelta(days=1), time.min))
    return [
        r
        for r in MlsRecord.objects.filter(supervisor__macaddress=MAC_A)
        if start <= datetime.combine(r.ts_date, r.ts_time, tzinfo=UTC) < end
    ]


def test_the_mls_email_opens_with_the_peak_against_the_prepaid_licenses(mls_fetched, no_chromium):
    message, entry = emailed(f"/mls/{MAC_A}/?granularity=day")

    records = week_records(entry)
    used, prepaid, metered = (max(getattr(r, f) for r in records) for f in ("lic_used", "lic_prepaid", "lic_metered"))
    want = f"Supervisor {MAC_A} peaked at {used:,} of {prepaid:,} licenses owned"
    want += f", up to {metered:,} metered" if metered else ""
    html, text = html_of(message), message.body
    assert headline_of(html) == want
    assert html.index(want) < html.index("Used peak")  # first, before the figures
    assert text.splitlines()[3] == want  # after the name and the dates


def test_an_entered_entitlement_is_what_the_peak_is_measured_against(mls_fetched, no_chromium):
    Entitlement.objects.create(kind="mls", key=MAC_A, owned=250)

    message, _entry = emailed(f"/mls/{MAC_A}/?granularity=day")

    assert " of 250 licenses owned" in headline_of(html_of(message))


def test_a_server_email_names_the_feature_with_the_most_denials(lstat_clock, lstat_fetched, no_chromium):
    server = LstatServer.objects.filter(features__usage__denials__gt=0).distinct().first()
    assert server is not None, "the simulator's history has denials"

    message, entry = emailed(f"/lstat/servers/{server.pk}/?granularity=day")

    denials, peaks, totals = defaultdict(int), defaultdict(int), defaultdict(int)
    days = (entry.period_start.isoformat(), entry.period_end.isoformat())
    for u in LstatUsage.objects.filter(feature__server=server, granularity="day").select_related("feature"):
        if days[0] <= u.period_label <= days[1]:
            denials[u.feature] += u.denials
            peaks[u.feature] = max(peaks[u.feature], u.used_max)
            totals[u.feature] = max(totals[u.feature], u.total_seats)
    feature = max(denials, key=lambda f: (denials[f], -f.pk))
    assert denials[feature] > 0
    assert headline_of(html_of(message)) == (
        f"{feature} on {server} peaked at {peaks[feature]:,} of {totals[feature]:,} seats, {denials[feature]:,} denials"
    )


@pytest.mark.parametrize(
    ("report", "pattern"),
    [
        ("/bigfix/", r"^.+ peaked at [\d,.]+ (PVU|RVU|[A-Z][\w ,-]+) in the period from \d{4}-\d{2}-\d{2}$"),
        ("/metering/", r"^Tenant \S+ was active the most: [\d,.]+ h of [\d,.]+ active location hours$"),
        (
            "/lstat/users/",
            r"^.+ has held .+ on .+ for [\d,.]+ h, the longest of [\d,]+ sessions? \([\d,]+ licenses held\)$",
        ),
        ("/lstat/highest/", r"^.+ held the most licenses at once: [\d,]+$"),
        ("/renewals/?days=90", r"^No renewals in the next 90 days$"),
    ],
)
def test_every_vendors_email_has_a_headline(all_fetched, no_chromium, report, pattern):
    message, _entry = emailed(report, period="last-30-days")

    assert re.match(pattern, headline_of(html_of(message))), headline_of(html_of(message))


def test_the_renewals_email_opens_with_the_soonest_renewal_against_its_peak(all_fetched, no_chromium):
    renews = timezone.localdate() + timedelta(days=10)
    Entitlement.objects.create(kind="mls", key=MAC_A, owned=20, unit="licenses", renews_on=renews)

    message, _entry = emailed("/renewals/?days=90", period="last-30-days")

    assert re.match(
        rf"^Supervisor {MAC_A} peaked at [\d,]+ of 20 licenses; it renews on {renews:%Y-%m-%d}, "
        r"the first of 1 renewal in the next 90 days$",
        headline_of(html_of(message)),
    ), headline_of(html_of(message))
