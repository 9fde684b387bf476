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
    """Every counter for the overview: its seats, peak and average over the period's hours, merged from its days."""
    from reports.overview.summaries import apply, period_figures
    from reports.overview.things import LicensedThing, link

    figures = period_figures("tally", period)
    things = []
    for source_id, counter in TallyCount.objects.values_list("source_id", "counter").distinct().order_by("counter"):
        key = f"{source_id}:{counter}"
        if key in figures:
            thing = LicensedThing(kind="tally", key=key, name=counter, source_id=source_id, url=link("reports:tally"))
            things.append(apply(thing, figures[key]))
    return things


def day_summaries(source, first=None, last=None, keys=None):
    """The overview's DaySummary of each counter of `source` (those `keys` names, or all) on each local day from
    `first` to `last`: the hours' peak, sum and count of used, hours by used, and the seats of its last hour."""
    from datetime import datetime, time, timedelta

    from django.utils import timezone

    from reports.overview.summaries import DaySummary

    zone = timezone.get_current_timezone()
    counts = TallyCount.objects.filter(source=source)
    if first is not None:
        counts = counts.filter(hour__gte=timezone.make_aware(datetime.combine(first, time()), zone))
    if last is not None:
        counts = counts.filter(hour__lt=timezone.make_aware(datetime.combine(last + timedelta(days=1), time()), zone))
    if keys is not None:
        counts = counts.filter(counter__in=[k.split(":", 1)[1] for k in keys])
    days = {}
    for counter, hour, used, seats in counts.order_by("hour").values_list("counter", "hour", "used", "seats"):
        days.setdefault((counter, hour.astimezone(zone).date()), []).append((used, seats))
    for (counter, day), hours in days.items():
        yield DaySummary(
            source_id=source.pk, key=f"{source.pk}:{counter}", day=day, peak=max(u for u, _s in hours),
            used_sum=sum(u for u, _s in hours), used_count=len(hours), hours=Counter(u for u, _s in hours),
            owned=hours[-1][1],
        )  # fmt: skip


def weekly_peaks(windows, keys):
    """{key: the peak of each window [(start, end), ...], None where it has no hours} of the counters `keys` names,
    from their days."""
    from reports.overview.summaries import weekly_peaks as from_days

    return from_days("tally", windows, keys)


def licensed_keys():
    return {f"{source_id}:{counter}" for source_id, counter in TallyCount.objects.values_list("source_id", "counter")}
