"""A token has its user's role and nothing more: source details (URL, parameters, errors) are for admins."""

import pytest

from ingest.services import run_fetch

pytestmark = pytest.mark.django_db

ADMIN_FIELDS = {"base_url", "params", "interval_minutes", "last_error"}


@pytest.fixture
def failing(sim, mls_source):
    sim.faults.add("500", "/mls/", times=-1)
    run_fetch(mls_source)
    return mls_source


def test_a_viewer_token_sees_freshness_but_no_source_details(api, failing):
    response = api.get("/api/v1/sources")

    (source,) = response.json()["results"]
    assert source["name"] == "test-mls" and source["last_success_at"] is None
    assert source["last_run"]["status"] == "failed"
    assert not ADMIN_FIELDS & set(source)
    assert failing.base_url not in response.content.decode() and "HTTP 500" not in response.content.decode()


def test_an_admin_token_sees_the_source_details(admin_api, failing):
    (source,) = admin_api.json("/api/v1/sources")["results"]

    assert source["base_url"] == failing.base_url and "HTTP 500" in source["last_error"]
    assert source["params"]["macaddresses"]


def test_a_viewer_token_may_not_open_a_sources_page(api, failing):
    response = api.get(f"/api/v1/sources/{failing.pk}")

    assert response.status_code == 403
    assert "admins" in response.json()["error"]


def test_an_admin_token_opens_a_sources_page_with_its_runs(admin_api, failing):
    source = admin_api.json(f"/api/v1/sources/{failing.pk}")

    assert source["base_url"] == failing.base_url
    assert source["runs"][0]["status"] == "failed" and "HTTP 500" in source["runs"][0]["error"]


def test_no_secret_of_a_source_is_in_any_answer(admin_api, failing):
    text = (
        admin_api.get("/api/v1/sources").content.decode()
        + admin_api.get(f"/api/v1/sources/{failing.pk}").content.decode()
    )

    for secret in failing.secrets():
        assert secret not in text


def test_a_token_loses_the_admin_role_with_its_user(admin_api, admin_user, failing):
    admin_user.is_staff = False
    admin_user.save()

    assert admin_api.get(f"/api/v1/sources/{failing.pk}").status_code == 403
