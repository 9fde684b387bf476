"""Retention (PERSONAL_DATA_DAYS) and forget_person: names become pseudonyms, every count stays."""

import logging
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import Count, Sum
from django.utils import timezone
from django_q.models import Schedule

from dashboard.privacy.erasure import forget_old_personal_data, forget_person
from dashboard.privacy.models import AuditEntry
from dashboard.privacy.pseudonyms import is_pseudonym, pseudonym
from ingest.vendors.lstat.models import LstatSession, LstatSnapshot, LstatTopUser
from ingest.vendors.metering.models import MeteringEvent, MeteringInterval

pytestmark = pytest.mark.django_db


def totals():
    """What the reports add up: rows and licenses per table, never the names."""
    return (
        LstatSession.objects.aggregate(n=Count("id"), licenses=Sum("licenses")),
        LstatTopUser.objects.aggregate(n=Count("id"), licenses=Sum("licenses")),
        MeteringEvent.objects.count(),
        MeteringInterval.objects.count(),
    )


def test_the_daily_schedule_exists_and_does_nothing_while_the_setting_is_unset(metering_fetched, settings):
    assert Schedule.objects.get(name="forget old personal data").func.endswith("forget_old_personal_data_task")
    settings.PERSONAL_DATA_DAYS = None
    assert forget_old_personal_data() == {}
    assert MeteringEvent.objects.filter(user="alice").exists()


def test_names_older_than_the_retention_become_pseudonyms_and_the_rest_stays(lstat_fetched, metering_fetched):
    users = LstatSnapshot.objects.filter(kind="users").latest("taken_at")
    LstatSnapshot.objects.filter(pk=users.pk).update(taken_at=users.taken_at - timedelta(days=100))
    recent_top_user = LstatTopUser.objects.values_list("user", flat=True).first()
    events = MeteringEvent.objects.order_by("date")
    cutoff = events[events.count() // 2].date
    before = totals()

    counts = forget_old_personal_data(30, now=cutoff + timedelta(days=30))

    assert totals() == before
    assert counts["LstatSession"] and counts["MeteringEvent"] and counts["MeteringInterval"]
    assert all(is_pseudonym(s.user) and is_pseudonym(s.host or "host-0000000000") for s in LstatSession.objects.all())
    assert LstatTopUser.objects.filter(user=recent_top_user).exists()  # its snapshot is recent
    for event in MeteringEvent.objects.exclude(user=""):
        old = event.date < cutoff
        assert is_pseudonym(event.user) == old and is_pseudonym(event.raw["user"]) == old, event.date
        assert not old or event.user == event.raw["user"]
    assert all(is_pseudonym(i.user) for i in MeteringInterval.objects.filter(ended_at__lt=cutoff).exclude(user=""))
    assert forget_old_personal_data(30, now=cutoff + timedelta(days=30)) == {}  # nothing left to forget
    assert AuditEntry.objects.filter(action="forgot old personal data").count() == 1


def test_the_command_uses_the_setting_or_its_days(metering_fetched, settings, capsys):
    settings.PERSONAL_DATA_DAYS = None
    call_command("forget_old_personal_data")
    assert "Nothing changed" in capsys.readouterr().out
    call_command("forget_old_personal_data", "--days", "1")  # every event is older than a day
    assert "MeteringEvent" in capsys.readouterr().out
    assert not MeteringEvent.objects.filter(user="alice").exists()


def test_forget_person_erases_a_name_and_their_hosts_everywhere_and_logs_no_name(
    lstat_fetched, metering_fetched, caplog, capsys
):
    hosts = set(LstatSession.objects.filter(user="alice").exclude(host="").values_list("host", flat=True))
    others = LstatSession.objects.exclude(user="alice").exclude(host__in=hosts).values_list("user", "host")
    assert hosts and MeteringEvent.objects.filter(user="alice").exists()
    before, kept = totals(), set(others)

    with caplog.at_level(logging.INFO):
        call_command("forget_person", "ALICE")  # any case

    alias = pseudonym("user", "alice")
    assert alias in capsys.readouterr().out
    assert totals() == before
    for model in (LstatSession, LstatTopUser, MeteringEvent, MeteringInterval):
        assert not model.objects.filter(user__iexact="alice").exists(), model
    assert not MeteringEvent.objects.filter(raw__user="alice").exists()
    assert MeteringEvent.objects.filter(user=alias, raw__user=alias).exists()
    assert not LstatSession.objects.filter(host__in=hosts).exists()
    assert LstatSession.objects.filter(user=alias, host=pseudonym("host", sorted(hosts)[0])).exists()
    assert set(others) == kept  # nobody else's names changed
    assert "alice" not in caplog.text.lower() and alias in caplog.text
    entry = AuditEntry.objects.get(action="forgot a person")
    assert entry.target == alias and entry.changes["MeteringEvent"] and "alice" not in str(entry.changes).lower()


def test_forget_person_refuses_a_blank_name(db):
    with pytest.raises(ValueError):
        forget_person("  ")


def test_a_snapshot_kept_raw_loses_the_names_under_its_name_keys(lstat_source):
    raw = {"data": [{"un": "alice", "hn": "alice-pc", "fns": "solver"}]}
    snapshot = LstatSnapshot.objects.create(
        source=lstat_source, kind="users", taken_at=timezone.now() - timedelta(days=10), shape="unrecognised", raw=raw
    )
    forget_old_personal_data(5)
    snapshot.refresh_from_db()
    assert snapshot.raw == {
        "data": [{"un": pseudonym("user", "alice"), "hn": pseudonym("host", "alice-pc"), "fns": "solver"}]
    }
