from django.db import models


class TallyCount(models.Model):
    """The peak of one counter in one UTC hour, and the seats it has."""

    source = models.ForeignKey("ingest.Source", on_delete=models.CASCADE, related_name="+")
    counter = models.CharField(max_length=100)
    hour = models.DateTimeField()
    used = models.PositiveIntegerField()
    seats = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "counter", "hour"], name="tally_count_key")]
        ordering = ["counter", "hour"]

    def __str__(self):
        return f"{self.counter} {self.hour:%Y-%m-%d %H:%M}"
