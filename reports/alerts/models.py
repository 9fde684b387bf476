"""Alert rules, their current state, and the history of their changes."""

from django.core.exceptions import ValidationError
from django.db import models


class AlertRule(models.Model):
    """A condition a license admin wants to hear about once when it starts and once when it clears."""

    class Kind(models.TextChoices):
        DENIALS = "denials", "denials on a License Statistics feature"
        UTILIZATION = "utilization", "utilization at or above a threshold"
        STALE = "stale", "source stale"
        FAILING = "failing", "source failing"

    class State(models.TextChoices):
        OK = "ok"
        FIRING = "firing"

    name = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    source = models.ForeignKey(
        "ingest.Source", null=True, blank=True, on_delete=models.CASCADE, related_name="+",
        help_text="For stale and failing rules: the source watched.",
    )  # fmt: skip
    feature = models.ForeignKey(
        "ingest.LstatFeature", null=True, blank=True, on_delete=models.CASCADE, related_name="+",
        help_text="For denials, and for utilization of a License Statistics feature (of its total seats).",
    )  # fmt: skip
    supervisor = models.ForeignKey(
        "ingest.MlsSupervisor", null=True, blank=True, on_delete=models.CASCADE, related_name="+",
        help_text="For utilization of an MLS supervisor (of its prepaid licenses).",
    )  # fmt: skip
    threshold = models.FloatField(
        default=0, help_text="Denials: more than this many (0 = any). Utilization: this percent of the seats."
    )
    hours = models.PositiveIntegerField(
        default=1, help_text="Denials: counted over the last N hours. Utilization: held for N hours in a row."
    )
    stale_multiple = models.FloatField(default=3, help_text="Stale: no successful fetch for this many intervals.")
    recipients = models.TextField(help_text="Email addresses, comma-separated.")
    enabled = models.BooleanField(default=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OK, editable=False)
    state_since = models.DateTimeField(null=True, blank=True, editable=False)
    detail = models.TextField(blank=True, editable=False, help_text="What the last evaluation found.")
    checked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        needs = {
            self.Kind.DENIALS: ("feature",),
            self.Kind.STALE: ("source",),
            self.Kind.FAILING: ("source",),
        }.get(self.kind, ())
        missing = [field for field in needs if getattr(self, f"{field}_id") is None]
        if missing:
            raise ValidationError({field: f"A {self.kind} rule needs a {field}." for field in missing})
        if self.kind == self.Kind.UTILIZATION and (self.feature_id is None) == (self.supervisor_id is None):
            raise ValidationError("A utilization rule watches one License Statistics feature or one MLS supervisor.")
        if self.kind == self.Kind.UTILIZATION and not 0 < self.threshold <= 1000:
            raise ValidationError({"threshold": "Give the utilization threshold in percent, e.g. 90."})

    @property
    def state_text(self):
        """The state to show: "not checked yet" until the rule has been evaluated once (then ok or firing)."""
        return self.state if self.checked_at else "not checked yet"

    @property
    def recipient_list(self):
        return [address.strip() for address in self.recipients.split(",") if address.strip()]

    @property
    def watched_source_id(self):
        """The source whose fetches can change this rule's state."""
        if self.feature_id:
            return self.feature.source_id
        if self.supervisor_id:
            return self.supervisor.source_id
        return self.source_id


class AlertEvent(models.Model):
    """A rule's condition started (fired) or ended (cleared), and whether the email went out."""

    class Change(models.TextChoices):
        FIRED = "fired"
        CLEARED = "cleared"

    rule = models.ForeignKey(AlertRule, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(db_index=True)
    change = models.CharField(max_length=10, choices=Change.choices)
    message = models.TextField()
    emailed = models.BooleanField(default=False)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.rule} {self.change} {self.at:%Y-%m-%d %H:%M}"
