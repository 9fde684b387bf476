"""Sources of usage data, their fetch runs and their cursors."""

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from ingest.crypto import EncryptedTextField
from ingest.errors import basic_auth_header
from ingest.vendors import kind_label
from ingest.vendors.fields import KindField


class Source(models.Model):
    """One vendor API endpoint that Meterboard fetches from."""

    kind = KindField()  # a kind in the vendor registry
    name = models.CharField(max_length=100, unique=True)
    base_url = models.URLField("base URL", max_length=500)
    username = models.CharField(max_length=200, blank=True)
    # Credentials are write-only in the admin and never shown back, and stored encrypted (ingest/crypto.py).
    password = EncryptedTextField(blank=True)
    token = EncryptedTextField(blank=True)
    params = models.JSONField(
        "parameters", default=dict, blank=True, help_text="Kind-specific parameters (see the README)."
    )
    enabled = models.BooleanField(default=True)
    interval_minutes = models.PositiveIntegerField(
        "fetch interval (minutes)", default=15, help_text="MLS asks for at least 15 minutes."
    )
    # Set while a fetch holds this source: the lock that keeps two fetches apart (its value names the holder).
    locked_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The holder's last sign of life: it beats as pages commit and every few seconds in between, and a lock
    # whose heartbeat is older than FETCH_HEARTBEAT_TIMEOUT belongs to a dead fetch (see ingest/lock.py).
    heartbeat_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Bumped in the same transaction as every page that stores rows (and by edits of the source's data), so
    # cached chart data keyed on it is never older than the data (reports/cache.py), in any process.
    data_version = models.PositiveBigIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("ingest:source", args=[self.pk])

    def clean(self):
        # Credentials in a URL end up in logs and on pages: they belong in the credential fields.
        url = urlsplit(self.base_url or "")
        if url.username or url.password or url.query or url.fragment:
            raise ValidationError(
                {"base_url": "Give the base URL without credentials, query string or fragment; "
                 "use the username, password and token fields for credentials."}
            )  # fmt: skip

    def points_elsewhere(self, *, kind, base_url):
        """Whether KIND and BASE_URL name another server than the stored ones (its credentials are not for it)."""
        return kind != self.kind or base_url.rstrip("/") != (self.base_url or "").rstrip("/")

    def lock_is_dead(self, locked_at=None, heartbeat_at=None, now=None):
        """Whether the fetch holding this source (or the one holding LOCKED_AT/HEARTBEAT_AT) has been silent
        longer than FETCH_HEARTBEAT_TIMEOUT: killed, or stopped by the worker at its timeout."""
        locked_at, heartbeat_at = (locked_at, heartbeat_at) if locked_at else (self.locked_at, self.heartbeat_at)
        if locked_at is None:
            return False
        last_sign = heartbeat_at or locked_at  # (a lock taken before heartbeats existed has none)
        return last_sign < (now or timezone.now()) - timedelta(seconds=settings.FETCH_HEARTBEAT_TIMEOUT)

    @classmethod
    def data_changed(cls, source_id):
        """Say that the source's stored data changed: chart data cached for it is read again."""
        cls.objects.filter(pk=source_id).update(data_version=models.F("data_version") + 1)

    def forget_credentials(self):
        self.password = ""
        self.token = ""

    def secrets(self):
        """Values that must never reach a log line, an error text or a page: the password and token, and the
        password as it travels in an HTTP Basic header (base64 of `username:password`)."""
        basic = basic_auth_header(self.username, self.password) if self.password else ""
        return [s for s in (self.password, self.token, basic) if s]

    @property
    def kind_label(self):
        """The product's name of its kind, from the registry."""
        return kind_label(self.kind)

    @property
    def last_run(self):
        return self.runs.order_by("-started_at", "-pk").first()

    @property
    def last_success(self):
        return self.runs.filter(status=IngestRun.Status.SUCCEEDED).order_by("-finished_at", "-pk").first()

    def is_stale(self, now=None, *, last_success=False):
        """No successful fetch within three intervals (`last_success`: the source's, when already read)."""
        success = self.last_success if last_success is False else last_success
        now = now or timezone.now()
        return success is None or now - success.finished_at > timedelta(minutes=3 * self.interval_minutes)


class IngestRun(models.Model):
    """One fetch of one source: what it brought and how it ended."""

    class Status(models.TextChoices):
        RUNNING = "running"
        SUCCEEDED = "succeeded"
        FAILED = "failed"
        SKIPPED = "skipped"
        # It stopped without finishing (killed, or stopped by the worker at its timeout); the next fetch
        # found its lock dead, marked it so and went on from the cursors it had committed.
        INTERRUPTED = "interrupted"

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="runs")
    started_at = models.DateTimeField(default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RUNNING)
    trigger = models.CharField(max_length=20, default="schedule")
    records_fetched = models.PositiveBigIntegerField(default=0)
    records_created = models.PositiveBigIntegerField(default=0)
    records_updated = models.PositiveBigIntegerField(default=0)
    cursor_before = models.JSONField(default=dict, blank=True)
    cursor_after = models.JSONField(default=dict, blank=True)
    # Vendor facts worth showing, such as BigFix's import state.
    details = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["source", "-started_at"])]

    def __str__(self):
        return f"{self.source} {self.started_at:%Y-%m-%d %H:%M} {self.status}"

    @property
    def warnings(self):
        """What a connector asked the license admin to look at (RunContext.warn)."""
        return self.details.get("warnings", [])

    @property
    def stalled(self):
        """Still "running", but its fetch is gone (no lock, or a dead one): the next fetch marks it interrupted."""
        if self.status != self.Status.RUNNING:
            return False
        return self.source.locked_at is None or self.source.lock_is_dead()

    @property
    def duration(self):
        if self.finished_at:
            return self.finished_at - self.started_at
        return None


class Cursor(models.Model):
    """Where the next fetch of one stream of a source starts (e.g. one MLS supervisor)."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="cursors")
    key = models.CharField(max_length=200)
    value = models.CharField(max_length=200)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "key"], name="cursor_source_key")]

    def __str__(self):
        return f"{self.source} {self.key}={self.value}"
