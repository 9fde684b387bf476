from reports.alerts.series import Series, Watched
from tests.tally.models import TallyCount


class CounterSeries(Series):
    kind = "tally"
    thing = "Tally counter"
    key_help = "SOURCE_ID:COUNTER"
    seats_name = "seats"
    rules = ("utilization",)

    def find(self, key):
        source_id, _, counter = key.partition(":")
        if not source_id.isdigit():
            return None
        count = TallyCount.objects.filter(source_id=int(source_id), counter=counter).first()
        return count and Watched(key=key, name=f"counter {counter}", source_id=count.source_id, pk=count.source_id)

    def hourly_peaks(self, watched, since, hours):
        counter = watched.key.partition(":")[2]
        rows = TallyCount.objects.filter(source_id=watched.source_id, counter=counter, hour__gte=since)
        return list(rows.order_by("-hour").values_list("used", "seats")[:hours])


SERIES = [CounterSeries()]
