"""Which supervisor a page belongs to: an unknown MAC address warns, another supervisor's records fail the page."""

import json

import pytest
from django.core.management import call_command

from ingest.models import Cursor, IngestRun
from ingest.services import run_fetch, source_save
from ingest.simulators.server import Response
from ingest.vendors.mls.models import MlsRecord
from tests.conftest import MAC_A, MAC_B

pytestmark = pytest.mark.django_db

UNKNOWN = "00:1A:00:00:00:01"  # a supervisor the MLS server has never heard of


def mls(sim, macs):
    return source_save(
        kind="mls", name="studio", base_url=sim.url("mls"), username="demo", password="demo-password",
        params={"macaddresses": macs, "per_page": "1000"},
    )  # fmt: skip


def serve_records_of(simulator, index, macaddress):
    """Make the MLS simulator label one record of every page with another MAC address."""
    original = simulator.records

    def records(request):
        rows = json.loads(original(request).body)
        if len(rows) > index:
            rows[index]["macaddress"] = macaddress
        return Response(rows)

    simulator.records = records


def test_a_supervisor_that_returns_no_records_succeeds_with_a_warning(sim):
    run = run_fetch(mls(sim, f"{MAC_A},{UNKNOWN}"))

    assert run.status == IngestRun.Status.SUCCEEDED, run.error
    assert run.warnings == [f"no records for {UNKNOWN}: check the MAC address"]
    assert MlsRecord.objects.filter(supervisor__macaddress=MAC_A).exists()


def test_the_warning_is_on_the_sources_page_the_source_page_and_the_ingest_output(sim, admin_client, capsys):
    source = mls(sim, UNKNOWN)

    call_command("ingest", "studio")

    warning = f"no records for {UNKNOWN}: check the MAC address"
    assert f"  warning: {warning}" in capsys.readouterr().out
    assert warning in admin_client.get("/sources/").content.decode()
    assert warning in admin_client.get(f"/sources/{source.pk}/").content.decode()


def test_a_supervisor_with_records_from_earlier_runs_does_not_warn_when_nothing_is_new(sim):
    source = mls(sim, MAC_A)
    run_fetch(source)

    again = run_fetch(source)

    assert again.status == IngestRun.Status.SUCCEEDED and again.records_fetched == 0
    assert again.warnings == []


def test_a_record_of_another_supervisor_fails_the_page_naming_both(sim):
    serve_records_of(sim.simulators["mls"], 3, MAC_B)

    run = run_fetch(mls(sim, MAC_A))

    assert run.status == IngestRun.Status.FAILED
    assert run.error == (
        f"MLS page 1 for {MAC_A}, record 3: macaddress is '{MAC_B}', not the requested {MAC_A}: "
        "the server answered with another supervisor's records"
    )
    assert not MlsRecord.objects.exists() and not Cursor.objects.exists()


def test_the_requested_supervisor_written_another_way_is_the_same_supervisor(sim):
    serve_records_of(sim.simulators["mls"], 3, MAC_A.lower().replace(":", "-"))

    run = run_fetch(mls(sim, MAC_A))

    assert run.status == IngestRun.Status.SUCCEEDED, run.error
    assert MlsRecord.objects.count() == run.records_fetched > 0
