"""Storing a page of hours: upserted on (source, counter, hour)."""

from tests.tally.models import TallyCount

COLUMNS = ["source", "counter", "hour", "used", "seats"]


def store_hours(page, source, rows):
    scope = TallyCount.objects.filter(source=source)
    page.upsert(TallyCount, COLUMNS, rows, keys=["source", "counter", "hour"], scope=scope)
    hours = [row[2] for row in rows]
    page.touched(min(hours), max(hours), {f"{source.pk}:{row[1]}" for row in rows})  # its day summaries
