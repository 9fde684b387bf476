from collections import Counter

from django.db.models import Count, Max
from django.utils import timezone

from reports.cache import by_kind, cached
from tests.tally.models import TallyCount


def tally_counters():
    """[{source_id, counter, hours, peak}, ...] of every counter."""
    rows = TallyCount.objects.values("source_id", "counter").annotate(hours=Count("pk"), peak=Max("used"))
    return list(rows.order_by("counter", "source_id"))


def counter_exists(counter):
    return TallyCount.objects.filter(counter=counter).exists()


def latest_day(counter):
    """The local day of the counter's last stored hour (None: none stored)."""
    last = TallyCount.objects.filter(counter=counter).order_by("-hour").first()
    return last and timezone.localdate(last.hour)


def counter_hours(counter, period):
    """[{hour, used, seats}, ...] of the counter's stored hours in the period (the highest of its sources')."""
    rows = TallyCount.objects.filter(counter=counter, hour__gte=period.start_dt, hour__lt=period.end_dt)
    return list(rows.values("hour").annotate(used=Max("used"), seats=Max("seats")).order_by("hour"))


@cached(by_kind("tally"))
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
            vendor_owned=counts[-1].seats, peak=max(c.used for c in counts),
            average=round(sum(c.used for c in counts) / len(counts), 2),
            trend=daily_peaks((c.hour, c.used) for c in counts), hours=Counter(c.used for c in counts),
        ))  # fmt: skip
    return things


def weekly_peaks(windows, keys):
    """{key: the peak of each window [(start, end), ...], None where it has no hours} of the counters `keys` name."""
    peaks = {}
    for count in TallyCount.objects.filter(hour__gte=windows[0][0], hour__lt=windows[-1][1]):
        key = f"{count.source_id}:{count.counter}"
        if key in keys:
            week = next(n for n, (start, end) in enumerate(windows) if start <= count.hour < end)
            row = peaks.setdefault(key, [None] * len(windows))
            row[week] = max(row[week] or 0, count.used)
    return peaks


def licensed_keys():
    return {f"{source_id}:{counter}" for source_id, counter in TallyCount.objects.values_list("source_id", "counter")}
