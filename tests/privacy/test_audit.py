"""The audit log: who changed sources, prices, roles, rules and subscriptions, who downloaded raw rows."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dashboard.privacy.models import AuditEntry
from ingest.services import source_save
from ingest.vendors.lstat.models import LstatFeature
from reports.alerts.models import AlertRule
from reports.overview.models import Entitlement
from reports.subscriptions.models import Subscription
from tests.downloads import csv_dicts

pytestmark = pytest.mark.django_db

SECRET = "s3cret-pass-word-42"
PARAMS = {"macaddresses": "00:1A:2B:3C:4D:5E"}


def entries(**filters):
    return list(AuditEntry.objects.filter(**filters).order_by("id"))


def test_a_sources_changes_are_logged_and_its_secrets_never(db):
    where = {"kind": "mls", "name": "studio", "base_url": "https://mls.example.com", "params": PARAMS}
    source = source_save(**where, username="u", password=SECRET)
    source_save(**where, password=SECRET + "x", interval_minutes=30)
    created, changed = entries(target_type="ingest.Source")
    assert created.action == "created" and created.changes["password"] == "(changed)" and created.target == "studio"
    assert changed.changes == {"password": "(changed)", "interval_minutes": [15, 30]}
    assert created.actor_name == "system" and created.target_id == str(source.pk)
    source.delete()
    assert entries(target_type="ingest.Source")[-1].action == "deleted"
    assert SECRET not in str([(e.changes, e.detail, e.target) for e in AuditEntry.objects.all()])


def test_a_fetch_that_only_moves_bookkeeping_fields_logs_nothing(lstat_fetched):
    assert not entries(target_type="ingest.Source", action="changed")


def test_an_entitlement_and_its_import_name_the_admin(staff):
    Entitlement.objects.create(kind="mls", key="00:1A", owned=5)
    upload = SimpleUploadedFile("owned.csv", b"Key,Owned\r\nmls:00:1A,10\r\n", content_type="text/csv")
    staff.post(reverse("reports:import_entitlements"), {"file": upload, "next": "/"})
    created, changed = entries(target_type="reports.Entitlement", action__in=["created", "changed"])
    assert (created.actor_name, changed.actor_name) == ("system", "boss") and float(created.changes["owned"]) == 5
    assert [float(v) for v in changed.changes["owned"]] == [5, 10]
    (imported,) = entries(action="import")
    assert imported.actor_name == "boss" and imported.target == "1 changes" and "10" in imported.detail


def test_role_changes_are_logged(django_user_model):
    user = django_user_model.objects.create_user("ann", password="ann-pass-12345")
    user.is_staff = True
    user.save()
    group = Group.objects.create(name="license admins")
    user.groups.add(group)
    group.permissions.add(Permission.objects.get(codename="view_personal_names"))
    user.last_login = user.date_joined
    user.save()  # a sign-in: no role changed
    actions = [(e.action, e.changes) for e in entries(target_type="auth.User")]
    assert actions[1:] == [("changed", {"is_staff": [False, True]}), ("groups added", {"groups": ["license admins"]})]
    assert "password" not in str(actions)
    perm = entries(target_type="auth.Group", action="permissions added")[0]
    assert "see people's real user and host names" in perm.changes["permissions"][0]


def test_alert_rules_and_subscriptions_are_logged_but_not_their_checks(mls_source):
    rule = AlertRule.objects.create(name="full", kind="stale", source=mls_source, recipients="a@example.com")
    rule.state, rule.detail = "firing", "stale"
    rule.save(update_fields=["state", "detail"])  # an evaluation
    Subscription.objects.create(name="weekly", report="/mls/", recipients="a@example.com")
    assert [e.action for e in entries(target_type="reports.AlertRule")] == ["created"]
    assert [e.action for e in entries(target_type="reports.Subscription")] == ["created"]


def test_a_raw_download_is_logged_with_its_user(viewer, lstat_fetched):
    feature = LstatFeature.objects.first()
    response = viewer.get(reverse("reports:lstat_feature", args=[feature.pk]), {"table": "raw", "format": "csv"})
    assert response.status_code == 200
    (entry,) = entries(action="raw download")
    assert entry.actor_name == "viewer" and entry.target.endswith("-raw.csv") and "/lstat/" in entry.detail


def test_the_audit_log_page_and_download_are_for_admins(viewer, client, django_user_model):
    AuditEntry.objects.create(actor_name="boss", action="changed", target='=HYPERLINK("x")<script>', changes={"a": 1})
    assert viewer.get(reverse("privacy:audit_log")).status_code == 403
    client.force_login(django_user_model.objects.create_user("root", password="root-pass-12345", is_staff=True))
    page = client.get(reverse("privacy:audit_log"))
    assert (
        page.status_code == 200
        and b"&lt;script&gt;" in page.content
        and b"<script>" not in page.content.split(b"<main")[-1]
    )
    rows = csv_dicts(client.get(reverse("privacy:audit_log"), {"format": "csv"}))
    (row,) = [r for r in rows if r["By"] == "boss"]
    assert {"viewer", "root"} <= {r["Which"] for r in rows}  # their accounts' creation
    assert row["By"] == "boss" and row["Changes"] == '{"a": 1}' and not row["Which"].startswith("=")
    assert client.get(reverse("privacy:audit_log"), {"format": "xlsx"})["Content-Type"].startswith("application/vnd")
    assert client.get(reverse("privacy:audit_log"), {"format": "pdf"}).status_code == 400


def test_the_admin_lists_the_audit_log_read_only(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", password="root-pass-12345"))
    AuditEntry.objects.create(actor_name="boss", action="changed", target="studio")
    assert client.get(reverse("admin:privacy_auditentry_changelist")).status_code == 200
    assert client.get(reverse("admin:privacy_auditentry_add")).status_code == 403
