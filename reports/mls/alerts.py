"""What alert rules can watch of MLS: a supervisor's hourly licenses in use, of its prepaid licenses."""

from django.db.models import Max
from django.urls import reverse

from ingest.vendors.mls.models import MlsRollup, MlsSupervisor
from ingest.vendors.mls.parsing import normalize_mac
from reports.alerts.series import Series, Watched
from reports.mls.selectors import OWNED_WINDOW


class SupervisorSeries(Series):
    kind = "mls"
    thing = "MLS supervisor"
    key_help = "its MAC address, as 00:1A:2B:3C:4D:5E"
    seats_name = "prepaid licenses"
    rules = ("utilization",)

    def find(self, key):
        try:
            macaddress = normalize_mac(key[:40])
        except ValueError:
            return None
        supervisor = MlsSupervisor.objects.filter(macaddress=macaddress).first()
        return supervisor and Watched(
            key=supervisor.macaddress,
            name=f"supervisor {supervisor.macaddress}",
            source_id=supervisor.source_id,
            pk=supervisor.pk,
        )

    def hourly_peaks(self, watched, since, hours):
        rows = MlsRollup.objects.filter(supervisor=watched.pk, granularity="hour", bucket__gte=since)
        return list(rows.order_by("-bucket").values_list("used_max", "prepaid_max")[:hours])

    def owned(self, watched, now):
        """As the overview reads it: the highest prepaid count of the OWNED_WINDOW before now (never the hour's)."""
        rows = MlsRollup.objects.filter(supervisor=watched.pk, granularity="hour", bucket__gt=now - OWNED_WINDOW)
        return rows.filter(bucket__lte=now).aggregate(owned=Max("prepaid_max"))["owned"]

    def page(self, watched):
        return reverse("reports:mls_supervisor", args=[watched.key])


SERIES = [SupervisorSeries()]
