"""Subscriptions to emailed reports, and the log of every send."""

from datetime import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from reports.subscriptions import schedule
from reports.subscriptions.recipients import recipients_for


def display_zone():
    return settings.TIME_ZONE


class SubscriptionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Admins see every subscription; a viewer sees the ones they made on the Subscribe form."""
        return self if user.is_staff else self.filter(owner=user)


class Subscription(models.Model):
    """A report page (path and query) emailed to recipients on a schedule, for a period relative to the send."""

    class Period(models.TextChoices):
        LAST_7_DAYS = "last-7-days", "last 7 days"
        LAST_30_DAYS = "last-30-days", "last 30 days"
        LAST_MONTH = "last-month", "last full month"
        MONTH_TO_DATE = "month-to-date", "month to date"

    class Every(models.TextChoices):
        DAILY = "daily"
        WEEKLY = "weekly"
        MONTHLY = "monthly"

    name = models.CharField(max_length=100, help_text="Unique among its owner's subscriptions.")
    report = models.CharField(
        max_length=1000,
        help_text="The report's dashboard URL path and query, e.g. /mls/00:1A:2B:3C:4D:5E/?granularity=day",
    )
    period = models.CharField(max_length=20, choices=Period.choices, default=Period.LAST_7_DAYS)
    recipients = models.TextField(help_text="Email addresses, comma-separated.")
    every = models.CharField(max_length=10, choices=Every.choices, default=Every.WEEKLY)
    weekday = models.PositiveSmallIntegerField(
        choices=list(enumerate(schedule.WEEKDAY_NAMES)), default=0, help_text="For weekly schedules."
    )
    day_of_month = models.PositiveSmallIntegerField(
        default=1, help_text="For monthly schedules, 1–31; a day a month lacks means its last day."
    )
    at = models.TimeField(default=time(8, 0))
    timezone = models.CharField(max_length=64, default=display_zone, help_text="Area/City")
    include_charts = models.BooleanField(default=True)
    include_summary = models.BooleanField(default=True)
    attach_csv = models.BooleanField("attach CSV", default=True)
    attach_xlsx = models.BooleanField("attach XLSX", default=False)
    enabled = models.BooleanField(default=True)
    next_send_at = models.DateTimeField(null=True, blank=True, db_index=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="subscriptions",
        help_text="Who made it on the Subscribe form; only admins see subscriptions without one.",
    )  # fmt: skip

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="subscription_name_per_owner")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("reports:subscription", args=[self.pk])

    def clean_fields(self, exclude=None):
        """Every field, and the recipient rule (reports/subscriptions/recipients.py) for its owner."""
        try:
            super().clean_fields(exclude)
            errors = {}
        except ValidationError as exc:
            errors = exc.error_dict
        if "recipients" not in (exclude or ()) and "recipients" not in errors:
            try:
                self.recipients = ", ".join(recipients_for(self.recipients, owner=self.owner))
            except ValueError as exc:
                errors["recipients"] = [ValidationError(str(exc).removeprefix("--to: "))]
        if errors:
            raise ValidationError(errors)

    def validate_unique(self, exclude=None):
        """A name of its own among its owner's subscriptions (the constraint cannot see those without an owner:
        NULLs are distinct)."""
        super().validate_unique(exclude)
        same_name = Subscription.objects.filter(name=self.name, owner=self.owner_id).exclude(pk=self.pk)
        if "name" not in (exclude or ()) and same_name.exists():
            raise ValidationError({"name": f"A subscription named {self.name!r} exists already; choose another name."})

    @property
    def recipient_list(self):
        return [address.strip() for address in self.recipients.split(",") if address.strip()]

    @property
    def schedule_text(self):
        when = f"{self.at:%H:%M} {self.timezone}"
        if self.every == self.Every.WEEKLY:
            return f"weekly on {schedule.WEEKDAY_NAMES[self.weekday]} at {when}"
        if self.every == self.Every.MONTHLY:
            return f"monthly on day {self.day_of_month} at {when}"
        return f"daily at {when}"

    @property
    def every_option(self):
        """The schedule as add_subscription's --every writes it."""
        if self.every == self.Every.WEEKLY:
            return f"weekly:{schedule.WEEKDAY_NAMES[self.weekday][:3].upper()}"
        if self.every == self.Every.MONTHLY:
            return f"monthly:{self.day_of_month}"
        return "daily"

    def next_after(self, moment):
        return schedule.next_send(
            moment, every=self.every, at=self.at, zone=self.timezone, weekday=self.weekday, day=self.day_of_month
        )

    @property
    def last_send(self):
        return self.sends.first()


class SubscriptionSend(models.Model):
    """One send of a subscription: when, to whom, and how it ended."""

    class Status(models.TextChoices):
        SENT = "sent"
        FAILED = "failed"

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="sends")
    sent_at = models.DateTimeField(db_index=True)
    trigger = models.CharField(max_length=20, default="schedule")
    recipients = models.TextField(blank=True)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices)
    error = models.TextField(blank=True)
    charts = models.PositiveSmallIntegerField(default=0, help_text="Charts embedded as PNG.")

    class Meta:
        ordering = ["-sent_at", "-pk"]

    def __str__(self):
        return f"{self.subscription} {self.sent_at:%Y-%m-%d %H:%M} {self.status}"
