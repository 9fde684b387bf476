"""Storing a page of hours: upserted on (source, counter, hour)."""

from tests.tally.models import TallyCount

COLUMNS = ["source", "counter", "hour", "used", "seats"]


def store_hours(page, source, rows):
    scope = TallyCount.objects.filter(source=source)
    page.upsert(TallyCount, COLUMNS, rows, keys=["source", "counter", "hour"], scope=scope)
