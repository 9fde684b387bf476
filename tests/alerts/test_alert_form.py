"""Alert me: the form of one rule kind, in the site's layout, for admins only."""

from urllib.parse import urlencode

import pytest

from ingest.services import run_fetch
from ingest.vendors.lstat.models import LstatFeature
from reports.alerts.models import AlertRule
from reports.alerts.services import evaluate
from reports.lstat.alerts import key
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
    feature = LstatFeature.objects.first()
    cases = [  # kind, what it watches, the fields of its own
        ("denials", {"thing_kind": "lstat", "thing_key": key(feature)}, {"threshold", "hours"}),
        ("utilization", {"thing_kind": "mls", "thing_key": MAC_A}, {"threshold", "hours"}),
        ("stale", {"source": str(mls_source.pk)}, {"stale_multiple"}),
        ("failing", {"source": str(mls_source.pk)}, set()),
    ]
    for kind, watches, own in cases:
        url = f"/alerts/new/?kind={kind}&{urlencode(watches)}"
        page = boss.get(url)
        assert page.status_code == 200 and "Log out" in page.content.decode()  # the site's layout
        form = page.context["form"]
        assert set(form.fields) == {"name", *watches, *own, "recipients", "enabled"}
        assert form.initial["recipients"] == "boss@example.com"
        assert {field: str(form.initial[field]) for field in watches} == watches

        # The POST carries every field of every kind: the rule keeps its own kind's, the rest stay the defaults.
        everything = {"thing_kind": "lstat", "thing_key": key(feature), "source": lstat_source.pk, **watches}
        response = boss.post(url, {**EVERYTHING, **everything, "name": f"{kind} rule"})
        assert response.status_code == 302, response.content.decode()
        rule = AlertRule.objects.get(name=f"{kind} rule")
        assert (
            rule.kind == kind
            and {field: str(getattr(rule, field if field != "source" else "source_id")) for field in watches} == watches
        )
        assert rule.source == mls_source if kind != "denials" else rule.source == lstat_source
        assert bool(rule.thing_kind) == (kind in ("denials", "utilization"))
        defaults = {"threshold": 0, "hours": 1, "stale_multiple": 3}
        assert {f: getattr(rule, f) for f in defaults} == {
            f: float(EVERYTHING[f]) if f in own else v for f, v in defaults.items()
        }


def test_bad_values_are_field_errors_never_a_500(boss, lstat_clock, lstat_source, settings):
    run_fetch(lstat_source)
    feature = LstatFeature.objects.first()
    settings.SUBSCRIPTION_MAX_RECIPIENTS = 2
    url = f"/alerts/new/?kind=denials&thing_kind=lstat&thing_key={key(feature)}"
    bad = [
        ({"hours": "0"}, "hours"),
        ({"hours": "x"}, "hours"),
        ({"threshold": "-1"}, "threshold"),
        ({"threshold": "nan"}, "threshold"),
        ({"recipients": "not-an-address"}, "recipients"),
        ({"recipients": "a@example.com, b@example.com, c@example.com"}, "recipients"),
        ({"thing_key": "999999:1"}, "thing_key"),
        ({"thing_key": "'; drop"}, "thing_key"),
        ({"thing_kind": "mls"}, "thing_kind"),  # an MLS supervisor has no denials
        ({"thing_kind": "nope"}, "thing_kind"),
        ({"name": ""}, "name"),
    ]
    for values, field in bad:
        data = {"name": "n", "thing_kind": "lstat", "thing_key": key(feature), "threshold": "0", "hours": "1"}
        data["recipients"] = "a@example.com"
        response = boss.post(url, {**data, **values})
        assert response.status_code == 400 and field in response.context["form"].errors, values
    assert "SUBSCRIPTION_MAX_RECIPIENTS" in boss.post(url, {**data, **bad[5][0]}).content.decode()
    assert not AlertRule.objects.exists()
    assert boss.get("/alerts/new/?kind=bogus").status_code == 400
    assert (
        "Open <em>Alert me</em> from the page" in boss.get("/alerts/new/?kind=denials&thing_key=abc").content.decode()
    )


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
