"""OpenID Connect sign-in: mozilla-django-oidc's code flow (with PKCE), roles from a groups claim.

Endpoints come from OIDC_DISCOVERY_URL (fetched when first needed, kept an hour) unless OIDC_OP_* name them. A
provider that is down, answers nonsense or refuses the code sends the user back to the login page with a message,
never to an error page; the local backend keeps working all the while.
"""

import logging
import time

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from dashboard.signin.directory import REFUSED, apply_role, is_break_glass, record, role_for
from dashboard.signin.models import DirectoryAccount

logger = logging.getLogger(__name__)
DISCOVERY_SECONDS = 3600
ENDPOINTS = {  # Meterboard's setting: the discovery document's key
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}
_discovered = {}  # discovery URL: (fetched at, document)


class ProviderError(Exception):
    """The provider could not be used; the message is for the login page."""


def configured():
    return bool(getattr(settings, "OIDC_RP_CLIENT_ID", ""))


def endpoint(name):
    """One of ENDPOINTS: the setting when given, else from the discovery document."""
    if getattr(settings, name, ""):
        return getattr(settings, name)
    url = settings.OIDC_DISCOVERY_URL
    fetched_at, document = _discovered.get(url, (0, None))
    if document is None or time.monotonic() - fetched_at > DISCOVERY_SECONDS:
        try:
            response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
            response.raise_for_status()
            document = response.json()
        except (requests.RequestException, ValueError) as error:
            logger.warning("OpenID discovery at %s failed: %s", url, type(error).__name__)
            raise ProviderError(f"{settings.OIDC_PROVIDER_NAME} could not be reached: try again later.") from None
        _discovered[url] = (time.monotonic(), document)
    value = document.get(ENDPOINTS[name]) if isinstance(document, dict) else None
    if not isinstance(value, str) or not value.startswith(("https://", "http://")):
        raise ProviderError(f"{settings.OIDC_PROVIDER_NAME}'s discovery document names no {ENDPOINTS[name]}.")
    return value


def tell(request, message):
    """A message for the login page (the callback then adds no generic one)."""
    request.signin_refusal = message
    messages.error(request, message)


def failed(request, message):
    tell(request, message)
    return redirect("login")


class DirectoryOIDCBackend(OIDCAuthenticationBackend):
    """Settings are read when a sign-in needs them, not when the backend is made: Django makes every backend for
    each password login too, which must not wait on the provider."""

    def __init__(self, *args, **kwargs):
        self.UserModel = get_user_model()

    OIDC_RP_CLIENT_ID = property(lambda self: settings.OIDC_RP_CLIENT_ID)
    OIDC_RP_CLIENT_SECRET = property(lambda self: settings.OIDC_RP_CLIENT_SECRET)
    OIDC_RP_SIGN_ALGO = property(lambda self: settings.OIDC_RP_SIGN_ALGO)
    OIDC_RP_IDP_SIGN_KEY = None
    OIDC_OP_TOKEN_ENDPOINT = property(lambda self: endpoint("OIDC_OP_TOKEN_ENDPOINT"))
    OIDC_OP_USER_ENDPOINT = property(lambda self: endpoint("OIDC_OP_USER_ENDPOINT"))
    OIDC_OP_JWKS_ENDPOINT = property(lambda self: endpoint("OIDC_OP_JWKS_ENDPOINT"))

    def authenticate(self, request, **kwargs):
        if request is None or request.path != reverse("oidc_authentication_callback") or not configured():
            return None  # a password login: nothing for this backend
        try:
            return super().authenticate(request, **kwargs)
        except ProviderError as error:
            tell(request, str(error))
        except (
            requests.RequestException,
            jwt.PyJWTError,
            ValueError,
            KeyError,
            TypeError,
            SuspiciousOperation,
        ) as error:
            # HTTP errors, a bad token or signature (josepy and json raise ValueError and its kin)
            logger.warning("OpenID sign-in failed: %s", type(error).__name__)
            tell(request, f"{settings.OIDC_PROVIDER_NAME} did not confirm the sign-in: try again.")
        return None

    def verify_token(self, token, **kwargs):
        """mozilla-django-oidc checks the signature and nonce; the audience must be this client too."""
        payload = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        if self.OIDC_RP_CLIENT_ID not in (audience if isinstance(audience, list) else [audience]):
            raise SuspiciousOperation("the id token is for another client")
        return payload

    def get_or_create_user(self, access_token, id_token, payload):
        claims = {**payload, **self.get_userinfo(access_token, id_token, payload)}
        groups = claims.get(settings.OIDC_GROUPS_CLAIM) or []
        groups = {str(group) for group in (groups if isinstance(groups, list) else [groups])}
        role = role_for(groups.__contains__, settings.OIDC_ADMIN_GROUP, settings.OIDC_VIEWER_GROUP)
        subject = str(claims.get("sub", ""))
        user = self._user_for(subject, claims)
        if user is None:
            return None
        user.email = str(claims.get("email", user.email))[:254]
        user.first_name = str(claims.get("given_name", user.first_name))[:150]
        user.last_name = str(claims.get("family_name", user.last_name))[:150]
        apply_role(user, role)
        user.save()
        record(user, provider=DirectoryAccount.OIDC, subject=subject, role=role)
        if role == DirectoryAccount.NONE:
            groups = f"{settings.OIDC_ADMIN_GROUP}, {settings.OIDC_VIEWER_GROUP}"
            tell(self.request, REFUSED.format(groups=groups, directory=settings.OIDC_PROVIDER_NAME))
            return None
        return user

    def _user_for(self, subject, claims):
        """The user this subject signed in before, else the one of its name (made if new); None if refused."""
        linked = self.UserModel.objects.filter(
            directory_account__provider=DirectoryAccount.OIDC, directory_account__subject=subject
        ).first()
        if linked is not None:
            return linked
        username = str(claims.get(settings.OIDC_USERNAME_CLAIM) or claims.get("email") or subject)[:150]
        if not subject or not username:
            raise SuspiciousOperation("no subject in the claims")
        if is_break_glass(username):
            tell(self.request, f"{username} is a local admin account here: it cannot sign in this way.")
            return None
        user, created = self.UserModel.objects.get_or_create(username=username)
        if created:
            user.set_unusable_password()
        return user

    def get_user(self, user_id):
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None


class SignInRequestView(OIDCAuthenticationRequestView):
    """`Sign in with <provider>`: off the provider's authorization endpoint (404 unless OIDC is configured)."""

    def __init__(self, **kwargs):
        super(OIDCAuthenticationRequestView, self).__init__(**kwargs)
        self.OIDC_RP_CLIENT_ID = getattr(settings, "OIDC_RP_CLIENT_ID", "")

    def get(self, request):
        if not configured():
            raise Http404("OpenID Connect sign-in is not configured.")
        try:
            self.OIDC_OP_AUTH_ENDPOINT = endpoint("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except ProviderError as error:
            return failed(request, str(error))
        return super().get(request)


class SignInCallbackView(OIDCAuthenticationCallbackView):
    """Where the provider sends the browser back; a stale or replayed answer goes back to the login page."""

    def get(self, request):
        if not configured():
            raise Http404("OpenID Connect sign-in is not configured.")
        try:
            return super().get(request)
        except SuspiciousOperation:
            return failed(request, "That sign-in answer was not for this browser, or is spent: sign in again.")

    @property
    def failure_url(self):
        return reverse("login")

    def login_failure(self):
        if not getattr(self.request, "signin_refusal", None):
            tell(self.request, f"{settings.OIDC_PROVIDER_NAME} did not sign you in.")
        return super().login_failure()
