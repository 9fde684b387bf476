"""Cloudsoft AMP metering service: location events, the active intervals derived from them,
location metadata and the service's own hourly summaries.

The models are the app `metering`'s; their tables keep the names they had as ingest's (`db_table`), from before each
vendor became an app of its own.
"""

from django.db import models


class MeteringEvent(models.Model):
    """One location event of one tenant, as GET /usage/location returns it.

    Natural key: (source, tenant, amp_id, loc_id, date, state). The service's
    own `id` is not part of Cloudsoft's documented shape, so it is kept
    (`upstream_id`) but not relied on. `state` is stored lower-cased: the
    service accepts it in any case.
    """

    source = models.ForeignKey("ingest.Source", on_delete=models.CASCADE, related_name="+")
    tenant = models.CharField(max_length=64)
    amp_id = models.CharField("AMP id", max_length=128)
    loc_id = models.CharField("location id", max_length=128)
    date = models.DateTimeField()
    state = models.CharField(max_length=32)
    entity_id = models.CharField(max_length=200, blank=True)
    entity_type = models.CharField(max_length=300, blank=True)
    application_id = models.CharField(max_length=200, blank=True)
    user = models.CharField(max_length=200, blank=True)
    metadata = models.JSONField(default=list, blank=True)
    upstream_id = models.CharField(max_length=64, blank=True)
    raw = models.JSONField(default=dict, blank=True, help_text="The event as the service answered it.")

    class Meta:
        db_table = "ingest_meteringevent"
        constraints = [
            models.UniqueConstraint(
                fields=["source", "tenant", "amp_id", "loc_id", "date", "state"], name="metering_event_key"
            ),
        ]
        indexes = [models.Index(fields=["tenant", "loc_id", "date"]), models.Index(fields=["tenant", "date"])]

    def __str__(self):
        return f"{self.tenant} {self.loc_id} {self.state} {self.date:%Y-%m-%d %H:%M:%S}"


class MeteringInterval(models.Model):
    """One active period of a location: from a created event to the matching destroyed one.

    Updated from the events of a location whenever a fetch brings events for
    it, from its earliest new or changed event on; `ended_at` is null while the location is still active. Who and what
    come from the created event.
    """

    source = models.ForeignKey("ingest.Source", on_delete=models.CASCADE, related_name="+")
    tenant = models.CharField(max_length=64)
    amp_id = models.CharField("AMP id", max_length=128)
    loc_id = models.CharField("location id", max_length=128)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    entity_id = models.CharField(max_length=200, blank=True)
    entity_type = models.CharField(max_length=300, blank=True)
    application_id = models.CharField(max_length=200, blank=True)
    user = models.CharField(max_length=200, blank=True)

    class Meta:
        db_table = "ingest_meteringinterval"
        indexes = [
            models.Index(fields=["source", "tenant", "loc_id"]),
            # The pages read the intervals overlapping a period: ended_at IS NULL OR ended_at > its start (few,
            # for the recent periods pages open), then started_at < its end read from the same index. An index
            # on started_at would read the whole history before the period's end: dropped.
            models.Index(fields=["ended_at", "started_at"], name="metering_interval_end"),
            models.Index(fields=["tenant", "ended_at", "started_at"], name="metering_interval_tenant_end"),
            models.Index(fields=["tenant", "loc_id", "ended_at"], name="metering_interval_loc_end"),
        ]

    def __str__(self):
        return f"{self.tenant} {self.loc_id} {self.started_at:%Y-%m-%d %H:%M} – {self.ended_at or 'active'}"


class MeteringLocation(models.Model):
    """One location of a tenant, as its events say: its first and last event (of any state).

    Kept up to date as each fetch window commits, so the tenant lists and the home page count locations
    and find the latest event without reading the events.
    """

    source = models.ForeignKey("ingest.Source", on_delete=models.CASCADE, related_name="+")
    tenant = models.CharField(max_length=64)
    loc_id = models.CharField("location id", max_length=128)
    first_event_at = models.DateTimeField()
    last_event_at = models.DateTimeField()

    class Meta:
        db_table = "ingest_meteringlocation"
        constraints = [
            models.UniqueConstraint(fields=["source", "tenant", "loc_id"], name="metering_location_key"),
        ]
        indexes = [models.Index(fields=["tenant", "loc_id"], name="metering_location_tenant")]

    def __str__(self):
        return f"{self.tenant} {self.loc_id}"


class MeteringLocationMetadata(models.Model):
    """One value of one metadata name of a location, from the fetch window that first reported it to the
    last (GET /usage/location-metadata). A value that changes starts a new row, so the history is kept;
    a name's current value is its row with the latest `first_seen_at`.
    """

    source = models.ForeignKey("ingest.Source", on_delete=models.CASCADE, related_name="+")
    tenant = models.CharField(max_length=64)
    loc_id = models.CharField("location id", max_length=128)
    name = models.CharField(max_length=128)
    value = models.TextField(blank=True)
    first_seen_at = models.DateTimeField(help_text="End of the first fetch window that reported this value.")
    seen_at = models.DateTimeField(help_text="End of the last fetch window that reported this value.")

    class Meta:
        db_table = "ingest_meteringlocationmetadata"
        verbose_name_plural = "metering location metadata"
        constraints = [
            models.UniqueConstraint(
                fields=["source", "tenant", "loc_id", "name", "first_seen_at"], name="metering_metadata_since"
            ),
        ]
        indexes = [models.Index(fields=["tenant", "loc_id", "name"], name="metering_metadata_location")]

    def __str__(self):
        return f"{self.loc_id} {self.name}={self.value}"


class MeteringHourSummary(models.Model):
    """A snapshot of GET /usage/location/hour for one location and one fetch window.

    Windows overlap a little, so snapshots must not be added up; the reports
    derive active hours from the events and show these for comparison.
    """

    source = models.ForeignKey("ingest.Source", on_delete=models.CASCADE, related_name="+")
    tenant = models.CharField(max_length=64)
    loc_id = models.CharField("location id", max_length=128)
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()
    active_hours = models.FloatField(null=True, blank=True, help_text="Empty when the record gave none we could read.")
    periods = models.JSONField(default=list, blank=True)
    raw = models.JSONField(default=dict, blank=True, help_text="The record as the service answered it.")

    class Meta:
        db_table = "ingest_meteringhoursummary"
        verbose_name_plural = "metering hour summaries"
        constraints = [
            models.UniqueConstraint(
                fields=["source", "tenant", "loc_id", "window_start", "window_end"], name="metering_summary_key"
            ),
        ]
        indexes = [models.Index(fields=["tenant", "loc_id", "window_end"], name="metering_summary_location")]

    def __str__(self):
        return f"{self.loc_id} {self.window_start:%Y-%m-%d %H:%M} {self.active_hours:.2f} h"
