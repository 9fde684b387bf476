"""Alert me: the form of one rule kind, in the site's layout, for admins only."""

import pytest

from ingest.services import run_fetch
from ingest.vendors.lstat.models import LstatFeature
from ingest.vendors.mls.models import MlsSupervisor
from reports.alerts.models import AlertRule
from reports.alerts.services import evaluate
from tests.conftest import MAC_A

pytestmark = pytest.mark.django_db


@pytest.fixture
def boss(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("boss", "boss@example.com", "boss-pass-123"))
    return client


# A POST carries every field of every kind; the rule keeps only its own kind's (the rest stay the defaults).
EVERYTHING = {"threshold": "5", "hours": "4", "stale_multiple": "9", "recipients": "boss@example.com", "enabled": "on"}


def test_each_kind_shows_and_saves_only_its_fields(boss, lstat_clock, lstat_source, mls_source):
    run_fetch(lstat_source), run_fetch(mls_source)
    feature, supervisor = LstatFeature.objects.first(), MlsSupervisor.objects.get(macaddress=MAC_A)
    things = {"feature": feature.pk, "supervisor": supervisor.pk, "source": mls_source.pk}
    cases = [
        ("denials", f"feature={feature.pk}", {"threshold", "hours"}),
        ("utilization", f"supervisor={supervisor.pk}", {"threshold", "hours"}),
        ("stale", f"source={mls_source.pk}", {"stale_multiple"}),
        ("failing", f"source={mls_source.pk}", set()),
    ]
    for kind, watches, own in cases:
        url = f"/alerts/new/?kind={kind}&{watches}"
        watched = watches.partition("=")[0]
        page = boss.get(url)
        assert page.status_code == 200 and "Log out" in page.content.decode()  # the site's layout
        assert set(page.context["form"].fields) == {"name", watched, *own, "recipients", "enabled"}
        assert page.context["form"].initial["recipients"] == "boss@example.com"
        assert str(page.context["form"].initial[watched]) == str(things[watched])

        response = boss.post(url, {**EVERYTHING, **things, "name": f"{kind} rule"})
        assert response.status_code == 302, response.content.decode()
        rule = AlertRule.objects.get(name=f"{kind} rule")
        assert rule.kind == kind and getattr(rule, f"{watched}_id") == things[watched]
        assert {field for field in ("feature", "supervisor", "source") if getattr(rule, f"{field}_id")} == {watched}
        defaults = {"threshold": 0, "hours": 1, "stale_multiple": 3}
        assert {f: getattr(rule, f) for f in defaults} == {
            f: float(EVERYTHING[f]) if f in own else v for f, v in defaults.items()
        }


def test_bad_values_are_field_errors_never_a_500(boss, lstat_clock, lstat_source, settings):
    run_fetch(lstat_source)
    feature = LstatFeature.objects.first()
    settings.SUBSCRIPTION_MAX_RECIPIENTS = 2
    url = f"/alerts/new/?kind=denials&feature={feature.pk}"
    bad = [
        ({"hours": "0"}, "hours"),
        ({"hours": "x"}, "hours"),
        ({"threshold": "-1"}, "threshold"),
        ({"threshold": "nan"}, "threshold"),
        ({"recipients": "not-an-address"}, "recipients"),
        ({"recipients": "a@example.com, b@example.com, c@example.com"}, "recipients"),
        ({"feature": "999999"}, "feature"),
        ({"feature": "'; drop"}, "feature"),
        ({"name": ""}, "name"),
    ]
    for values, field in bad:
        data = {"name": "n", "feature": feature.pk, "threshold": "0", "hours": "1", "recipients": "a@example.com"}
        response = boss.post(url, {**data, **values})
        assert response.status_code == 400 and field in response.context["form"].errors, values
    assert "SUBSCRIPTION_MAX_RECIPIENTS" in boss.post(url, {**data, **bad[5][0]}).content.decode()
    assert not AlertRule.objects.exists()
    assert boss.get("/alerts/new/?kind=bogus").status_code == 400
    assert boss.get("/alerts/new/?kind=denials&feature=abc").status_code == 200  # says to open it from a page


def test_a_viewer_gets_403_in_the_layout(viewer, mls_source):
    for response in (viewer.get(f"/alerts/new/?kind=failing&source={mls_source.pk}"), viewer.post("/alerts/new/")):
        assert response.status_code == 403 and "Not allowed" in response.content.decode()
    assert not AlertRule.objects.exists()


def test_a_new_rule_is_not_checked_yet_until_evaluated(boss, mls_source):
    rule = AlertRule.objects.create(name="watch", kind="failing", source=mls_source, recipients="a@example.com")
    for url in ("/alerts/", "/admin/reports/alertrule/", f"/admin/reports/alertrule/{rule.pk}/change/"):
        html = boss.get(url).content.decode()
        assert "not checked yet" in html and ">ok<" not in html, url
    evaluate(rule)
    assert "not checked yet" not in boss.get("/alerts/").content.decode()
