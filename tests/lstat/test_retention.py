"""License Statistics snapshots are thinned with age: all kept, then the latest of each UTC hour, then the latest
of each day in the display zone; the latest of a source and kind always. `manage.py thin_snapshots` and the
daily schedule do it in batches."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from django_q.models import Schedule

from ingest.services import run_fetch
from ingest.vendors.lstat.models import LstatSession, LstatSnapshot, LstatTopUser
from ingest.vendors.lstat.retention import thin_snapshots, thin_snapshots_task

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)
KINDS = LstatSnapshot.Kind.values


@pytest.fixture
def ages(settings):
    """Every snapshot kept 2 days, hourly ones to 5 days: 8 days of history cover all three ages."""
    settings.LSTAT_SNAPSHOT_KEEP_ALL_DAYS = 2
    settings.LSTAT_SNAPSHOT_KEEP_HOURLY_DAYS = 5


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


def snapshot_every_15_minutes(source, days=8, end=NOW):
    """Snapshots of every kind, as a fetch every 15 minutes leaves them, each users and highest-usage
    snapshot with a row; returns their times (oldest first)."""
    times = [end - timedelta(minutes=15 * i) for i in range(days * 96, -1, -1)]
    snapshots = LstatSnapshot.objects.bulk_create(
        LstatSnapshot(source=source, kind=kind, taken_at=t, shape="current", row_count=1)
        for t in times
        for kind in KINDS
    )
    row = {"lsid": 1, "server_name": "flexlm", "fid": 11, "feature_name": "MATLAB", "user": "ana", "licenses": 1}
    LstatSession.objects.bulk_create(LstatSession(snapshot=s, **row) for s in snapshots if s.kind == "users")
    LstatTopUser.objects.bulk_create(
        LstatTopUser(snapshot=s, rank=1, user="ana", licenses=3) for s in snapshots if s.kind == "highest_usage"
    )
    return times


def kept(kind="users"):
    return list(LstatSnapshot.objects.filter(kind=kind).order_by("taken_at").values_list("taken_at", flat=True))


def test_it_keeps_all_then_the_latest_of_each_hour_then_the_latest_of_each_day(lstat_source, ages, clock):
    times = snapshot_every_15_minutes(lstat_source)
    all_since, hourly_since = NOW - timedelta(days=2), NOW - timedelta(days=5)

    thin_snapshots()

    for kind in KINDS:
        remaining = kept(kind)
        assert [t for t in remaining if t >= all_since] == [t for t in times if t >= all_since]
        hourly = [t for t in remaining if hourly_since <= t < all_since]
        hours = {t.replace(minute=0) for t in times if hourly_since <= t < all_since}
        assert len(hourly) == len(hours) and all(
            t.minute == 45 or t + timedelta(minutes=15) >= all_since for t in hourly
        )
        daily = [t for t in remaining if t < hourly_since]
        latest_of_each_day = {}
        for t in (t for t in times if t < hourly_since):
            latest_of_each_day[timezone.localdate(t)] = t
        assert daily == sorted(latest_of_each_day.values())


def test_the_rows_of_a_thinned_snapshot_go_with_it_and_a_kept_ones_stay(lstat_source, ages, clock):
    snapshot_every_15_minutes(lstat_source)

    thin_snapshots()

    assert LstatSession.objects.count() == LstatSnapshot.objects.filter(kind="users").count()
    assert LstatTopUser.objects.count() == LstatSnapshot.objects.filter(kind="highest_usage").count()


def test_a_runs_snapshots_are_kept_together_so_the_users_page_still_finds_its_current_usage(lstat_source, ages, clock):
    snapshot_every_15_minutes(lstat_source)

    thin_snapshots()

    assert kept("users") == kept("current_usage") == kept("highest_usage")


def test_the_latest_snapshot_is_kept_however_old_and_the_page_still_shows_it(lstat_source, ages, clock, viewer):
    long_ago = NOW - timedelta(days=200)
    snapshot_every_15_minutes(lstat_source, days=1, end=long_ago)  # fetches stopped 200 days ago

    thin_snapshots()

    assert kept("users")[-1] == long_ago
    page = viewer.get(reverse("reports:lstat_users"))
    assert page.status_code == 200
    assert page.context["snapshot"].taken_at == long_ago


def test_asking_for_a_thinned_snapshot_is_no_error(lstat_source, ages, clock, viewer):
    snapshot_every_15_minutes(lstat_source)
    gone = LstatSnapshot.objects.filter(kind="users").order_by("taken_at")[1].pk

    thin_snapshots()

    assert not LstatSnapshot.objects.filter(pk=gone).exists()
    page = viewer.get(reverse("reports:lstat_users"), {"snapshot": gone})
    assert page.status_code == 400 and f"No snapshot {gone} of" in page.content.decode()


def test_small_batches_delete_the_same_and_a_second_thinning_finds_nothing(lstat_source, ages, clock):
    snapshot_every_15_minutes(lstat_source)
    expected = thin_snapshots(dry_run=True)

    assert thin_snapshots(batch_size=7) == expected
    assert thin_snapshots() == {kind: 0 for kind in KINDS}


def test_each_source_keeps_its_own_snapshots(lstat_source, ages, clock):
    from ingest.services import source_save

    other = source_save(kind="lstat", name="other", base_url="http://127.0.0.1:9/lstat", token="t", params={})
    snapshot_every_15_minutes(lstat_source)
    snapshot_every_15_minutes(other)

    thin_snapshots()

    ours, theirs = (
        list(LstatSnapshot.objects.filter(source=s).values_list("kind", "taken_at")) for s in (lstat_source, other)
    )
    assert sorted(ours) == sorted(theirs) and ours


def test_the_command_counts_per_kind_and_its_dry_run_deletes_nothing(lstat_source, ages, clock, capsys):
    snapshot_every_15_minutes(lstat_source)
    before = LstatSnapshot.objects.count()
    expected = thin_snapshots(dry_run=True)

    call_command("thin_snapshots", "--dry-run")

    out = capsys.readouterr().out
    assert LstatSnapshot.objects.count() == before
    assert f"current users: would delete {expected['users']} snapshot(s)" in out
    assert f"highest license usage: would delete {expected['highest_usage']} snapshot(s)" in out

    call_command("thin_snapshots")

    assert f"current license usage: deleted {expected['current_usage']} snapshot(s)" in capsys.readouterr().out
    assert LstatSnapshot.objects.count() == before - sum(expected.values())


def test_ages_in_the_wrong_order_are_refused(settings):
    settings.LSTAT_SNAPSHOT_KEEP_ALL_DAYS, settings.LSTAT_SNAPSHOT_KEEP_HOURLY_DAYS = 30, 7

    with pytest.raises(CommandError, match=r"LSTAT_SNAPSHOT_KEEP_ALL_DAYS \(30\) must be .* at most"):
        call_command("thin_snapshots")


def test_a_daily_schedule_thins_them(lstat_source, ages, clock):
    schedule = Schedule.objects.get(name="thin License Statistics snapshots")
    assert (schedule.func, schedule.schedule_type, schedule.repeats) == (
        "ingest.vendors.lstat.retention.thin_snapshots_task",
        Schedule.DAILY,
        -1,
    )
    snapshot_every_15_minutes(lstat_source)

    assert thin_snapshots_task().startswith("thinned License Statistics snapshots: ")
    assert thin_snapshots(dry_run=True) == {kind: 0 for kind in KINDS}


def test_a_fetch_after_thinning_adds_its_snapshots_as_before(sim, lstat_clock, lstat_source, settings):
    settings.LSTAT_SNAPSHOT_KEEP_ALL_DAYS = settings.LSTAT_SNAPSHOT_KEEP_HOURLY_DAYS = 0
    run_fetch(lstat_source)
    thin_snapshots()

    run_fetch(lstat_source)
    assert LstatSnapshot.objects.filter(kind="users").count() == 2
    latest = LstatSnapshot.objects.filter(kind="users").latest("taken_at")

    thin_snapshots()

    assert list(LstatSnapshot.objects.filter(kind="users")) == [latest]  # one a day: the latest
