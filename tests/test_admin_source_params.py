"""The admin's Source form: the kind's parameters as fields with their help, validated by the kind's params form."""

import json
import re

import pytest

from ingest.models import Source
from ingest.services import source_save
from tests.conftest import MAC_A

pytestmark = pytest.mark.django_db

MAC_B = "00:1A:2B:3C:4D:5F"


@pytest.fixture
def mls_source(db):
    return source_save(
        kind="mls", name="studio", base_url="https://mls.example.com", username="portal", password="pw",
        params={"macaddresses": MAC_A, "per_page": 500},
    )  # fmt: skip


def form(source, **changes):
    data = {
        "kind": source.kind, "name": source.name, "base_url": source.base_url, "username": source.username,
        "password": "", "token": "", "params_kind": source.kind, "enabled": "on", "interval_minutes": "15",
        "param_macaddresses": MAC_A, "param_per_page": "500", "param_timezone": "UTC",
    }  # fmt: skip
    return {**data, **changes}


def change_url(source):
    return f"/admin/ingest/source/{source.pk}/change/"


def field_value(html, name):
    return re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', html)[1]


def test_the_change_form_shows_the_kinds_parameters_with_their_stored_values_and_help(admin_client, mls_source):
    html = admin_client.get(change_url(mls_source)).content.decode()

    assert field_value(html, "param_macaddresses") == MAC_A
    assert field_value(html, "param_per_page") == "500"
    assert field_value(html, "param_timezone") == "UTC"
    assert "Required: comma-separated supervisor MAC addresses (any case or separator)" in html
    assert "records per request (default 10080, a week of minutes)" in html
    assert "Required: records per request" not in html  # it has a default
    assert "Parameters of PipelineFX Metered License Server" in html
    assert 'name="params"' not in html  # no JSON box
    assert json.dumps(mls_source.params, sort_keys=True).replace('"', "&quot;") in html  # the stored parameters


def test_edited_parameters_are_cleaned_and_stored(admin_client, mls_source):
    response = admin_client.post(
        change_url(mls_source),
        form(mls_source, param_macaddresses=f"{MAC_A.lower()}, 00-1a-2b-3c-4d-5f", param_per_page=""),
    )

    assert response.status_code == 302
    mls_source.refresh_from_db()
    assert mls_source.params == {"macaddresses": [MAC_A, MAC_B], "per_page": 10080, "timezone": "UTC"}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("param_macaddresses", "zz", "&#x27;zz&#x27; is not a MAC address"),
        ("param_macaddresses", "", "MLS needs --param macaddresses="),
        ("param_per_page", "0", "per_page must be between 1 and 100000"),
        ("param_timezone", "Mars/Olympus", "&#x27;Mars/Olympus&#x27; is not a known time zone"),
    ],
)
def test_a_bad_parameter_is_an_error_on_its_field_and_nothing_is_stored(
    admin_client, mls_source, field, value, message
):
    response = admin_client.post(change_url(mls_source), form(mls_source, **{field: value}))

    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert re.search(rf"field-{field}.*?{re.escape(message)}", html, re.S)  # shown on the parameter's own row
    mls_source.refresh_from_db()
    assert mls_source.params["per_page"] == 500


def test_a_rule_of_the_params_form_itself_is_checked_too(admin_client):
    data = {
        "kind": "lstat", "name": "ls", "base_url": "https://ls.example.com", "username": "", "password": "",
        "token": "t", "params_kind": "lstat", "enabled": "on", "interval_minutes": "15", "param_snapshots": "users,bogus",
    }  # fmt: skip

    response = admin_client.post("/admin/ingest/source/add/", data)

    assert response.status_code == 200
    assert "takes users, current_usage, highest_usage or none; not bogus" in response.content.decode()
    assert not Source.objects.exists()


def test_a_new_kind_that_needs_a_parameter_shows_its_fields_and_saves_nothing_until_given(admin_client, mls_source):
    response = admin_client.post(change_url(mls_source), form(mls_source, kind="metering"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "The kind is now Cloudsoft AMP Metering Service: enter its parameters below." in html
    assert 'name="param_tenants"' in html and 'name="param_macaddresses"' not in html
    assert field_value(html, "params_kind") == "metering"
    assert Source.objects.get().kind == "mls"

    again = admin_client.post(
        change_url(mls_source), {**form(mls_source, kind="metering", params_kind="metering"), "param_tenants": "acme"}
    )

    assert again.status_code == 302
    mls_source.refresh_from_db()
    assert mls_source.kind == "metering" and mls_source.params["tenants"] == ["acme"]
    assert "macaddresses" not in mls_source.params


def test_a_new_kind_takes_its_own_defaults_never_the_old_kinds_values(admin_client, mls_source):
    response = admin_client.post(change_url(mls_source), form(mls_source, kind="lstat", param_timezone="Europe/Berlin"))

    assert response.status_code == 302
    mls_source.refresh_from_db()
    assert mls_source.kind == "lstat"
    assert mls_source.params["timezone"] == ""  # the MLS timezone posted is not License Statistics' own
    assert mls_source.params["page_size"] == 1000 and "per_page" not in mls_source.params


def test_the_add_page_links_each_kinds_parameters_and_asks_for_them(admin_client):
    html = admin_client.get("/admin/ingest/source/add/").content.decode()
    assert '<a href="?kind=mls">PipelineFX Metered License Server</a>' in html
    assert "Choose the kind (or follow its link under Kind) to see its parameters." in html

    data = {
        "kind": "mls", "name": "new", "base_url": "https://mls.example.com", "username": "u", "password": "p",
        "token": "", "params_kind": "", "enabled": "on", "interval_minutes": "15", "param_macaddresses": MAC_A,
    }  # fmt: skip
    first = admin_client.post("/admin/ingest/source/add/", data)
    assert first.status_code == 200 and "enter its parameters below" in first.content.decode()

    assert admin_client.post("/admin/ingest/source/add/", {**data, "params_kind": "mls"}).status_code == 302
    assert Source.objects.get().params["macaddresses"] == [MAC_A]


def test_a_source_of_a_kind_no_vendor_declares_says_so_and_keeps_its_parameters(admin_client, mls_source):
    Source.objects.filter(pk=mls_source.pk).update(kind="retired", params={"colour": "blue"})

    response = admin_client.get(change_url(mls_source))

    html = response.content.decode()
    assert response.status_code == 200
    assert "The kind &#x27;retired&#x27; is not one this Meterboard knows: choose one to edit its parameters." in html
    assert "{&quot;colour&quot;: &quot;blue&quot;}" in html
    assert 'name="param_' not in html
    refused = admin_client.post(change_url(mls_source), form(mls_source, kind="retired", params_kind="retired"))
    assert refused.status_code == 200
    assert Source.objects.get().params == {"colour": "blue"}


def test_a_kind_asked_for_in_the_query_is_escaped_in_the_parameters_note(admin_client):
    html = admin_client.get("/admin/ingest/source/add/", {"kind": "<script>alert(1)</script>"}).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "The kind &#x27;&lt;script&gt;alert(1)&lt;/script&gt;&#x27; is not one this Meterboard knows" in html
