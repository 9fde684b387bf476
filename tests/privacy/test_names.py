"""NAMES_VISIBLE_TO: real names for those allowed, the same pseudonym everywhere for everyone else."""

import csv
import io
import json

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse

from dashboard.privacy.pseudonyms import pseudonym
from reports.api.tokens import token_create
from reports.subscriptions.models import Subscription
from reports.subscriptions.services import send_subscription
from tests.api.conftest import Api
from tests.downloads import csv_dicts
from tests.pages import figure

pytestmark = pytest.mark.django_db


def test_a_pseudonym_is_stable_per_kind_and_case_and_keyed_by_its_own_key(settings):
    alias = pseudonym("user", "Alice")
    assert alias == pseudonym("user", " alice") and alias.startswith("user-") and alias != pseudonym("host", "alice")
    assert pseudonym("user", alias) == alias and pseudonym("user", "") == ""
    settings.SECRET_KEY = "another-secret-key-" * 4
    assert pseudonym("user", "alice") == alias
    settings.PSEUDONYM_KEY = "another pseudonym key"
    assert pseudonym("user", "alice") != alias


def test_everyone_sees_names_by_default(viewer, session):
    page = viewer.get(reverse("reports:lstat_users"))
    assert session.user in page.content.decode() and session.host in page.content.decode()


def test_with_admins_only_a_viewer_sees_pseudonyms_on_the_page_and_download_with_the_same_counts(
    viewer, session, settings
):
    shown = viewer.get(reverse("reports:lstat_users"))
    settings.NAMES_VISIBLE_TO = "admins"
    page = viewer.get(reverse("reports:lstat_users"))
    text = page.content.decode()
    assert session.user not in text and session.host not in text
    assert pseudonym("user", session.user) in text and pseudonym("host", session.host) in text
    assert [k.value for k in page.context["kpis"]] == [k.value for k in shown.context["kpis"]]
    rows = csv_dicts(viewer.get(reverse("reports:lstat_users"), {"format": "csv"}))
    assert {r["User"] for r in rows} == {pseudonym("user", s["user"]) for s in shown.context["rows"]}
    keys = [(r["License server"], r["Feature"], r["User"]) for r in rows]
    assert keys == sorted(keys)  # in the pseudonyms' order, never the real names'
    assert {r["Host"] for r in rows if r["Host"]} == {
        pseudonym("host", s["host"]) for s in shown.context["rows"] if s["host"]
    }


def test_a_viewer_who_sees_pseudonyms_filters_by_pseudonym_and_never_by_real_name(viewer, session, settings):
    settings.NAMES_VISIBLE_TO = "admins"
    by_name = viewer.get(reverse("reports:lstat_users"), {"user": session.user})
    assert by_name.context["rows"] == []
    alias = pseudonym("user", session.user)
    by_alias = viewer.get(reverse("reports:lstat_users"), {"user": alias[:9]})
    assert by_alias.context["rows"] and {r["user"] for r in by_alias.context["rows"]} == {alias}


def test_the_highest_users_chart_names_pseudonyms(viewer, lstat_fetched, settings):
    settings.NAMES_VISIBLE_TO = "admins"
    page = viewer.get(reverse("reports:lstat_highest"))
    bars = figure(page)["data"][0]
    assert bars["y"] and all(name.startswith("user-") for name in bars["y"])


def test_with_admins_an_admin_sees_names(staff, session, settings):
    settings.NAMES_VISIBLE_TO = "admins"
    assert session.user in staff.get(reverse("reports:lstat_users")).content.decode()


def test_with_permission_only_users_granted_it_see_names(viewer, session, settings, django_user_model):
    settings.NAMES_VISIBLE_TO = "permission"
    assert session.user not in viewer.get(reverse("reports:lstat_users")).content.decode()
    user = django_user_model.objects.get(username="viewer")
    user.user_permissions.add(Permission.objects.get(codename="view_personal_names"))
    assert session.user in viewer.get(reverse("reports:lstat_users")).content.decode()


def test_metering_users_are_pseudonyms_in_tables_chart_and_download(viewer, metering_fetched, settings):
    settings.NAMES_VISIBLE_TO = "admins"
    url = reverse("reports:metering_tenant", args=["acme"])
    page = viewer.get(url, {"by": "user", "start": "2026-02-01", "end": "2026-03-03"})
    text = page.content.decode()
    assert "alice" not in text and pseudonym("user", "alice") in text
    traces = {t["name"] for t in figure(page)["data"]}
    assert pseudonym("user", "alice") in traces and "alice" not in traces
    users = csv_dicts(viewer.get(url, {"by": "user", "table": "users", "format": "csv", "start": "2026-02-01"}))
    assert {r["User"] for r in users} >= {pseudonym("user", "alice"), pseudonym("user", "bob")}
    location = viewer.get(reverse("reports:metering_location", args=["acme", "acme-vm-dev1"]))
    assert "alice" not in location.content.decode()


def test_the_api_answers_as_its_tokens_user_sees(session, settings, django_user_model):
    settings.NAMES_VISIBLE_TO = "admins"
    viewer = django_user_model.objects.create_user("ann", password="ann-pass-12345")
    admin = django_user_model.objects.create_user("root", password="root-pass-12345", is_staff=True)
    url = "/api/v1/reports/lstat/users"
    as_viewer = Api(token_create(user=viewer, name="t")[1]).walk(url)
    as_admin = Api(token_create(user=admin, name="t")[1]).walk(url)
    assert len(as_viewer) == len(as_admin)
    assert session.user in {r["user"] for r in as_admin}
    assert {r["user"] for r in as_viewer} == {pseudonym("user", r["user"]) for r in as_admin}
    assert session.user not in json.dumps(as_viewer)


def test_an_email_shows_names_as_its_subscriptions_owner_sees_them(session, settings, django_user_model):
    settings.NAMES_VISIBLE_TO = "admins"
    settings.CHROMIUM = "/nonexistent/chromium"
    viewer = django_user_model.objects.create_user("ann", "ann@example.com", password="ann-pass-12345")
    admin = django_user_model.objects.create_user("root", "root@example.com", password="root-pass-12345", is_staff=True)
    for owner in (viewer, admin):
        sub = Subscription.objects.create(
            name=f"users for {owner}", report="/lstat/users/", recipients=owner.email, owner=owner
        )
        assert send_subscription(sub).status == "sent"
    to_viewer, to_admin = mail.outbox
    viewer_csv = next(content for name, content, _type in to_viewer.attachments if name.endswith(".csv"))
    admin_csv = next(content for name, content, _type in to_admin.attachments if name.endswith(".csv"))
    assert session.user not in viewer_csv + to_viewer.body and pseudonym("user", session.user) in viewer_csv
    assert session.user in admin_csv
    assert len(list(csv.reader(io.StringIO(viewer_csv)))) == len(list(csv.reader(io.StringIO(admin_csv))))
