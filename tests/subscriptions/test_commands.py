"""add_subscription and send_report: the command-line contract scripts rely on."""

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from reports.subscriptions.models import Subscription, SubscriptionSend
from tests.conftest import MAC_A
from tests.subscriptions.conftest import REPORT, SEND_AT

pytestmark = pytest.mark.django_db


def add(*args):
    call_command("add_subscription", *args)


def test_add_subscription_creates_then_updates_the_same_name(mls_fetched):
    add("weekly-mls", "--report", REPORT, "--to", "a@example.com,b@example.com", "--every", "weekly:FRI",
        "--at", "07:30", "--timezone", "Europe/Berlin", "--period", "last-month", "--attach", "csv,xlsx")  # fmt: skip
    add("weekly-mls", "--report", REPORT, "--to", "c@example.com", "--every", "monthly:31")

    subscription = Subscription.objects.get()
    assert subscription.recipient_list == ["c@example.com"]
    assert (subscription.every, subscription.day_of_month, subscription.every_option) == ("monthly", 31, "monthly:31")
    # what the update left out stays as it was
    assert (f"{subscription.at:%H:%M}", subscription.timezone, subscription.period) == (
        "07:30",
        "Europe/Berlin",
        "last-month",
    )
    assert subscription.attach_csv and subscription.attach_xlsx
    assert subscription.next_send_at is not None


@pytest.mark.parametrize(
    "option, value, named",
    [
        ("--every", "fortnightly", "--every"),
        ("--every", "weekly:XYZ", "--every"),
        ("--every", "monthly:32", "--every"),
        ("--at", "8h", "--at"),
        ("--at", "25:00", "--at"),
        ("--timezone", "Mars/Olympus", "time zone"),
        ("--period", "last-year", "--period"),
        ("--attach", "pdf", "--attach"),
        ("--to", "not-an-address", "--to"),
        ("--report", "/mls/00:00:00:00:00:99/", "--report"),
        ("--report", "https://elsewhere.example.com/mls/", "--report"),
        ("--report", "/no/such/page/", "--report"),
    ],
)
def test_a_bad_value_exits_with_one_line_naming_it(mls_fetched, option, value, named):
    args = {"--report": REPORT, "--to": "a@example.com", option: value}
    with pytest.raises(CommandError) as error:
        add("bad", *[part for pair in args.items() for part in pair])
    assert named in str(error.value) and "\n" not in str(error.value)
    assert not Subscription.objects.exists()


def test_a_page_that_lists_reports_is_refused_as_a_report(mls_fetched):
    with pytest.raises(CommandError, match="not a report"):
        add("list", "--report", "/mls/", "--to", "a@example.com")


def test_send_report_sends_now_and_says_where(mls_fetched, no_chromium, capsys):
    add("weekly-mls", "--report", REPORT, "--to", "boss@example.com")
    with time_machine.travel(SEND_AT, tick=True):
        call_command("send_report", "weekly-mls")

    out = capsys.readouterr().out
    assert "weekly-mls: sent to boss@example.com (2026-02-25 – 2026-03-03)" in out
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["boss@example.com"]
    entry = SubscriptionSend.objects.get()
    assert (entry.status, entry.trigger, entry.recipients) == ("sent", "command", "boss@example.com")


def test_send_report_exits_non_zero_when_the_report_is_gone(mls_fetched, no_chromium):
    add("weekly-mls", "--report", REPORT, "--to", "boss@example.com")
    mls_fetched.supervisors.filter(macaddress=MAC_A).delete()

    with pytest.raises(CommandError, match="no longer exists"):
        call_command("send_report", "weekly-mls")
    assert SubscriptionSend.objects.get().status == "failed"
    assert mail.outbox == []


def test_send_report_of_an_unknown_name_fails():
    with pytest.raises(CommandError, match="No subscription named 'nope'"):
        call_command("send_report", "nope")


def test_the_demo_subscribes_to_a_report_and_sends_it_once(mls_fetched, sim, no_chromium):
    from ingest.management.commands.demo import Command

    Command().demo_subscription(list(sim.simulators.values()))

    subscription = Subscription.objects.get()
    assert subscription.report == f"/mls/{MAC_A}/?granularity=day"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["admin@localhost"]
    assert {name.rsplit(".", 1)[1] for name, _content, _type in mail.outbox[0].attachments} == {"csv", "xlsx"}


@pytest.mark.parametrize("page", ["/subscriptions/new/", "/logout/", "/admin/", "/sources/"])
def test_pages_that_are_not_reports_are_refused(mls_fetched, page):
    with pytest.raises(CommandError, match="--report"):
        add("not-a-report", "--report", page, "--to", "a@example.com")


def test_names_shared_by_several_owners_need_owner(django_user_model, settings):
    settings.SUBSCRIPTION_RECIPIENT_DOMAINS = ["example.com"]
    viewer = django_user_model.objects.create_user("viewer", "viewer@example.com")
    gone = "/mls/00:00:00:00:00:99/"
    Subscription.objects.create(name="Weekly", report=gone, recipients="a@example.com")
    mine = Subscription.objects.create(name="Weekly", report=gone, recipients="viewer@example.com", owner=viewer)

    with pytest.raises(CommandError, match=r"2 subscriptions are named 'Weekly' \(owners: none, 'viewer'\)"):
        call_command("send_report", "Weekly")
    with pytest.raises(CommandError, match="no longer exists"):
        call_command("send_report", "Weekly", "--owner", "viewer")
    assert SubscriptionSend.objects.get().subscription == mine
    with pytest.raises(CommandError, match="--owner 'nobody': no such user"):
        add("Weekly", "--report", gone, "--to", "b@example.com", "--owner", "nobody")
    with pytest.raises(CommandError, match="x@evil.example: a viewer's subscription may go only to"):
        add("Weekly", "--report", gone, "--to", "x@evil.example", "--owner", "viewer")
    with pytest.raises(CommandError, match="no longer exists"):  # (the one without an owner may mail anyone)
        add("Weekly", "--report", gone, "--to", "x@evil.example", "--owner", "")
