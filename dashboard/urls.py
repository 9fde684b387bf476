from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.generic import RedirectView

from dashboard.security import RateLimitedLoginView

admin.site.site_header = "Meterboard administration"
admin.site.site_title = "Meterboard"

urlpatterns = [
    path("login/", RateLimitedLoginView.as_view(), name="login"),
    # The admin logs in through the same, rate-limited page (and comes back to ?next=).
    path("admin/login/", login_not_required(RedirectView.as_view(pattern_name="login", query_string=True))),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("sources/", include("ingest.urls")),
    path("", include("reports.urls")),
]
