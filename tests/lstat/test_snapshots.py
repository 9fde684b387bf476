"""Snapshots of License Statistics' current users, current usage and highest usage, in both response shapes."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db.models import Sum

from ingest.models import IngestRun
from ingest.services import run_fetch
from ingest.vendors.lstat.models import LstatSession, LstatSnapshot, LstatTopUser, LstatUsage

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("shape", "licenses_field"), [("new", "lus"), ("old", "fu")])
def test_it_snapshots_current_users_in_either_shape(sim, lstat_clock, lstat_source, shape, licenses_field):
    sim.simulators["lstat"].shape = shape

    run = run_fetch(lstat_source)

    assert run.status == IngestRun.Status.SUCCEEDED, run.error
    snapshot = LstatSnapshot.objects.get(kind="users")
    assert snapshot.shape == licenses_field
    assert snapshot.row_count == LstatSession.objects.filter(snapshot=snapshot).count() > 0
    # the sessions add up to each feature's usage at the open 12:00 hour, whose only sample is 12:00
    for fid in (11, 21):
        held = LstatSession.objects.filter(snapshot=snapshot, fid=fid).aggregate(n=Sum("licenses"))["n"] or 0
        assert (
            held
            == LstatUsage.objects.get(feature__fid=fid, granularity="hour", period_label="2026-03-04 12:00").used_max
        )
    session = LstatSession.objects.filter(snapshot=snapshot, fid=11).first()
    assert (session.server_name, session.feature_name, session.feature_version) == ("flexlm-eng", "MATLAB", "R2024b")
    assert session.checked_out_at < datetime(2026, 3, 4, 12, tzinfo=UTC)


def test_it_snapshots_the_newer_current_usage_shape(sim, lstat_clock, lstat_source):
    run_fetch(lstat_source)

    usage = LstatSnapshot.objects.get(kind="current_usage")
    users = set(LstatSession.objects.values_list("user", flat=True))
    hosts = set(LstatSession.objects.values_list("user", "host"))
    assert usage.shape == "current"
    assert (usage.current, usage.license_usage, usage.license_limit) == (len(users), len(hosts), 50)
    assert usage.users_with_licenses is None


def test_it_snapshots_the_older_current_usage_shape(sim, lstat_clock, lstat_source):
    sim.simulators["lstat"].shape = "old"

    run_fetch(lstat_source)

    usage = LstatSnapshot.objects.get(kind="current_usage")
    assert usage.shape == "hu_tu"
    assert usage.users_with_licenses == len(set(LstatSession.objects.values_list("user", flat=True)))
    assert usage.users_with_licenses + usage.users_without_licenses == 24  # the simulator's pool of users
    assert usage.current is None


@pytest.mark.parametrize(("shape", "licenses_field"), [("new", "lus"), ("old", "fu")])
def test_it_snapshots_the_ten_highest_users_in_either_shape(sim, lstat_clock, lstat_source, shape, licenses_field):
    sim.simulators["lstat"].shape = shape

    run_fetch(lstat_source)

    snapshot = LstatSnapshot.objects.get(kind="highest_usage")
    top = list(LstatTopUser.objects.filter(snapshot=snapshot).values_list("rank", "licenses"))
    assert snapshot.shape == licenses_field
    assert [rank for rank, _n in top] == list(range(1, 11))
    assert [n for _r, n in top] == sorted((n for _r, n in top), reverse=True)


def test_every_fetch_keeps_its_own_snapshot_so_history_stays_answerable(sim, lstat_clock, lstat_source):
    run_fetch(lstat_source)
    first = LstatSnapshot.objects.get(kind="users")
    first_rows = list(first.sessions.values_list("fid", "user", "host", "licenses").order_by("id"))
    sim.simulators["lstat"].fixed_end += timedelta(hours=2)
    lstat_clock.shift(timedelta(hours=2))

    run_fetch(lstat_source)

    snapshots = list(LstatSnapshot.objects.filter(kind="users").order_by("taken_at"))
    assert len(snapshots) == 2 and snapshots[0] == first
    assert snapshots[1].taken_at - first.taken_at >= timedelta(hours=2)
    assert list(first.sessions.values_list("fid", "user", "host", "licenses").order_by("id")) == first_rows
    assert snapshots[1].sessions.count() == snapshots[1].row_count
    assert LstatSnapshot.objects.filter(kind="current_usage").count() == 2


def test_a_narrowed_source_keeps_only_its_servers_sessions(lstat_clock, lstat_source):
    lstat_source.params = {**lstat_source.params, "lsids": [2]}
    lstat_source.save()

    run_fetch(lstat_source)

    assert set(LstatSession.objects.values_list("lsid", flat=True)) == {2}


def test_a_license_statistics_without_current_users_is_noted_not_failed(sim, lstat_clock, lstat_source):
    sim.simulators["lstat"].current_users_removed = True

    run = run_fetch(lstat_source)

    assert run.status == IngestRun.Status.SUCCEEDED, run.error
    assert "removed in v6.3" in run.details["current_users"]
    assert not LstatSnapshot.objects.exists()
    assert LstatUsage.objects.exists()


def test_current_and_highest_usage_are_limited_to_the_selected_servers(sim, lstat_clock, lstat_source):
    lstat_source.params = {**lstat_source.params, "lsids": [2]}
    lstat_source.save()

    run = run_fetch(lstat_source)

    assert run.status == IngestRun.Status.SUCCEEDED, run.error
    server_2_users = set(LstatSession.objects.values_list("user", flat=True))
    assert LstatSnapshot.objects.get(kind="current_usage").current == len(server_2_users)
    top = set(LstatTopUser.objects.values_list("user", flat=True))
    # the simulator samples the highest usage at 11:00 UTC on each day of its history (2 to 4 March)
    sampled = [s for day in (2, 3, 4) for s in sim.simulators["lstat"].sessions(datetime(2026, 3, day, 11, tzinfo=UTC))]
    assert top and top <= {s["un"] for s in sampled if s["f"]["lsid"] == 2}
    asked = [q for path, q in sim.simulators["lstat"].requests if "/users/license/" in path]
    assert len(asked) == 2 and all('"lsid"' in q["filter"] for q in asked)


def test_every_server_needs_no_filter(sim, lstat_clock, lstat_source):
    run_fetch(lstat_source)

    asked = [q for path, q in sim.simulators["lstat"].requests if "/users/license/" in path]
    assert len(asked) == 2 and not any("filter" in q for q in asked)


def test_servers_the_filter_cannot_select_alone_are_noted_not_mixed(sim, lstat_clock, lstat_source):
    lstat = sim.simulators["lstat"]
    lstat.servers = [
        *lstat.servers,
        {"lsid": 3, "lsn": "lmx", "host": "h", "port": "1", "manager": "LM-X", "status": ""},
    ]
    lstat_source.params = {**lstat_source.params, "lsids": [1, 3]}
    lstat_source.save()

    run = run_fetch(lstat_source)

    assert run.status == IngestRun.Status.SUCCEEDED, run.error
    assert "cannot select license servers 1, 3" in run.details["current_usage"]
    assert "cannot select license servers 1, 3" in run.details["highest_usage"]
    assert not LstatSnapshot.objects.filter(kind__in=["current_usage", "highest_usage"]).exists()
    assert LstatSnapshot.objects.filter(kind="users").exists()


def test_a_current_usage_answer_in_neither_documented_shape_is_kept_raw_and_noted(sim, lstat_clock, lstat_source):
    sim.simulators["lstat"].shape = "other"

    run = run_fetch(lstat_source)

    assert run.status == IngestRun.Status.SUCCEEDED, run.error
    usage = LstatSnapshot.objects.get(kind="current_usage")
    assert usage.shape == "unrecognised" and usage.current is None
    assert usage.raw == {"activeUsers": usage.raw["activeUsers"], "seats": 50}
    assert "kept raw, not read" in run.details["current_usage"]
    assert LstatUsage.objects.exists() and LstatSession.objects.exists()
