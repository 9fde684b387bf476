from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from dashboard import roles
from dashboard.roles import public
from dashboard.security import RateLimitedLoginView
from ingest.admin import moved
from reports.api.urls import account_urlpatterns

admin.site.site_header = "Meterboard administration"
admin.site.site_title = "Meterboard"


def favicon(request):
    """Browsers ask for /favicon.ico before they read a page's <link rel=icon>: send them to the static one."""
    return redirect(static("favicon.svg"))


urlpatterns = [
    public(path("favicon.ico", favicon)),
    public(path("login/", RateLimitedLoginView.as_view(), name="login")),
    # The admin logs in through the same, rate-limited page (and comes back to ?next=).
    public(path("admin/login/", RedirectView.as_view(pattern_name="login", query_string=True))),
    # OpenID Connect: "Sign in with <provider>" and the provider's answer (404 unless configured).
    path("oidc/", include("dashboard.signin.urls")),
    public(path("logout/", auth_views.LogoutView.as_view(), name="logout")),
    # Every page of the admin site (sources, alert rules, subscriptions, raw rows) is for admins; so are the old
    # addresses of the vendors' models, from when they were ingest's.
    roles.admin(path("admin/ingest/", include(moved.urlpatterns()))),
    roles.admin(path("admin/", admin.site.urls)),
    # Each included urls.py declares the role of each of its URLs.
    path("sources/", include("ingest.urls")),
    # The read-only JSON API (token, not session) and the page where a user makes its tokens.
    path("api/v1/", include("reports.api.urls")),
    path("account/", include((account_urlpatterns, "account"))),
    # The audit log (admins): who changed what that matters.
    path("audit/", include("dashboard.privacy.urls")),
    path("", include("reports.urls")),
]
