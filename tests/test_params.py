"""Connector parameters as Django forms: validation, defaults, and where their help is shown."""

import pytest
from django.core.management import CommandError, call_command

from ingest.models import Source
from ingest.readme import README, table
from ingest.vendors.bigfix.forms import BigfixParamsForm
from ingest.vendors.metering.connector import MeteringConnector
from ingest.vendors.metering.forms import MeteringParamsForm


def test_defaults_are_applied_to_parameters_left_out():
    assert BigfixParamsForm.clean_params({}) == {"limit": 500}
    assert MeteringParamsForm.clean_params({"tenants": "acme"}) == {
        "tenants": ["acme"], "auth": "basic", "since": "", "window_hours": 24, "overlap_minutes": 60, "lag_minutes": 10,
    }  # fmt: skip


def test_values_are_normalised_and_clean_again_to_themselves():
    params = MeteringParamsForm.clean_params(
        {"tenants": "acme,globex", "auth": " Bearer ", "since": "2026-03-01 08:30+02:00", "lag_minutes": 0}
    )

    assert (params["auth"], params["since"], params["lag_minutes"]) == ("bearer", "2026-03-01T06:30:00Z", 0)
    assert MeteringParamsForm.clean_params(params) == params  # what is stored is read back on every run


@pytest.mark.parametrize(
    ("form", "params", "message"),
    [
        (BigfixParamsForm, {"limit": "1e3"}, "limit: must be a whole number, not '1e3'"),
        (BigfixParamsForm, {"limit": 0}, "limit: must be between 1 and 100000"),
        (BigfixParamsForm, {"limit": [5]}, "limit: must be a whole number, not '[5]'"),
        (BigfixParamsForm, {"limit": "9" * 5000}, f"limit: must be a whole number, not '{'9' * 40}...'"),
        (MeteringParamsForm, {"tenants": "x" * 65}, "tenants: tenant ids are at most 64 characters"),
        (MeteringParamsForm, {"tenants": " , "}, "tenants: the metering source needs --param tenants="),
        (MeteringParamsForm, {"tenants": {"acme": 1}}, "tenants: must be a comma-separated list, not \"{'acme': 1}\""),
        (MeteringParamsForm, {"tenants": ["acme", ["globex"]]}, "tenants: must be a comma-separated list"),
        (MeteringParamsForm, {"tenants": "a", "overlap_minutes": "-1"}, "overlap_minutes: must be between 0 and 1440"),
    ],
)
def test_a_bad_value_is_a_value_error_naming_the_parameter(form, params, message):
    with pytest.raises(ValueError) as error:
        form.clean_params(params)

    assert message in str(error.value)


def test_every_bad_value_is_named_at_once():
    with pytest.raises(ValueError) as error:
        MeteringParamsForm.clean_params({"tenants": "a", "window_hours": "day", "lag_minutes": "soon"})

    assert "window_hours: must be a whole number" in str(error.value)
    assert "lag_minutes: must be a whole number" in str(error.value)


def test_unknown_parameters_are_named_with_the_ones_taken():
    with pytest.raises(ValueError) as error:
        BigfixParamsForm.clean_params({"limit": "5", "page_size": "5", "colour": "blue"})

    assert str(error.value) == "unknown parameter(s) colour, page_size; takes limit"


def test_add_source_help_lists_each_kinds_parameters_with_defaults(capsys):
    with pytest.raises(SystemExit):
        call_command("add_source", "--help")

    help_text = capsys.readouterr().out
    assert "limit (default 500): rows per request, at most 100000" in help_text
    assert "tenants (required): tenant ids, comma-separated" in help_text
    assert "since (default 365 days ago):" in help_text


def bigfix_form(**changes):
    data = {
        "kind": "bigfix", "name": "bf", "base_url": "https://bigfix.example.com", "username": "", "password": "",
        "token": "tok", "params_kind": "bigfix", "param_limit": "", "enabled": "on", "interval_minutes": "15",
    }  # fmt: skip
    return {**data, **changes}


def test_the_admin_shows_the_kinds_parameters_as_fields_with_their_help(admin_client):
    html = admin_client.get("/admin/ingest/source/add/?kind=metering").content.decode()

    assert 'name="param_tenants"' in html and 'name="param_window_hours"' in html and 'value="24"' in html
    assert "Required: tenant ids, comma-separated" in html
    assert 'name="params"' not in html and 'name="param_limit"' not in html  # no JSON box, no other kind's field


def test_the_admin_saves_the_cleaned_parameters(admin_client):
    response = admin_client.post("/admin/ingest/source/add/", bigfix_form(param_limit=" 250 "))

    assert response.status_code == 302
    assert Source.objects.get().params == {"limit": 250}


@pytest.mark.parametrize(
    ("value", "message"),
    [("lots", "must be a whole number, not &#x27;lots&#x27;"), ("100001", "must be between 1 and 100000")],
)
def test_the_admin_refuses_bad_parameters_with_a_form_error(admin_client, value, message):
    response = admin_client.post("/admin/ingest/source/add/", bigfix_form(param_limit=value))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Source.objects.exists()


def test_the_readme_parameter_tables_match_the_connectors():
    call_command("params_readme", "--check")  # run `python manage.py params_readme` when this fails


def test_a_table_lists_each_parameter_with_its_default_and_meaning():
    lines = table(MeteringConnector).splitlines()

    assert lines[:2] == ["| parameter | default | meaning |", "| --- | --- | --- |"]
    assert "| `tenants` | required | tenant ids, comma-separated |" in lines
    assert "| `window_hours` | 24 | hours per request window |" in lines


@pytest.fixture
def stale_readme(tmp_path):
    text = README.read_text(encoding="utf-8").replace("| `limit` | 500 |", "| `limit` | 250 |")
    path = tmp_path / "README.md"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_check_names_the_vendor_whose_table_differs_and_changes_nothing(stale_readme):
    before = stale_readme.read_text(encoding="utf-8")

    with pytest.raises(CommandError, match="differ from the connectors for bigfix: run"):
        call_command("params_readme", "--check", "--readme", stale_readme)

    assert stale_readme.read_text(encoding="utf-8") == before


def test_params_readme_rewrites_only_the_tables(stale_readme):
    call_command("params_readme", "--readme", stale_readme)

    assert stale_readme.read_text(encoding="utf-8") == README.read_text(encoding="utf-8")


def test_a_readme_without_a_vendors_markers_is_refused_naming_it(tmp_path):
    path = tmp_path / "README.md"
    path.write_text(README.read_text(encoding="utf-8").replace("<!-- /params:lstat -->", ""), encoding="utf-8")

    with pytest.raises(CommandError, match=r"no parameter table markers for lstat \(<!-- params:lstat -->"):
        call_command("params_readme", "--check", "--readme", path)
