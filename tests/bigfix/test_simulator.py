"""The BigFix simulator answers like the seed describes: columns, tokens, import headers and error shapes."""

import requests

from ingest.models import IngestRun
from ingest.services import run_fetch, source_save
from ingest.vendors.bigfix.models import BigfixUsage

TOKEN = "7adc3efb175e2bc0f4484bdd2efca54a8fa04623"


def usages(sim, headers=None, **params):
    return requests.get(sim.url("bigfix") + "/api/sam/license_usages", params=params, headers=headers, timeout=5)


def test_it_hides_the_software_title_dimension_unless_asked(sim):
    default = usages(sim, {"Token": TOKEN}, limit=1).json()[0]
    asked = usages(sim, {"Token": TOKEN}, limit=1, **{"columns[]": ["software_title_dimension.name"]}).json()[0]

    assert "software_title_dimension" not in default
    assert {"software_title_id", "metric_name", "computer_system_id", "peak_value"} <= set(default)
    assert asked == {"software_title_dimension": {"name": "BigFix Protection"}}


def test_it_accepts_the_token_as_a_query_parameter_as_bigfix_does(sim):
    assert usages(sim, token=TOKEN, limit=1).status_code == 200
    assert usages(sim, token="not-the-token", limit=1).status_code == 401
    assert usages(sim, limit=1).status_code == 401


def test_a_bad_query_parameter_is_a_500_bad_request_with_a_message(sim):
    answer = usages(sim, {"Token": TOKEN}, limit="ten")

    assert answer.status_code == 500
    assert answer.json() == {"error": "Bad Request", "message": "limit must be a whole number ≥ 0, not 'ten'"}
    assert answer.headers["Import-Mode"] == "idle"


def test_get_token_refuses_a_wrong_password_with_401(sim):
    url = sim.url("bigfix") + "/api/get_token"

    assert requests.post(url, json={"user": "demo", "password": "nope"}, timeout=5).status_code == 401
    assert requests.post(url, json={"user": "demo", "password": "demo-password"}, timeout=5).json() == {"token": TOKEN}


def test_a_running_import_sends_its_progress_and_no_last_success_time(sim):
    sim.simulators["bigfix"].start_import(progress=41)

    headers = usages(sim, {"Token": TOKEN}, limit=1).headers

    assert (headers["Import-Mode"], headers["Import-Progress"]) == ("running", "41")
    assert "Import-Last-Success-Time" not in headers


def test_its_demo_source_fetches(sim, db):
    source = source_save(name="demo-bigfix", **sim.simulators["bigfix"].demo_source(sim.url("bigfix")))

    assert run_fetch(source).status == IngestRun.Status.SUCCEEDED
    assert BigfixUsage.objects.exists()
