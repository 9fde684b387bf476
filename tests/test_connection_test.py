"""`manage.py test_source NAME` and the admin's *Test connection*: log in, read one small page, say what was found
or which setting is wrong, and store nothing (against the simulators over real HTTP)."""

from urllib.parse import quote_plus

import pytest
from django.core.management import CommandError, call_command

from ingest.models import Cursor, IngestRun, Source
from ingest.services import check_connection, source_save
from tests.conftest import MAC_A


def _stored():
    from ingest.vendors.bigfix.models import BigfixUsage
    from ingest.vendors.lstat.models import LstatServer
    from ingest.vendors.metering.models import MeteringEvent
    from ingest.vendors.mls.models import MlsRecord, MlsSupervisor

    models = (IngestRun, Cursor, MlsRecord, MlsSupervisor, LstatServer, BigfixUsage, MeteringEvent)
    return [model.objects.count() for model in models]


@pytest.mark.parametrize(
    "kind, found",
    [
        ("mls", f"{MAC_A} has records"),
        ("lstat", "license server"),
        ("bigfix", "license usage rows"),
        ("metering", "location events in the last hour"),
    ],
)
def test_a_working_source_says_what_it_found_and_stores_nothing(kind, found, request, capsys):
    source = request.getfixturevalue(f"{kind}_source")
    call_command("test_source", source.name)
    out = capsys.readouterr().out
    assert f"{source.name}: OK:" in out and found in out
    assert _stored() == [0] * 7


def test_a_wrong_password_names_the_setting_and_exits_1(mls_source, capsys):
    source_save(
        name=mls_source.name,
        kind="mls",
        base_url=mls_source.base_url,
        params=mls_source.params,
        password="not-the-password",
    )
    with pytest.raises(CommandError) as failed:
        call_command("test_source", mls_source.name)
    assert failed.value.returncode == 1
    out = capsys.readouterr().out
    assert "FAILED" in out and "check the username and password" in out and "not-the-password" not in out


def test_an_unknown_mac_address_or_license_server_says_which_parameter_to_check(sim, mls_source, lstat_source):
    mls_source.params = {**mls_source.params, "macaddresses": "00:00:00:00:00:01"}
    ok, message = check_connection(mls_source)
    assert ok and "00:00:00:00:00:01 has no records: check the MAC address (macaddresses)" in message
    lstat_source.params = {**lstat_source.params, "lsids": "999"}
    ok, message = check_connection(lstat_source)
    assert not ok and "999 (lsids)" in message
    assert _stored() == [0] * 7


def test_an_unknown_source_name_lists_the_sources(mls_source):
    with pytest.raises(CommandError, match="no source named 'nope' \\(sources: test-mls\\)"):
        call_command("test_source", "nope")


def test_the_admin_action_tests_the_chosen_sources(admin_client, bigfix_source):
    page = admin_client.post(
        "/admin/ingest/source/",
        {"action": "test_connection", "_selected_action": [bigfix_source.pk]},
        follow=True,
    )
    assert page.status_code == 200
    assert f"{bigfix_source.name}: ok: token accepted" in page.content.decode().lower()
    assert Source.objects.count() == 1 and IngestRun.objects.count() == 0


@pytest.mark.parametrize("echo", ["echo", "echo-url"])
def test_an_upstream_echoing_the_credentials_never_shows_them(sim, bigfix_source, echo):
    sim.faults.add(echo, "/bigfix/", times=-1)
    ok, message = check_connection(bigfix_source)
    assert not ok and "********" in message
    assert bigfix_source.password not in message and quote_plus(bigfix_source.password) not in message
