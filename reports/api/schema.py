"""The OpenAPI 3.1 description of the API, built from the route table (reports.api.routes), so it cannot drift."""

import re

from django import forms

from reports.api.paging import DEFAULT_SIZE, MAX_SIZE
from reports.api.routes import ROUTES
from reports.overview.forecast import overview_columns

PREFIX = "/api/v1/"
_CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")
_TYPES = {"int": {"type": "integer"}, "str": {"type": "string"}, "path": {"type": "string"}}
PAGING = [
    ("limit", {"type": "integer", "minimum": 1, "maximum": MAX_SIZE, "default": DEFAULT_SIZE}, "Rows per page."),
    ("offset", {"type": "integer", "minimum": 0, "default": 0}, "Rows to skip."),
    ("page", {"type": "integer", "minimum": 1}, "Page number (with page_size, instead of limit and offset)."),
    ("page_size", {"type": "integer", "minimum": 1, "maximum": MAX_SIZE}, "Rows per page, with page."),
]
ERRORS = {
    "400": "A bad query parameter, named in `parameter`.",
    "401": "No token, or an unknown or revoked one.",
    "403": "The token's user may not see this (admins only).",
    "404": "No such source, report or item.",
    "429": "Too many requests for this token: wait `Retry-After` seconds.",
}


def openapi(server_url=""):
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Meterboard API",
            "version": "1",
            "description": "Read-only license usage: sources, licensed things, and every report's rows as its "
            "download holds them. Times are ISO 8601 with their offset, in the display zone.",
        },
        "servers": [{"url": server_url or "/"}],
        "security": [{"bearer": []}],
        "paths": {path_of(route): {"get": _operation(route)} for route in ROUTES},
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "description": "A personal API token."}},
            "schemas": {"Error": _ERROR, "Page": _PAGE, "Thing": _thing()},
        },
    }


def path_of(route):
    """The OpenAPI path of a route: "reports/mls/supervisors/<str:mac>" -> "/api/v1/reports/mls/supervisors/{mac}"."""
    return PREFIX + _CONVERTER.sub(r"{\2}", route.route)


def _operation(route):
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": _TYPES[converter or "str"]}
        for converter, name in _CONVERTER.findall(route.route)
    ]
    for name, field in route.form.base_fields.items() if route.form else ():
        parameters.append(
            _query(name, _field_schema(field), field.help_text or field.label or "", name in route.required)
        )
    if route.tables:
        description = "Which of the report's tables (as ?table= on its download)."
        schema = {"type": "string", "enum": list(route.tables), "default": route.tables[0]}
        parameters.append(_query("table", schema, description))
    if route.paged:
        parameters += [_query(name, schema, description) for name, schema, description in PAGING]
    ok = {"$ref": "#/components/schemas/Page"} if route.paged else {"type": "object"}
    if route.name == "things":
        things = {"properties": {"results": {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}}}}
        ok = {"allOf": [ok, things]}
    responses = {"200": {"description": "OK", "content": {"application/json": {"schema": ok}}}}
    for status, description in ERRORS.items():
        responses[status] = {"description": description, "content": _json_error}
    operation = {"operationId": route.name, "summary": route.summary, "parameters": parameters, "responses": responses}
    if route.report:
        operation["description"] = "The same rows as the report page's CSV/XLSX download, with the same parameters."
    return operation


def _query(name, schema, description, required=False):
    return {"name": name, "in": "query", "required": required, "schema": schema, "description": str(description)}


def _field_schema(field):
    if isinstance(field, forms.DateField):
        return {"type": "string", "format": "date"}
    if isinstance(field, forms.DateTimeField):
        return {"type": "string", "description": "YYYY-MM-DDTHH:MM, in the display zone"}
    if isinstance(field, forms.MultipleChoiceField):
        return {
            "type": "array",
            "items": {"type": "integer" if isinstance(field, forms.TypedMultipleChoiceField) else "string"},
        }
    if isinstance(field, (forms.IntegerField, forms.ModelChoiceField, forms.TypedChoiceField)):
        return {"type": "integer"}
    if isinstance(field, forms.FloatField):
        return {"type": "number"}
    if isinstance(field, forms.ChoiceField) and field.choices:
        return {"type": "string", "enum": [str(value) for value, _label in field.choices]}
    return {"type": "string"}


_ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {"type": "string"},
        "parameter": {"type": "string", "description": "The query parameter at fault (400)."},
        "errors": {"type": "object", "description": "Every parameter's errors (400)."},
        "retry_after": {"type": "integer", "description": "Seconds to wait (429)."},
    },
}
_NUMBER, _TEXT = {"type": ["number", "null"]}, {"type": ["string", "null"]}
# What the entitlement fields of a licensed thing hold; the other fields are the overview download's columns.
_THING_FIELDS = {
    "kind": ({"type": "string"}, "The vendor kind."),
    "key": ({"type": "string"}, "The thing's key within its kind."),
    "stable_key": ({"type": "string"}, "kind:key, the `Key` of the overview's download and entitlement imports."),
    "source_id": ({"type": "integer"}, "The source it comes from."),
    "report": (_TEXT, "The API path of the thing's report."),
    "owned": (_NUMBER, "What is owned, in `unit`: the entered quantity, else the vendor's figure."),
    "owned_from": ({"enum": ["vendor", "entered", None]}, "Where `owned` comes from; null where nothing is known."),
    "unit": ({"type": "string"}, "seats, PVU, RVU, locations, ... (entered, or the kind's usual unit)."),
    "price_per_unit": (_NUMBER, "The entered price per unit per year."),
    "renews_on": ({"type": ["string", "null"], "format": "date"}, "The entered renewal date."),
    "reference": ({"type": "string"}, "The entered contract or PO number."),
    "over_deployed": (_NUMBER, "Units at the peak beyond those owned: 0 within, null where owned is unknown."),
    "true_up_cost": (_NUMBER, "over_deployed × price per unit per year."),
    "right_size": (_NUMBER, "The fewest units that would have covered the chosen percentile of hours."),
    "saving": (_NUMBER, "(owned − right-size) × price per unit per year; 0 when right-size ≥ owned."),
    "metered_hours": (_NUMBER, "MLS: license-hours used beyond the prepaid licenses in the period."),
    "metered_rate": (_NUMBER, "MLS: the entered cost of a metered license-hour."),
    "metered_cost": (_NUMBER, "MLS: metered_hours × metered_rate."),
    "break_even_seats": (_NUMBER, "MLS: more prepaid seats that would have cost less than the metered hours."),
}


def _thing():
    properties = {key: {"description": label} for key, label in overview_columns()}
    for key, (schema, description) in _THING_FIELDS.items():
        properties[key] = {**schema, "description": description}
    return {"type": "object", "required": ["kind", "key", "source_id"], "properties": properties}


_json_error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
_PAGE = {
    "type": "object",
    "required": ["count", "next", "previous", "results"],
    "properties": {
        "count": {"type": "integer", "description": "Rows in all pages."},
        "next": {"type": ["string", "null"], "format": "uri"},
        "previous": {"type": ["string", "null"], "format": "uri"},
        "columns": {"type": "array", "items": {"type": "object"}, "description": "Each column's key and label."},
        "period": {"type": ["object", "null"], "description": "start, end and granularity in effect."},
        "table": {"type": "string"},
        "time_zone": {"type": "string"},
        "results": {"type": "array", "items": {"type": "object"}},
    },
}
