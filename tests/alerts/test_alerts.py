"""Alert rules: one email when the condition starts, none while it holds, one when it clears."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from ingest.models import IngestRun
from ingest.services import run_fetch
from ingest.vendors.lstat.models import LstatFeature, LstatUsage
from ingest.vendors.mls.models import MlsRollup, MlsSupervisor
from reports.alerts.models import AlertRule
from reports.alerts.services import evaluate, evaluate_stale_sources
from reports.overview.models import Entitlement
from tests.conftest import MAC_A

pytestmark = pytest.mark.django_db

RECORDS = "/mls/api/v2/records"


def rule(**fields):
    made = AlertRule(**{"name": "watch", "recipients": "admin@example.com", **fields})
    made.full_clean()  # as the admin does: a rule of a thing takes its source from it
    made.save()
    return made


def feature_key(feature):
    return f"{feature.source_id}:{feature.fid}"


def subjects():
    return [message.subject for message in mail.outbox]


def test_a_failing_source_alerts_once_then_clears_once_after_its_fetches(mls_source, sim):
    watch = rule(kind="failing", source=mls_source)
    sim.faults.add("500", RECORDS, times=-1)

    first, second = run_fetch(mls_source), run_fetch(mls_source)
    assert first.status == second.status == IngestRun.Status.FAILED
    assert subjects() == ["[Meterboard] ALERT: watch"]
    assert "the last fetch failed" in mail.outbox[0].body and mail.outbox[0].to == ["admin@example.com"]
    assert "demo-password" not in mail.outbox[0].body

    sim.faults.clear()
    assert run_fetch(mls_source).status == IngestRun.Status.SUCCEEDED
    run_fetch(mls_source)

    assert subjects() == ["[Meterboard] ALERT: watch", "[Meterboard] Cleared: watch"]
    watch.refresh_from_db()
    assert watch.state == "ok"
    assert list(watch.events.values_list("change", flat=True)) == ["cleared", "fired"]


def test_a_stale_source_alerts_on_the_clock_and_clears_with_a_successful_fetch(mls_source):
    watch = rule(kind="stale", source=mls_source, stale_multiple=2)
    assert run_fetch(mls_source).status == IngestRun.Status.SUCCEEDED
    assert evaluate_stale_sources() == [] and mail.outbox == []

    later = timezone.now() + timedelta(minutes=2 * mls_source.interval_minutes + 1)
    assert [e.change for e in evaluate_stale_sources(now=later)] == ["fired"]
    assert evaluate_stale_sources(now=later + timedelta(hours=1)) == []
    assert subjects() == ["[Meterboard] ALERT: watch"]

    with time_machine.travel(later + timedelta(hours=2), tick=True):
        run_fetch(mls_source)
    watch.refresh_from_db()
    assert watch.state == "ok" and subjects()[-1] == "[Meterboard] Cleared: watch"


def usage(feature, start, hours, *, used, total, denials=0):
    for hour in range(hours):
        LstatUsage.objects.update_or_create(
            feature=feature, granularity="hour", period_start=start + timedelta(hours=hour),
            defaults={"period_label": "", "used_min": 0, "used_avg": used, "used_max": used, "borrowed_min": 0, "borrowed_max": 0, "denials": denials,
                      "hours_used": 1, "total_seats": total},
        )  # fmt: skip


def test_denials_fire_once_hold_quietly_and_clear(lstat_clock, lstat_source):
    assert run_fetch(lstat_source).status == IngestRun.Status.SUCCEEDED
    feature = LstatFeature.objects.first()
    LstatUsage.objects.filter(feature=feature).update(denials=0)
    watch = rule(kind="denials", thing_kind="lstat", thing_key=feature_key(feature), hours=3, threshold=4)
    now = datetime(2026, 4, 20, 12, tzinfo=UTC)  # over 30 days after the fetched minutes: only these hours count

    usage(feature, now - timedelta(hours=2), 1, used=5, total=5, denials=3)
    assert evaluate(watch, now) is None  # 3 is not more than 4
    usage(feature, now - timedelta(hours=1), 1, used=5, total=5, denials=2)
    assert evaluate(watch, now).change == "fired"
    assert evaluate(watch, now + timedelta(minutes=30)) is None
    assert "5 denials" in mail.outbox[0].body and feature.name in mail.outbox[0].body
    assert evaluate(watch, now + timedelta(hours=4)).change == "cleared"  # the denials left the window
    assert len(mail.outbox) == 2


def test_mls_utilization_of_prepaid_licenses_for_n_hours(mls_source):
    assert run_fetch(mls_source).status == IngestRun.Status.SUCCEEDED
    supervisor = MlsSupervisor.objects.get(macaddress=MAC_A)
    watch = rule(kind="utilization", thing_kind="mls", thing_key=MAC_A.lower(), threshold=90, hours=2)
    assert watch.thing_key == MAC_A and watch.source == mls_source  # the key as MLS writes it
    now = datetime(2026, 4, 20, 12, tzinfo=UTC)  # over 30 days after the fetched minutes: only these hours count

    def hour(at, used, prepaid=10):
        MlsRollup.objects.update_or_create(
            supervisor=supervisor, granularity="hour", bucket=at,
            defaults={"samples": 60, "used_min": 0, "used_max": used, "used_sum": used * 60, "prepaid_min": prepaid,
                      "prepaid_max": prepaid, "prepaid_sum": prepaid * 60, "metered_min": 0, "metered_max": 0,
                      "metered_sum": 0},
        )  # fmt: skip

    hour(now - timedelta(hours=2), 10)
    hour(now - timedelta(hours=1), 8)
    assert evaluate(watch, now) is None  # 80 % in the latest hour
    hour(now - timedelta(hours=1), 9)
    hour(now, 9)
    assert evaluate(watch, now + timedelta(minutes=5)).change == "fired"  # 90 % for the last two hours
    assert evaluate(watch, now + timedelta(minutes=35)) is None
    assert (
        f"supervisor {MAC_A} on {mls_source.name}: 9 of 10 prepaid licenses in use (90 %) for 2 h"
        in mail.outbox[0].body
    )

    hour(now + timedelta(hours=1), 5)
    assert evaluate(watch, now + timedelta(hours=1, minutes=5)).change == "cleared"
    assert [m.subject for m in mail.outbox] == ["[Meterboard] ALERT: watch", "[Meterboard] Cleared: watch"]


def _hour(supervisor, at, used, prepaid):
    MlsRollup.objects.update_or_create(
        supervisor=supervisor, granularity="hour", bucket=at,
        defaults={"samples": 60, "used_min": 0, "used_max": used, "used_sum": used * 60, "prepaid_min": prepaid,
                  "prepaid_max": prepaid, "prepaid_sum": prepaid * 60, "metered_min": 0, "metered_max": 0,
                  "metered_sum": 0},
    )  # fmt: skip


def test_mls_utilization_reads_owned_from_the_trailing_prepaid_not_the_evenings_prepaid_in_use(mls_source):
    """lic_prepaid read as prepaid in use: 20 at noon, 2 of 2 at 20:00. Owned stays 20: 2 in use is 10 %."""
    assert run_fetch(mls_source).status == IngestRun.Status.SUCCEEDED
    supervisor = MlsSupervisor.objects.get(macaddress=MAC_A)
    watch = rule(kind="utilization", thing_kind="mls", thing_key=MAC_A, threshold=90, hours=1)
    evening = datetime(2026, 4, 20, 20, tzinfo=UTC)  # over 30 days after the fetched minutes
    _hour(supervisor, evening - timedelta(hours=8), 20, 20)
    _hour(supervisor, evening, 2, 2)

    assert evaluate(watch, evening + timedelta(minutes=23)) is None
    assert "2 of 20 prepaid licenses in use (10 %)" in watch.detail

    Entitlement.objects.create(kind="mls", key=MAC_A, owned=2)  # an admin says 2 are owned: 2 in use is 100 %
    assert evaluate(watch, evening + timedelta(minutes=30)).change == "fired"
    assert "2 of 2 owned licenses in use (100 %) for 1 h, at or above 90 % of owned licenses" in mail.outbox[0].body


def test_the_alerts_page_lists_rules_state_and_history(admin_client, mls_source, sim):
    rule(kind="failing", source=mls_source)
    sim.faults.add("500", RECORDS, times=-1)
    run_fetch(mls_source)

    html = admin_client.get("/alerts/").content.decode()
    assert "watch" in html and "firing" in html and "fired" in html and "the last fetch failed" in html


def test_a_rule_without_what_it_watches_is_refused(mls_source):
    with pytest.raises(ValidationError, match="needs the vendor and key of the thing"):
        AlertRule(name="x", kind="denials", recipients="a@example.com").full_clean()
    with pytest.raises(ValidationError, match="needs a source"):
        AlertRule(name="x", kind="stale", recipients="a@example.com").full_clean()


def test_a_rule_of_an_unknown_thing_or_vendor_is_refused_naming_it(mls_source):
    run_fetch(mls_source)
    base = {"name": "x", "threshold": 90, "recipients": "a@example.com"}
    refusals = [
        ({"kind": "utilization", "thing_kind": "mls", "thing_key": "00:00:00:00:00:01"}, "No MLS supervisor has"),
        ({"kind": "utilization", "thing_kind": "mls", "thing_key": "not a mac" * 40}, "No MLS supervisor has"),
        ({"kind": "utilization", "thing_kind": "lstat", "thing_key": "x:<b>"}, "No License Statistics feature has"),
        ({"kind": "denials", "thing_kind": "mls", "thing_key": MAC_A}, "No denials rule can watch a thing of 'mls'"),
        ({"kind": "utilization", "thing_kind": "bigfix", "thing_key": "1"}, "No utilization rule can watch"),
        ({"kind": "utilization", "thing_kind": "flexlm", "thing_key": "1"}, "'flexlm' is not a vendor kind"),
    ]
    for fields, message in refusals:
        with pytest.raises(ValidationError, match=message):
            AlertRule(**base, **fields).full_clean()


def test_a_rule_whose_thing_is_gone_says_so_and_stays_quiet(mls_source, admin_client):
    run_fetch(mls_source)
    watch = rule(kind="utilization", thing_kind="mls", thing_key=MAC_A, threshold=90, hours=1)
    MlsSupervisor.objects.filter(macaddress=MAC_A).delete()  # an admin deleted it; the source and rule stay

    assert evaluate(AlertRule.objects.get(pk=watch.pk)) is None
    watch.refresh_from_db()
    assert watch.state == "ok" and "gone" in watch.detail and MAC_A in watch.detail
    assert "(gone)" in admin_client.get("/alerts/").content.decode()


def test_deleting_a_source_deletes_the_rules_of_its_things(mls_source):
    run_fetch(mls_source)
    rule(kind="utilization", thing_kind="mls", thing_key=MAC_A, threshold=90, hours=1)
    mls_source.delete()
    assert not AlertRule.objects.exists()


def test_a_supervisor_page_offers_staff_an_alert_rule_pre_filled(mls_source, client, django_user_model):
    run_fetch(mls_source)
    client.force_login(django_user_model.objects.create_superuser("boss", "boss@example.com", "boss-pass-123"))

    html = client.get(f"/mls/{MAC_A}/").content.decode()
    mac = MAC_A.replace(":", "%3A")
    query = f"kind=utilization&amp;thing_kind=mls&amp;thing_key={mac}&amp;threshold=90&amp;hours=2"
    assert f"/alerts/new/?{query}" in html  # Alert me: the site's form (tests/alerts/test_alert_form.py)
    form = client.get(f"/alerts/new/?{query}".replace("&amp;", "&")).context["form"]
    assert (form.initial["thing_kind"], form.initial["thing_key"], form.initial["recipients"]) == (
        "mls",
        MAC_A,
        "boss@example.com",
    )
    link = f"/admin/reports/alertrule/add/?{query}"  # the admin takes the same query
    page = client.get(link.replace("&amp;", "&"))
    form = page.context["adminform"].form
    assert form.initial["kind"] == "utilization" and (form.initial["thing_kind"], form.initial["thing_key"]) == (
        "mls",
        MAC_A,
    )
    assert "MLS supervisor: its MAC address" in page.content.decode()  # how each vendor writes its keys

    response = client.post(link.replace("&amp;", "&"), {
        "name": "busy", "kind": "utilization", "thing_kind": "mls", "thing_key": MAC_A, "threshold": 90, "hours": 2,
        "stale_multiple": 3, "recipients": "boss@example.com", "enabled": "on",
        "events-TOTAL_FORMS": 0, "events-INITIAL_FORMS": 0,
    })  # fmt: skip
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert AlertRule.objects.get(name="busy").source == mls_source


def test_lstat_utilization_of_total_seats(lstat_clock, lstat_source):
    assert run_fetch(lstat_source).status == IngestRun.Status.SUCCEEDED
    feature = LstatFeature.objects.first()
    watch = rule(kind="utilization", thing_kind="lstat", thing_key=feature_key(feature), threshold=100, hours=3)
    now = datetime(2026, 4, 20, 12, tzinfo=UTC)  # over 30 days after the fetched minutes: only these hours count

    usage(feature, now - timedelta(hours=3), 3, used=10, total=10, denials=2)
    assert evaluate(watch, now).change == "fired"
    figures = (
        f"{feature.name} on {lstat_source.name}: 10 of 10 total seats in use (100 %) for 3 h, "
        "at or above 100 % of total seats"
    )
    body, html = mail.outbox[0].body, mail.outbox[0].alternatives[0][0]
    assert f"{figures}, 6 denials in the last 3 h" in body
    assert (
        f"/lstat/features/{feature.pk}/" in body
        and f'href="http://127.0.0.1:8000/lstat/features/{feature.pk}/"' in html
    )
    usage(feature, now, 1, used=9, total=10)
    assert evaluate(watch, now + timedelta(minutes=10)).change == "cleared"


def test_an_alert_email_that_cannot_go_is_kept_with_its_reason(mls_source, sim, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    watch = rule(kind="failing", source=mls_source)
    sim.faults.add("500", RECORDS, times=-1)

    run_fetch(mls_source)

    event = watch.events.get()
    assert event.change == "fired" and not event.emailed and event.error
