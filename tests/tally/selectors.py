from collections import Counter

from tests.tally.models import TallyCount


def tally_counters():
    """[{source_id, counter, hours, peak}, ...] of every counter."""
    from django.db.models import Count, Max

    rows = TallyCount.objects.values("source_id", "counter").annotate(hours=Count("pk"), peak=Max("used"))
    return list(rows.order_by("counter", "source_id"))


def licensed_things(period):
    """Every counter for the overview: its seats, peak and average over the period's hours."""
    from reports.overview.things import LicensedThing, daily_peaks, link

    hours = TallyCount.objects.filter(hour__gte=period.start_dt, hour__lt=period.end_dt).order_by("hour")
    rows = {}
    for count in hours:
        rows.setdefault((count.source_id, count.counter), []).append(count)
    things = []
    for (source_id, counter), counts in sorted(rows.items(), key=lambda item: item[0][1]):
        things.append(LicensedThing(
            kind="tally", key=f"{source_id}:{counter}", name=counter, source_id=source_id, url=link("reports:tally"),
            owned=counts[-1].seats, peak=max(c.used for c in counts),
            average=round(sum(c.used for c in counts) / len(counts), 2),
            trend=daily_peaks((c.hour, c.used) for c in counts), hours=Counter(c.used for c in counts),
        ))  # fmt: skip
    return things
