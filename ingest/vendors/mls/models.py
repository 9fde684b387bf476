"""PipelineFX Metered License Server: supervisors, their minute records and rollups.

The models are the app `mls`'s; their tables keep the names they had as ingest's (`db_table`), from before each
vendor became an app of its own.
"""

from django.db import models


class MlsSupervisor(models.Model):
    """A Qube supervisor reporting to MLS, known by its MAC address (as Qube prints it).

    Records refer to it by a small integer, which keeps their natural-key index
    a quarter of the size of one on the MAC text (as the seed suggests).
    """

    id = models.AutoField(primary_key=True)
    source = models.ForeignKey("ingest.Source", on_delete=models.CASCADE, related_name="supervisors")
    macaddress = models.CharField("MAC address", max_length=17, unique=True)

    class Meta:
        db_table = "ingest_mlssupervisor"
        ordering = ["macaddress"]

    def __str__(self):
        return self.macaddress


class MlsRecord(models.Model):
    """One minute of one supervisor, as MLS reports it.

    The natural key is the seed's (macaddress, ts_date, ts_time), with the MAC
    held by the supervisor. `record_id` keeps MLS's own id, from which the
    next fetch starts.
    """

    # No index of its own: the natural key below starts with the supervisor.
    supervisor = models.ForeignKey(MlsSupervisor, on_delete=models.CASCADE, related_name="+", db_index=False)
    record_id = models.BigIntegerField()
    ts_date = models.DateField()
    ts_time = models.TimeField()
    lic_used = models.IntegerField()
    lic_prepaid = models.IntegerField()
    lic_metered = models.IntegerField()

    class Meta:
        db_table = "ingest_mlsrecord"
        constraints = [
            models.UniqueConstraint(fields=["supervisor", "ts_date", "ts_time"], name="mls_supervisor_date_time"),
        ]

    def __str__(self):
        return f"{self.supervisor_id} {self.ts_date} {self.ts_time}"


class MlsRollup(models.Model):
    """Min/sum/max of one supervisor's minutes per UTC hour, kept up to date by ingest.

    Charts read these, never the minute records (except the minutes of an hour
    that a local day boundary splits, in zones like Asia/Kolkata); averages are
    sum / samples so that local days, weeks and months are built exactly from hours.
    """

    class Granularity(models.TextChoices):
        HOUR = "hour"

    supervisor = models.ForeignKey(MlsSupervisor, on_delete=models.CASCADE, related_name="+", db_index=False)
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
        db_table = "ingest_mlsrollup"
        constraints = [
            models.UniqueConstraint(
                fields=["supervisor", "granularity", "bucket"], name="mls_rollup_supervisor_gran_bucket"
            ),
        ]

    def __str__(self):
        return f"{self.supervisor_id} {self.granularity} {self.bucket}"
