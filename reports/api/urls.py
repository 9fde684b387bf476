"""The API's URLs, built from the route table, under /api/v1/ (dashboard/urls.py); and the API tokens page."""

from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt

from dashboard.roles import public, viewer
from reports.api import account, views
from reports.api.auth import api
from reports.api.routes import ROUTES

app_name = "api"
urlpatterns = [
    public(path("schema", csrf_exempt(views.schema), name="schema")),
    *(api(path(r.route, getattr(views, r.view), {"api_route": r}, name=r.name)) for r in ROUTES),
    public(re_path(r"^(?P<path>.*)$", csrf_exempt(views.not_found))),  # last: every other path, a JSON 404
]

# Under /account/ (dashboard/urls.py), in the "account" namespace.
account_urlpatterns = [
    viewer(path("tokens/", account.tokens, name="tokens")),
    viewer(path("tokens/<int:pk>/revoke/", account.revoke, name="token_revoke")),
]
