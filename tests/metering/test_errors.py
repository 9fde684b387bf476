"""The metering connector's clear errors: credentials, roles, bad payloads, bad parameters, flaky service."""

from datetime import UTC, datetime

import pytest
import requests
from django.core.management import CommandError, call_command

from ingest.models import Cursor, IngestRun
from ingest.services import run_fetch, source_save
from ingest.vendors.metering.connector import MeteringConnector
from ingest.vendors.metering.models import MeteringEvent

pytestmark = pytest.mark.django_db


def metering(sim, **kwargs):
    params = {"tenants": "acme", "since": "2026-03-03T12:00:00Z", **kwargs.pop("params", {})}
    credentials = {"username": "admin", "password": "admin-password", **kwargs}
    return source_save(kind="metering", name="errors", base_url=sim.url("metering"), params=params, **credentials)


def inject(sim, **fields):
    event = {"id": 777, "tenantId": "acme", "ampId": "amp-acme-01", "locId": "acme-vm-x", "state": "created",
             "date": "2026-03-04T06:00:00Z", "entityId": "e1", "entityType": None, "applicationId": None,
             "user": None, "locationUsageMetadata": [], **fields}  # fmt: skip
    sim.simulators["metering"].inject("acme", {k: v for k, v in event.items() if v != "DROP"})


def test_a_wrong_password_fails_the_run_without_showing_it(sim):
    run = run_fetch(metering(sim, password="not-the-password-42"))

    assert run.status == IngestRun.Status.FAILED
    assert "HTTP 401" in run.error and "check the credentials" in run.error
    assert "not-the-password-42" not in run.error


def test_a_tenant_account_is_told_it_needs_the_admin_role(sim):
    run = run_fetch(metering(sim, username="acme", password="acme-pass"))

    assert run.status == IngestRun.Status.FAILED
    assert "HTTP 403" in run.error and "ADMIN role" in run.error
    assert "acme-pass" not in run.error


def test_bearer_auth_without_a_token_is_refused_before_any_request(sim):
    run = run_fetch(metering(sim, params={"auth": "bearer"}))

    assert run.status == IngestRun.Status.FAILED
    assert "auth=bearer but no --token" in run.error
    assert sim.simulators["metering"].requests == []


def test_a_wrong_bearer_token_is_a_credentials_error(sim):
    run = run_fetch(metering(sim, token="stale-token-123", params={"auth": "bearer"}))

    assert run.status == IngestRun.Status.FAILED
    assert "HTTP 401" in run.error and "stale-token-123" not in run.error


def test_an_event_without_a_location_id_names_the_field_and_the_event(sim):
    inject(sim, locId="DROP")

    run = run_fetch(metering(sim))

    assert run.status == IngestRun.Status.FAILED
    assert "tenant 'acme' (2026-03-03T11:00:00Z to 2026-03-04T12:00:00Z), event" in run.error
    assert "id 777" in run.error and "missing field 'locId'" in run.error


def test_the_cursor_stays_before_the_window_with_the_bad_event(sim):
    inject(sim, date="2026-03-04T06:00:00Z", state=None)

    run_fetch(metering(sim, params={"window_hours": "6"}))

    cursor = datetime.fromisoformat(Cursor.objects.get(key="acme").value)
    assert cursor <= datetime(2026, 3, 4, 6, 0, tzinfo=UTC)
    assert MeteringEvent.objects.filter(date__gt=cursor).count() == 0


def test_a_date_without_a_time_zone_is_refused(sim):
    inject(sim, date="2026-03-04T06:00:00")

    run = run_fetch(metering(sim))

    assert run.status == IngestRun.Status.FAILED
    assert "has no time zone" in run.error


def test_an_event_of_another_tenant_is_refused(sim):
    inject(sim, tenantId="globex")

    run = run_fetch(metering(sim))

    assert "belongs to tenant 'globex', not 'acme'" in run.error


def test_epoch_milliseconds_and_extra_fields_are_accepted(sim):
    inject(sim, date=1772604000000, tenantId=None, source="amp-agent", locationUsageMetadata=[{"name": "cpus", "value": 4}])  # fmt: skip

    run = run_fetch(metering(sim))

    assert run.status == IngestRun.Status.SUCCEEDED, run.error
    event = MeteringEvent.objects.get(loc_id="acme-vm-x")
    assert event.date == datetime(2026, 3, 4, 6, 0, tzinfo=UTC)
    assert event.metadata == [{"name": "cpus", "value": "4"}]


def test_malformed_json_fails_the_run_clearly(sim):
    sim.faults.add("malformed", "/metering/usage/location", times=-1)

    run = run_fetch(metering(sim))

    assert run.status == IngestRun.Status.FAILED
    assert "malformed JSON" in run.error


def test_a_flaky_service_is_retried(sim):
    sim.faults.add("503", "/metering/usage/location", times=2)

    run = run_fetch(metering(sim))

    assert run.status == IngestRun.Status.SUCCEEDED, run.error
    assert MeteringEvent.objects.exists()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "needs --param tenants="),
        ({"tenants": "acme", "auth": "digest"}, "auth: must be basic or bearer"),
        ({"tenants": "acme", "window_hours": "0"}, "window_hours: must be between 1 and 744"),
        ({"tenants": "acme", "lag_minutes": "soon"}, "lag_minutes: must be a whole number"),
        ({"tenants": "acme", "since": "last tuesday"}, "since: must be a date or datetime"),
        ({"tenants": "acme", "colour": "blue"}, "unknown parameter(s) colour"),
    ],
)
def test_bad_parameters_are_refused_with_a_clear_message(params, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        MeteringConnector.clean_params(params)


def test_add_source_reports_a_bad_parameter(sim):
    with pytest.raises(CommandError, match="auth: must be basic or bearer"):
        call_command("add_source", "metering", "m", "--url", sim.url("metering"), "--param", "tenants=a", "--param", "auth=x")  # fmt: skip


def test_parameters_are_normalised(db):
    params = MeteringConnector.clean_params({"tenants": " acme, globex,acme ", "since": "2026-03-01"})

    assert params["tenants"] == ["acme", "globex"]
    assert params["since"] == "2026-03-01T00:00:00Z"
    assert (params["auth"], params["window_hours"], params["overlap_minutes"], params["lag_minutes"]) == ("basic", 24, 60, 10)  # fmt: skip


def test_the_simulator_answers_bad_requests_in_springs_error_shape(sim):
    url, admin = sim.url("metering"), ("admin", "admin-password")

    bad_time = requests.get(f"{url}/usage/location", params={"tenantId": "acme", "startTime": "yesterday"}, auth=admin)
    no_tenant = requests.get(f"{url}/usage/location/hour", params={"startTime": "2026-03-04T00:00:00Z"}, auth=admin)
    no_params = requests.get(f"{url}/usage/location", auth=admin)
    tenant = requests.get(f"{url}/usage/location", params={"tenantId": "acme"}, auth=("acme", "acme-pass"))

    assert bad_time.status_code == 400 and "yyyy-MM-dd'T'HH:mm:ssX" in bad_time.json()["message"]
    assert no_tenant.status_code == 400 and "tenantId, endTime" in no_tenant.json()["message"]
    assert no_params.status_code == 400 and "At least one" in no_params.json()["message"]
    assert (tenant.status_code, tenant.json()["error"], tenant.json()["path"]) == (403, "Forbidden", "/usage/location")
