"""X-Formation License Statistics: servers, features, usage history and snapshots.

Usage history is kept at the two granularities we fetch (hour for the recent
window, day for the long history); week, month and quarter are derived from
day rows by the report selectors. The current-users family of reports only
ever shows "now", so each fetch is kept as a timestamped snapshot with rows.

The models are the app `lstat`'s; their tables keep the names they had as ingest's (`db_table`), from before each
vendor became an app of its own.
"""

from django.db import models


class LstatServer(models.Model):
    """A license server as License Statistics lists it (lsid is its id there)."""

    source = models.ForeignKey("ingest.Source", on_delete=models.CASCADE, related_name="+")
    lsid = models.IntegerField("license server id")
    name = models.CharField(max_length=300)
    host = models.CharField(max_length=300, blank=True)
    port = models.CharField(max_length=50, blank=True)
    manager = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=100, blank=True)
    seen_at = models.DateTimeField(help_text="Last fetch that listed this server.")

    class Meta:
        db_table = "ingest_lstatserver"
        constraints = [models.UniqueConstraint(fields=["source", "lsid"], name="lstat_server_source_lsid")]
        ordering = ["name"]

    def __str__(self):
        return self.name or f"license server {self.lsid}"


class LstatFeature(models.Model):
    """A feature (fid) on one license server."""

    source = models.ForeignKey("ingest.Source", on_delete=models.CASCADE, related_name="+")
    fid = models.IntegerField("feature id")
    server = models.ForeignKey(
        LstatServer,
        on_delete=models.CASCADE,
        related_name="features",
        null=True,
        blank=True,
        help_text="Unknown for a feature fetched by id from a License Statistics without a feature list.",
    )
    name = models.CharField(max_length=300)
    version = models.CharField(max_length=100, blank=True)
    feature_type = models.CharField("feature type", max_length=100, blank=True)
    seen_at = models.DateTimeField(help_text="Last fetch that listed this feature.")

    class Meta:
        db_table = "ingest_lstatfeature"
        constraints = [models.UniqueConstraint(fields=["source", "fid"], name="lstat_feature_source_fid")]
        ordering = ["name", "version"]

    def __str__(self):
        return f"{self.name or f'feature {self.fid}'} {self.version}".strip()


class LstatUsage(models.Model):
    """One period of one feature's usage history, with every field of the report row.

    `period_start` is the period's label read in the source's zone and stored in
    UTC; `period_label` keeps the label as License Statistics sent it.
    """

    class Granularity(models.TextChoices):
        HOUR = "hour"
        DAY = "day"

    feature = models.ForeignKey(LstatFeature, on_delete=models.CASCADE, related_name="usage")
    granularity = models.CharField(max_length=4, choices=Granularity.choices)
    period_start = models.DateTimeField()
    period_label = models.CharField(max_length=40)
    used_min = models.IntegerField("used min")
    used_avg = models.FloatField("used avg")
    used_max = models.IntegerField("used max")
    borrowed_min = models.IntegerField("borrowed min")
    borrowed_max = models.IntegerField("borrowed max")
    denials = models.IntegerField("denials")
    hours_used = models.FloatField("hours used")
    total_seats = models.IntegerField("total")
    feature_name = models.CharField("feature name", max_length=300, blank=True)
    feature_version = models.CharField("feature version", max_length=100, blank=True)
    feature_type = models.CharField("feature type", max_length=100, blank=True)

    class Meta:
        db_table = "ingest_lstatusage"
        constraints = [
            models.UniqueConstraint(
                fields=["feature", "granularity", "period_start"], name="lstat_usage_feature_gran_period"
            ),
        ]

    def __str__(self):
        return f"{self.feature_id} {self.granularity} {self.period_start}"


class LstatSnapshot(models.Model):
    """One fetch of one of the "current" reports: when, which report, which response shape."""

    class Kind(models.TextChoices):
        USERS = "users", "current users"
        CURRENT_USAGE = "current_usage", "current license usage"
        HIGHEST_USAGE = "highest_usage", "highest license usage"

    source = models.ForeignKey("ingest.Source", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    taken_at = models.DateTimeField()
    shape = models.CharField(max_length=20, help_text="Which response shape License Statistics answered with.")
    row_count = models.IntegerField(default=0)
    # current-usage figures; the older shape has the first two, the newer one the last three
    users_with_licenses = models.IntegerField(null=True, blank=True)
    users_without_licenses = models.IntegerField(null=True, blank=True)
    current = models.IntegerField(null=True, blank=True)
    license_usage = models.IntegerField(null=True, blank=True)
    license_limit = models.IntegerField(null=True, blank=True)
    raw = models.JSONField(
        null=True, blank=True, help_text="The answer's data, kept when its shape is none License Statistics documents."
    )

    class Meta:
        db_table = "ingest_lstatsnapshot"
        constraints = [
            models.UniqueConstraint(fields=["source", "kind", "taken_at"], name="lstat_snapshot_source_kind_time")
        ]
        indexes = [models.Index(fields=["kind", "-taken_at"])]
        ordering = ["-taken_at"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.taken_at:%Y-%m-%d %H:%M}"


class LstatSession(models.Model):
    """A row of a current-users snapshot: one user holding one feature on one host."""

    snapshot = models.ForeignKey(LstatSnapshot, on_delete=models.CASCADE, related_name="sessions")
    lsid = models.IntegerField()
    server_name = models.CharField("license server", max_length=300)
    fid = models.IntegerField()
    feature_name = models.CharField("feature", max_length=300)
    feature_version = models.CharField("version", max_length=100, blank=True)
    feature_type = models.CharField("feature type", max_length=100, blank=True)
    user_id = models.IntegerField(null=True, blank=True)
    user = models.CharField("user", max_length=300)
    host = models.CharField("host", max_length=300, blank=True)
    checked_out_at = models.DateTimeField("checked out", null=True, blank=True)
    licenses = models.IntegerField(help_text="Licenses held, as the older or the newer response shape names them.")

    class Meta:
        db_table = "ingest_lstatsession"

    def __str__(self):
        return f"{self.user}@{self.host} {self.feature_name}"


class LstatTopUser(models.Model):
    """A row of a highest-usage snapshot: one of the top users of the last days."""

    snapshot = models.ForeignKey(LstatSnapshot, on_delete=models.CASCADE, related_name="top_users")
    rank = models.IntegerField()
    user = models.CharField("user", max_length=300)
    licenses = models.IntegerField(help_text="Licenses held, as the older or the newer response shape names them.")

    class Meta:
        db_table = "ingest_lstattopuser"
        ordering = ["rank"]

    def __str__(self):
        return f"{self.rank}. {self.user}"
