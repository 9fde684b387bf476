"""Subscription names are unique per owner (so "exists already" tells no one another user's names), and the
migration that made them so keeps every stored subscription."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from reports.subscriptions.models import Subscription
from tests.migrations import migrate, migrate_to_latest

GONE = "/mls/00:00:00:00:00:99/"


def make(name, owner=None):
    return Subscription(name=name, report=GONE, recipients="a@example.com", owner=owner)


@pytest.mark.django_db
def test_two_owners_may_use_one_name_but_no_owner_twice(admin_user):
    make("Weekly").save()
    make("Weekly", owner=admin_user).full_clean()  # another owner's name is free
    make("Weekly", owner=admin_user).save()

    for owner in (None, admin_user):  # (NULL owners are distinct to the constraint: the model checks them)
        with pytest.raises(ValidationError) as error:
            make("Weekly", owner=owner).full_clean()
        assert "exists already" in error.value.message_dict["name"][0]
    with pytest.raises(IntegrityError), transaction.atomic():
        make("Weekly", owner=admin_user).save()


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_every_subscription_and_its_sends(django_user_model):
    try:
        old = migrate([("reports", "0005_rate_counts_and_pdf_slots")])
        user = django_user_model.objects.create_user("viewer")
        Subscriptions = old.get_model("reports", "Subscription")
        mine = Subscriptions.objects.create(name="Mine", report=GONE, recipients="a@example.com", owner_id=user.pk)
        Subscriptions.objects.create(name="Weekly", report=GONE, recipients="b@example.com")
        old.get_model("reports", "SubscriptionSend").objects.create(
            subscription=mine, sent_at="2026-03-04T12:00:00Z", status="sent"
        )

        new = migrate([("reports", "0006_subscription_name_per_owner")])

        rows = new.get_model("reports", "Subscription").objects.order_by("name")
        assert [(s.name, s.owner_id, s.recipients) for s in rows] == [
            ("Mine", user.pk, "a@example.com"), ("Weekly", None, "b@example.com"),
        ]  # fmt: skip
        assert new.get_model("reports", "SubscriptionSend").objects.get().subscription_id == mine.pk
        new.get_model("reports", "Subscription").objects.create(name="Weekly", report=GONE, owner_id=user.pk)
    finally:
        migrate_to_latest()
