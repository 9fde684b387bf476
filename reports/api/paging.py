"""Pages of rows: ?limit=&offset= or ?page=&page_size=, with `count` and absolute `next`/`previous` links."""

from django.http import JsonResponse
from django.utils import timezone

from reports.api.responses import ApiError

DEFAULT_SIZE = 100
MAX_SIZE = 1000


def page(request, rows, **meta):
    """The JSON answer with one page of `rows` (a list), and `meta` (e.g. columns, period) beside them."""
    if "page" in request.GET or "page_size" in request.GET:
        size = _number(request, "page_size", DEFAULT_SIZE, 1, MAX_SIZE)
        number = _number(request, "page", 1, 1, 10**9)
        offset = (number - 1) * size
        links = {"next": {"page": number + 1}, "previous": {"page": number - 1} if number > 1 else None}
    else:
        size = _number(request, "limit", DEFAULT_SIZE, 1, MAX_SIZE)
        offset = _number(request, "offset", 0, 0, 10**12)
        links = {"next": {"offset": offset + size}, "previous": {"offset": max(0, offset - size)} if offset else None}
    if offset + size >= len(rows):
        links["next"] = None
    if "columns" in meta:
        meta["columns"] = [{"key": key, "label": str(label)} for key, label in meta["columns"]]
    body = {
        "count": len(rows),
        "next": _link(request, links["next"]),
        "previous": _link(request, links["previous"]),
        **meta,
        "time_zone": timezone.get_current_timezone_name(),
        "results": rows[offset : offset + size],
    }
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})


def _number(request, name, default, low, high):
    raw = request.GET.get(name, "")
    if raw == "":
        return default
    try:
        number = int(raw)
    except ValueError:
        raise ApiError(400, f"{name}: give a whole number from {low} to {high}.", parameter=name) from None
    if not low <= number <= high:
        raise ApiError(400, f"{name}: give a whole number from {low} to {high}.", parameter=name)
    return number


def _link(request, changes):
    if changes is None:
        return None
    query = request.GET.copy()
    for key, number in changes.items():
        query[key] = str(number)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
