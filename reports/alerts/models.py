"""Alert rules, their current state, and the history of their changes."""

from django.core.exceptions import ValidationError
from django.db import models

from ingest.vendors.fields import KindField
from reports.alerts.series import series_for


class AlertRule(models.Model):
    """A condition a license admin wants to hear about once when it starts and once when it clears."""

    class Kind(models.TextChoices):
        DENIALS = "denials", "denials of a licensed thing"
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
        help_text="For stale and failing rules: the source watched (for the others, the watched thing's source).",
    )  # fmt: skip
    # For denials and utilization: the licensed thing watched, as its vendor knows it (reports/alerts/series.py).
    thing_kind = KindField(
        "vendor", blank=True, help_text="For denials and utilization: the vendor of the thing watched."
    )
    thing_key = models.CharField(
        "thing", max_length=300, blank=True, help_text="For denials and utilization: the key of the thing watched."
    )
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
        if self.kind in (self.Kind.STALE, self.Kind.FAILING):
            if self.source_id is None:
                raise ValidationError({"source": f"A {self.kind} rule needs a source."})
            return
        if not self.thing_kind or not self.thing_key:
            raise ValidationError(f"A {self.kind} rule needs the vendor and key of the thing it watches.")
        series = series_for(self.thing_kind)
        if series is None or self.kind not in series.rules:
            raise ValidationError({"thing_kind": f"No {self.kind} rule can watch a thing of {self.thing_kind!r}."})
        self._watched = watched = series.find(self.thing_key)
        if watched is None:
            raise ValidationError({"thing_key": f"No {series.thing} has the key {self.thing_key!r}."})
        self.thing_key, self.source_id = watched.key, watched.source_id  # the key as its vendor writes it
        if self.kind == self.Kind.UTILIZATION and not 0 < self.threshold <= 1000:
            raise ValidationError({"threshold": "Give the utilization threshold in percent, e.g. 90."})

    @property
    def state_text(self):
        """The state to show: "not checked yet" until the rule has been evaluated once (then ok or firing)."""
        return self.state if self.checked_at else "not checked yet"

    @property
    def series(self):
        return series_for(self.thing_kind) if self.thing_kind else None

    def watched(self):
        """The thing watched (reports.alerts.series.Watched), or None: none, or it is gone."""
        if not hasattr(self, "_watched"):
            series = self.series
            self._watched = series.find(self.thing_key) if series else None
        return self._watched

    @property
    def watches(self):
        """What the rule watches, in words."""
        if self.thing_kind:
            watched = self.watched()
            return watched.name if watched else f"{self.thing_kind} {self.thing_key} (gone)"
        return self.source

    @property
    def recipient_list(self):
        return [address.strip() for address in self.recipients.split(",") if address.strip()]

    @property
    def watched_source_id(self):
        """The source whose fetches can change this rule's state."""
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
