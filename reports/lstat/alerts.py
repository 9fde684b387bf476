"""What alert rules can watch of License Statistics: a feature's hourly usage, of its total seats, and denials."""

from django.db.models import Sum
from django.urls import reverse

from ingest.vendors.lstat.models import LstatFeature, LstatUsage
from reports.alerts.series import Series, Watched


class FeatureSeries(Series):
    kind = "lstat"
    thing = "License Statistics feature"
    key_help = "SOURCE_ID:FEATURE_ID (the fid), as the overview's Key column shows it"
    seats_name = "total seats"
    rules = ("denials", "utilization")

    def find(self, key):
        source_id, _, fid = key.partition(":")
        if not (source_id.isdigit() and fid.lstrip("-").isdigit()) or len(key) > 40:
            return None
        feature = LstatFeature.objects.filter(source_id=int(source_id), fid=int(fid)).first()
        return feature and Watched(key=key, name=feature.name, source_id=feature.source_id, pk=feature.pk)

    def _hours(self, watched, since):
        return LstatUsage.objects.filter(feature=watched.pk, granularity="hour", period_start__gte=since)

    def hourly_peaks(self, watched, since, hours):
        rows = self._hours(watched, since).order_by("-period_start")
        return list(rows.values_list("used_max", "total_seats")[:hours])

    def denials(self, watched, since):
        return self._hours(watched, since).aggregate(total=Sum("denials"))["total"] or 0

    def page(self, watched):
        return reverse("reports:lstat_feature", args=[watched.pk])


def key(feature):
    """The key rules (and the overview) know a feature by."""
    return f"{feature.source_id}:{feature.fid}"


SERIES = [FeatureSeries()]
