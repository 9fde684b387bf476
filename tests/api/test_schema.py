"""The OpenAPI description at /api/v1/schema: valid OpenAPI 3.1, built from the routes, so every route is in it."""

import pytest
from django.test import Client
from django.urls import get_resolver
from openapi_spec_validator import validate

from reports.api.routes import ROUTES
from reports.api.schema import path_of
from tests.walks import examples

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(db):
    response = Client().get("/api/v1/schema")  # no token: it describes, holds no data
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    return response.json()


def api_patterns():
    (api,) = [p for p in get_resolver().url_patterns if str(p.pattern) == "api/v1/"]
    return [p for p in api.url_patterns if p.role == "api"]


def test_it_is_valid_openapi_3_1(schema):
    validate(schema)

    assert schema["openapi"] == "3.1.0"
    assert schema["servers"] == [{"url": "http://testserver/"}]


def test_every_api_url_is_in_it_with_its_parameters_and_responses(schema):
    for pattern in api_patterns():
        route = pattern.default_args["api_route"]
        operation = schema["paths"][path_of(route)]["get"]
        in_path = {p["name"] for p in operation["parameters"] if p["in"] == "path"}

        assert in_path == set(pattern.pattern.converters), route.route
        assert {"200", "400", "401", "403", "404", "429"} <= set(operation["responses"]), route.route
    assert len(schema["paths"]) == len(api_patterns()) == len(ROUTES)


def test_a_reports_query_parameters_are_its_forms_fields(schema):
    parameters = schema["paths"]["/api/v1/reports/metering/tenants/{tenant}"]["get"]["parameters"]
    by_name = {p["name"]: p for p in parameters if p["in"] == "query"}

    assert {"start", "end", "granularity", "by", "table", "limit", "offset", "page", "page_size"} == set(by_name)
    assert by_name["table"]["schema"]["enum"] == ["series", "locations", "users", "applications"]
    assert by_name["start"]["schema"] == {"type": "string", "format": "date"}
    compare = schema["paths"]["/api/v1/reports/lstat/compare"]["get"]["parameters"]
    assert [p["required"] for p in compare if p["name"] == "features"] == [True]


def test_the_declared_tables_are_the_reports_own(walked):
    """A route's ?table= choices are the tables its report builds (the ReportData its page renders)."""
    for example in examples():
        if example.report.tables:
            tables = example.report(**example.kwargs).build(example.query).tables
            assert tuple(table.name for table in tables) == example.report.tables, example.report.name
    assert {example.report for example in examples() if example.report.tables} == {r.report for r in ROUTES if r.tables}


def test_a_licensed_things_fields_are_described_with_the_entitlement_fields(schema):
    thing = schema["components"]["schemas"]["Thing"]["properties"]
    things = schema["paths"]["/api/v1/things"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]

    assert {
        "owned",
        "owned_from",
        "unit",
        "price_per_unit",
        "renews_on",
        "reference",
        "over_deployed",
        "saving",
    } <= set(thing)
    assert thing["owned_from"]["enum"] == ["vendor", "entered", None]
    assert things["allOf"][1]["properties"]["results"]["items"] == {"$ref": "#/components/schemas/Thing"}
