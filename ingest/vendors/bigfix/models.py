"""IBM BigFix Inventory / License Metric Tool: peak license usage per reporting period.

The models are the app `bigfix`'s; their tables keep the names they had as ingest's (`db_table`), from before each
vendor became an app of its own.
"""

from django.db import models


class BigfixSoftwareTitle(models.Model):
    """A software title (product) as BigFix names it, from the hidden software_title_dimension columns."""

    source = models.ForeignKey("ingest.Source", on_delete=models.CASCADE, related_name="+")
    software_title_id = models.BigIntegerField()
    name = models.CharField(max_length=300)
    guid = models.CharField(max_length=64, blank=True)
    publisher_name = models.CharField(max_length=300, blank=True)
    publisher_guid = models.CharField(max_length=64, blank=True)

    class Meta:
        db_table = "ingest_bigfixsoftwaretitle"
        constraints = [
            models.UniqueConstraint(fields=["source", "software_title_id"], name="bigfix_title_source_id"),
        ]

    def __str__(self):
        return self.name


class BigfixUsage(models.Model):
    """The peak of one metric of one software title on one computer system in one reporting period.

    Natural key (per source, since BigFix ids are local to a server): software
    title, metric, computer system and reporting period. BigFix serves only the
    last 90 days; rows stay here after they leave its window, so the history
    grows with every fetch.
    """

    source = models.ForeignKey("ingest.Source", on_delete=models.CASCADE, related_name="+")
    software_title_id = models.BigIntegerField()
    metric_name = models.CharField(max_length=50)
    computer_system_id = models.BigIntegerField()
    reporting_period_start_date = models.DateField()
    reporting_period_end_date = models.DateField()
    peak_value = models.FloatField()
    peak_date = models.DateField(null=True, blank=True)
    peak_time = models.DateTimeField(null=True, blank=True)
    fetched_at = models.DateTimeField(help_text="When BigFix last served this row.")

    class Meta:
        db_table = "ingest_bigfixusage"
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "source",
                    "software_title_id",
                    "metric_name",
                    "computer_system_id",
                    "reporting_period_start_date",
                ],
                name="bigfix_usage_natural_key",
            ),
        ]
        indexes = [
            models.Index(fields=["reporting_period_start_date"], name="bigfix_usage_period"),
            # the computer system page: one system's rows of one metric
            models.Index(fields=["source", "computer_system_id", "metric_name"], name="bigfix_usage_system"),
        ]

    def __str__(self):
        return f"{self.software_title_id} {self.metric_name} cs{self.computer_system_id} {self.reporting_period_start_date}"
