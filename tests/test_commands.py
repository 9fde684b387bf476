"""add_source and ingest, as a license admin runs them."""

import pytest
from django.core.management import CommandError, call_command

from ingest.models import IngestRun, Source
from ingest.vendors import VENDORS
from ingest.vendors.mls.models import MlsRecord
from tests.conftest import MAC_A

pytestmark = pytest.mark.django_db


def add_mls(sim, *extra):
    call_command(
        "add_source", "mls", "studio", "--url", sim.url("mls"), "--username", "demo", "--password", "demo-password",
        "--param", "macaddresses=00-1a-2b-3c-4d-5e", *extra,
    )  # fmt: skip


def test_add_source_registers_a_source_with_normalised_macs(sim):
    add_mls(sim)

    source = Source.objects.get(name="studio")
    assert (source.kind, source.base_url, source.username) == ("mls", sim.url("mls"), "demo")
    assert source.params == {"macaddresses": [MAC_A], "per_page": 10080, "timezone": "UTC"}


def test_add_source_again_updates_the_source_and_keeps_its_password(sim):
    add_mls(sim)
    call_command(
        "add_source",
        "mls",
        "studio",
        "--url",
        sim.url("mls"),
        "--param",
        "macaddresses=001a2b3c4d5e",
        "--interval",
        "30",
    )

    source = Source.objects.get(name="studio")
    assert source.interval_minutes == 30
    assert source.password == "demo-password"
    assert Source.objects.count() == 1


def test_add_source_with_a_new_url_forgets_the_stored_password_and_token(sim, capsys):
    add_mls(sim, "--token", "tok-kept-for-sim")
    call_command(
        "add_source", "mls", "studio", "--url", "http://attacker.example.com", "--param", "macaddresses=001a2b3c4d5e"
    )

    assert "the stored password and token were forgotten: give them again" in capsys.readouterr().out
    source = Source.objects.get(name="studio")
    assert source.base_url == "http://attacker.example.com"
    assert (source.password, source.token) == ("", "")


def test_add_source_with_a_new_url_keeps_credentials_given_again(sim):
    add_mls(sim)
    call_command(
        "add_source", "mls", "studio", "--url", "http://mls.example.com", "--password", "new-password",
        "--param", "macaddresses=001a2b3c4d5e",
    )  # fmt: skip

    assert Source.objects.get(name="studio").password == "new-password"


def test_add_source_schedules_the_fetch(sim):
    from django_q.models import Schedule

    add_mls(sim, "--interval", "30")

    schedule = Schedule.objects.get(func="ingest.tasks.fetch_source")
    assert (schedule.minutes, schedule.args) == (30, repr(Source.objects.get().pk))


@pytest.mark.parametrize(
    "args, message",
    [
        (["--param", "macaddresses=nonsense"], "'nonsense' is not a MAC address"),
        (["--param", "macaddresses"], "--param takes KEY=VALUE"),
        (["--param", "macaddresses=001a2b3c4d5e", "--param", "colour=red"], "unknown parameter(s) colour"),
        ([], "MLS needs --param macaddresses="),
    ],
)
def test_add_source_rejects_bad_parameters_clearly(args, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call_command("add_source", "mls", "bad", "--url", "http://mls.example.com", *args)
    assert not Source.objects.exists()


def test_add_source_rejects_a_bad_url():
    with pytest.raises(CommandError, match="base_url: Enter a valid URL"):
        call_command("add_source", "mls", "bad", "--url", "not a url", "--param", "macaddresses=001a2b3c4d5e")


def test_ingest_fetches_and_prints_a_summary(sim, capsys):
    add_mls(sim)
    capsys.readouterr()

    call_command("ingest")

    out = capsys.readouterr().out
    assert out.startswith("studio: succeeded, 2880 fetched, 2880 new, 0 updated in ")
    assert MlsRecord.objects.count() == 2880


def test_ingest_exits_non_zero_when_a_source_fails(sim, capsys):
    add_mls(sim)
    sim.faults.add("500", "/mls/", times=-1)

    with pytest.raises(CommandError) as failure:
        call_command("ingest", "studio")

    assert failure.value.returncode == 1
    assert "1 of 1 source(s) failed" in str(failure.value)
    assert "studio: failed" in capsys.readouterr().out
    assert IngestRun.objects.get().status == IngestRun.Status.FAILED


def test_ingest_names_an_unknown_source():
    with pytest.raises(CommandError, match="no source named nope"):
        call_command("ingest", "nope")


def test_ingest_runs_as_a_real_process_and_sets_its_exit_code(sim, tmp_path):
    """The exit code a cron job or CI script sees, through manage.py itself."""
    import os
    import subprocess
    import sys

    db = tmp_path / "cli.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "DJANGO_SETTINGS_MODULE": "dashboard.settings_test"}
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)
    subprocess.run(
        [*manage, "add_source", "mls", "cli", "--url", sim.url("mls"), "--username", "demo", "--password", "demo-password",
         "--param", f"macaddresses={MAC_A}"], env=env, check=True,
    )  # fmt: skip

    ok = subprocess.run([*manage, "ingest"], env=env, capture_output=True, text=True)
    sim.faults.add("500", "/mls/", times=-1)
    bad = subprocess.run([*manage, "add_source", "mls", "cli", "--url", sim.url("mls"), "--param", "macaddresses=zz"],
                         env=env, capture_output=True, text=True)  # fmt: skip
    failed = subprocess.run([*manage, "ingest"], env=env, capture_output=True, text=True)

    assert ok.returncode == 0, ok.stderr
    assert "cli: succeeded, 2880 fetched" in ok.stdout
    assert bad.returncode == 1 and "'zz' is not a MAC address" in bad.stderr
    assert failed.returncode == 1
    assert "cli: failed" in failed.stdout


@pytest.mark.parametrize("url", ["https://mls.example.com/?token=abc123", "https://user:pw@mls.example.com"])
def test_add_source_refuses_credentials_in_the_url(url):
    with pytest.raises(CommandError, match="without credentials, query string or fragment") as failure:
        call_command("add_source", "mls", "bad", "--url", url, "--param", "macaddresses=001a2b3c4d5e")

    assert "abc123" not in str(failure.value) and ":pw@" not in str(failure.value)
    assert not Source.objects.exists()


def test_add_source_keeps_one_supervisor_written_two_ways(sim):
    call_command(
        "add_source", "mls", "twice", "--url", sim.url("mls"), "--param", "macaddresses=00-1a-2b-3c-4d-5e, 001A2B3C4D5E"
    )

    assert Source.objects.get().params["macaddresses"] == [MAC_A]


def test_every_fetched_record_of_every_kind_is_counted_as_new_or_updated(sim):
    """The run's figures add up for each demo source: fetched = new + updated."""
    from ingest.services import run_fetch, source_save

    assert set(sim.simulators) == {vendor.kind for vendor in VENDORS}
    for prefix, simulator in sim.simulators.items():
        run = run_fetch(source_save(name=f"all-{prefix}", **simulator.demo_source(sim.url(prefix))))
        assert run.status == IngestRun.Status.SUCCEEDED, (prefix, run.error)
        assert run.records_fetched == run.records_created + run.records_updated > 0, prefix
