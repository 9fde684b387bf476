"""Who a subscription may mail: a viewer only themselves and SUBSCRIPTION_RECIPIENT_DOMAINS, admins anyone,
nobody more than SUBSCRIPTION_MAX_RECIPIENTS, on the form, the admin, add_subscription and at every send."""

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from reports.subscriptions.models import Subscription
from reports.subscriptions.services import send_subscription
from tests.subscriptions.conftest import REPORT

pytestmark = pytest.mark.django_db

GONE = "/mls/00:00:00:00:00:99/"  # a report that fails at once: these tests need no data


@pytest.fixture(autouse=True)
def _rule(settings):
    settings.SUBSCRIPTION_RECIPIENT_DOMAINS = ["corp.example", "@Lab.Example"]
    settings.SUBSCRIPTION_MAX_RECIPIENTS = 3


@pytest.fixture
def me(viewer):
    user = User.objects.get(username="viewer")
    user.email = "Viewer@home.example"
    user.save()
    return user


def form(recipients, report=REPORT, name="Mine"):
    return {
        "name": name, "report": report, "period": "last-7-days", "recipients": recipients, "every": "daily",
        "weekday": "0", "day_of_month": "1", "at": "07:00", "timezone": "UTC", "attach_csv": "on", "enabled": "on",
    }  # fmt: skip


def admin_form(recipients, report=REPORT):
    return {**form(recipients, report), "sends-TOTAL_FORMS": "0", "sends-INITIAL_FORMS": "0"}


def recipient_error(response):
    assert response.status_code in (200, 400)
    return " ".join(response.context["adminform" if "adminform" in response.context else "form"].errors["recipients"])


def test_a_viewer_may_mail_themselves_and_the_allowed_domains(viewer, me, mls_fetched):
    response = viewer.post("/subscriptions/new/", form("viewer@home.example, a@corp.example, b@lab.example"))

    assert response.status_code == 302
    assert Subscription.objects.get(owner=me).recipients == "viewer@home.example, a@corp.example, b@lab.example"


def test_a_viewer_may_not_mail_anyone_else(viewer, me):
    response = viewer.post("/subscriptions/new/", form("a@corp.example, x@evil.example, y@corp.example.evil.example"))

    error = recipient_error(response)
    assert "x@evil.example, y@corp.example.evil.example" in error and "a@corp.example," not in error
    assert "corp.example, lab.example" in error
    assert not Subscription.objects.exists()


def test_without_allowed_domains_a_viewer_mails_only_their_own_address(viewer, me, settings):
    settings.SUBSCRIPTION_RECIPIENT_DOMAINS = []

    error = recipient_error(viewer.post("/subscriptions/new/", form("a@corp.example")))

    assert "a@corp.example" in error and "own address (viewer@home.example)" in error


def test_nobody_gets_more_than_the_maximum_of_recipients(viewer, me, admin_client):
    four = "a@corp.example, b@corp.example, c@corp.example, d@corp.example"

    assert "at most 3 (SUBSCRIPTION_MAX_RECIPIENTS)" in recipient_error(viewer.post("/subscriptions/new/", form(four)))
    too_many = admin_form("a@x.example, b@x.example, c@x.example, d@x.example", report=GONE)
    assert "at most 3" in recipient_error(admin_client.post("/admin/reports/subscription/add/", too_many))
    with pytest.raises(CommandError, match="at most 3"):
        call_command("add_subscription", "cli", "--report", GONE, "--to", four)


def test_a_repeated_address_counts_once(viewer, me, mls_fetched):
    twice = "a@corp.example, A@corp.example, a@corp.example, b@corp.example, c@corp.example"

    assert viewer.post("/subscriptions/new/", form(twice)).status_code == 302
    assert Subscription.objects.get().recipient_list == ["a@corp.example", "b@corp.example", "c@corp.example"]


def test_an_admin_mails_anyone_from_the_admin(admin_client, mls_fetched):
    response = admin_client.post("/admin/reports/subscription/add/", admin_form("x@evil.example"))

    assert response.status_code == 302, response.context["adminform"].errors
    assert Subscription.objects.get().recipients == "x@evil.example"


def test_the_model_refuses_what_the_form_would_for_a_viewers_subscription(me):
    subscription = Subscription(name="Mine", report=REPORT, recipients="x@evil.example", owner=me)

    with pytest.raises(ValidationError) as error:
        subscription.full_clean()
    assert "x@evil.example" in " ".join(error.value.message_dict["recipients"])


def test_add_subscription_cannot_send_a_viewers_subscription_elsewhere(me):
    Subscription.objects.create(name="Mine", report=GONE, recipients="a@corp.example", owner=me)

    with pytest.raises(CommandError, match="x@evil.example: a viewer's subscription may go only to"):
        call_command("add_subscription", "Mine", "--report", GONE, "--to", "x@evil.example")
    assert Subscription.objects.get().recipients == "a@corp.example"


def test_an_admin_cannot_send_a_viewers_subscription_elsewhere_in_the_admin(admin_client, me):
    subscription = Subscription.objects.create(name="Mine", report=GONE, recipients="a@corp.example", owner=me)

    response = admin_client.post(f"/admin/reports/subscription/{subscription.pk}/change/", admin_form("x@evil.example"))

    assert "x@evil.example" in recipient_error(response)


@pytest.mark.parametrize(
    "recipients", ["a@corp.example, x@evil.example", ", ".join(f"{n}@corp.example" for n in "abcd")]
)
def test_a_send_checks_the_rule_again_whatever_stored_the_subscription(me, recipients):
    # rows written before the rule, or by a path that skipped validation
    subscription = Subscription.objects.create(name="Old", report=GONE, recipients=recipients, owner=me)

    entry = send_subscription(subscription)

    assert entry.status == "failed" and ("x@evil.example" in entry.error or "at most 3" in entry.error)
    assert mail.outbox == []


def test_a_former_admins_subscription_keeps_to_the_viewers_rule(me):
    subscription = Subscription.objects.create(name="Old", report=GONE, recipients="x@evil.example", owner=me)
    me.is_staff = True
    me.save()
    assert "x@evil.example" not in send_subscription(subscription).error  # (it fails on its report, not its rule)

    me.is_staff = False
    me.save()
    subscription.refresh_from_db()
    assert "x@evil.example: a viewer's subscription" in send_subscription(subscription).error


def test_the_form_says_where_a_viewer_may_send(viewer, me):
    form = viewer.get("/subscriptions/new/", {"report": REPORT}).context["form"]

    assert form.fields["recipients"].help_text == (
        "Your own address (Viewer@home.example) and addresses at corp.example, lab.example, comma-separated, at most 3."
    )
