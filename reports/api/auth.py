"""The guard of every API URL (`api`, beside dashboard.roles' page roles): a bearer token, the rate limit, and errors as JSON."""

from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.views.decorators.csrf import csrf_exempt

from dashboard.roles import API, declare
from dashboard.signin.directory import DirectoryUnavailable
from dashboard.signin.tokens import api_refusal
from reports.api.responses import ApiError
from reports.api.tokens import authenticate, bearer, rate_limit, throttled
from reports.limits.counters import UNITS


def token_required(view):
    """The view runs as the token's user; sessions do not count (no cookies, so no CSRF either)."""

    @csrf_exempt
    @wraps(view)
    def guarded(request, *args, **kwargs):
        try:
            request.user = _token(request).user
            return view(request, *args, **kwargs)
        except ApiError as error:
            return error.response()
        except Http404:
            return ApiError(404, "Not found: no such source, report or item.").response()
        except PermissionDenied:
            return ApiError(403, "This is for Meterboard admins: the token's user is not staff.").response()

    guarded.role = API
    return guarded


def _token(request):
    if request.method not in ("GET", "HEAD"):
        raise ApiError(405, "The API is read-only: use GET.", headers={"Allow": "GET, HEAD"})
    token = authenticate(bearer(request))
    if token is None:
        message = "Send a valid API token as 'Authorization: Bearer <token>' (make one on the API tokens page)."
        if bearer(request):
            message = "The API token is unknown or revoked (or its user is inactive)."
        raise ApiError(401, message, headers={"WWW-Authenticate": 'Bearer realm="meterboard"'})
    _directory_role(token)
    wait = throttled(token)
    if wait:
        limit, window = rate_limit()
        raise ApiError(
            429, f"Too many requests: at most {limit} a {UNITS[window]} per token; retry in {wait} s.",
            headers={"Retry-After": str(wait)}, retry_after=wait,
        )  # fmt: skip
    request.api_token = token
    return token


def _directory_role(token):
    """A directory's user keeps API access only while the directory keeps them in a group (dashboard/signin/directory.py)."""
    try:
        refusal = api_refusal(token.user)
    except DirectoryUnavailable:
        raise ApiError(
            503, "The directory could not be reached to confirm the token's user's role: retry later."
        ) from None
    if refusal:
        raise ApiError(*refusal)


def api(pattern):
    """The JSON API: a bearer token of an active user (viewer or admin), never a session; 401/403/429 as JSON.

    What an admin-only field or URL needs is decided in reports/api/views.py by the token's user, as on the pages.
    """
    return declare(pattern, API, lambda view: login_not_required(token_required(view)))
