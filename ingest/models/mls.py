"""PipelineFX Metered License Server: minute records and their rollups."""

from django.db import models


class MlsRecord(models.Model):
    """One minute of one supervisor, as MLS reports it.

    The natural key is the seed's: (macaddress, ts_date, ts_time). `record_id`
    keeps MLS's own id, from which the next fetch starts.
    """

    source = models.ForeignKey("ingest.Source", on_delete=models.CASCADE, related_name="+")
    record_id = models.BigIntegerField()
    macaddress = models.CharField(max_length=17)
    ts_date = models.DateField()
    ts_time = models.TimeField()
    lic_used = models.IntegerField()
    lic_prepaid = models.IntegerField()
    lic_metered = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["macaddress", "ts_date", "ts_time"], name="mls_mac_date_time"),
        ]

    def __str__(self):
        return f"{self.macaddress} {self.ts_date} {self.ts_time}"


class MlsRollup(models.Model):
    """Min/sum/max of one supervisor's minutes per hour or per day, kept up to date by ingest.

    Charts read these, never the minute records; averages are sum / samples so
    that coarser buckets (week, month) can be built exactly from days.
    """

    class Granularity(models.TextChoices):
        HOUR = "hour"
        DAY = "day"

    macaddress = models.CharField(max_length=17)
    granularity = models.CharField(max_length=4, choices=Granularity.choices)
    bucket = models.DateTimeField()
    samples = models.IntegerField()
    used_min = models.IntegerField()
    used_max = models.IntegerField()
    used_sum = models.BigIntegerField()
    prepaid_min = models.IntegerField()
    prepaid_max = models.IntegerField()
    prepaid_sum = models.BigIntegerField()
    metered_min = models.IntegerField()
    metered_max = models.IntegerField()
    metered_sum = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["macaddress", "granularity", "bucket"], name="mls_rollup_mac_gran_bucket"),
        ]

    def __str__(self):
        return f"{self.macaddress} {self.granularity} {self.bucket}"
