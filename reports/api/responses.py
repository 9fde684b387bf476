"""The API's JSON: values as JSON numbers and ISO 8601 instants, errors as {"error": ..., "parameter": ...}."""

import math
from datetime import date, datetime, time
from decimal import Decimal

from django.http import JsonResponse
from django.utils import timezone

from dashboard.tables import read


class ApiError(Exception):
    """An answer other than 200: raised anywhere under an API view, answered as JSON by reports.api.auth."""

    def __init__(self, status, message, *, parameter=None, headers=None, **extra):
        super().__init__(message)
        self.status, self.message, self.parameter = status, message, parameter
        self.headers, self.extra = headers or {}, extra

    def response(self):
        body = {"error": self.message, **({"parameter": self.parameter} if self.parameter else {}), **self.extra}
        response = JsonResponse(body, status=self.status)
        for name, value in self.headers.items():
            response[name] = value
        return response


def value(v):
    """One cell as JSON: instants in the display zone with their offset, dates as YYYY-MM-DD, numbers as numbers."""
    if isinstance(v, datetime):
        return (timezone.localtime(v) if timezone.is_aware(v) else timezone.make_aware(v)).isoformat()
    if isinstance(v, (date, time)):
        return v.isoformat()
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() else float(v)
    if isinstance(v, float):
        return v if math.isfinite(v) else None
    if v is None or isinstance(v, (bool, int, str)):
        return v
    return str(v)


def record(row, keys):
    """A row (a dict, or an object as a dashboard.tables.Table reads it) as a JSON object of `keys`."""
    return {key: value(read(row, key)) for key in keys}
