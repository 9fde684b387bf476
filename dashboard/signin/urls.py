"""OpenID Connect's two URLs (mozilla-django-oidc's names); both 404 unless OIDC_RP_CLIENT_ID is set."""

from django.urls import path

from dashboard.roles import public
from dashboard.signin.oidc import SignInCallbackView, SignInRequestView

urlpatterns = [
    public(path("authenticate/", SignInRequestView.as_view(), name="oidc_authentication_init")),
    public(path("callback/", SignInCallbackView.as_view(), name="oidc_authentication_callback")),
]
