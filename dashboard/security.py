"""Login attempts limited per username and address, and the Content-Security-Policy header."""

import hashlib
import math

from django.conf import settings
from django.contrib.auth.views import LoginView
from django.forms.forms import NON_FIELD_ERRORS

from dashboard.signin.forms import SignInForm
from reports.limits import counters


def attempts_key(request):
    """One counter per (username, client address); the username hashed, as cache keys must be plain."""
    username = request.POST.get("username", "").strip().lower()
    who = hashlib.sha256(f"{username}\0{request.META.get('REMOTE_ADDR', '')}".encode()).hexdigest()
    return f"login-failures:{who}"


class RateLimitedLoginView(LoginView):
    """Django's login, refusing a username from an address after LOGIN_FAILURE_LIMIT failures within
    LOGIN_FAILURE_WINDOW seconds (counted from the first), even with the right password, until the window ends.
    The failures are counted in the database, so every process (gunicorn worker, machine) sees the same count.

    It signs in through every configured backend (dashboard/signin/config.py) and says why a directory refused a sign-in;
    with OpenID Connect configured it also offers "Sign in with <provider>"."""

    form_class = SignInForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context.get("form")
        context["refused"] = bool(form is not None and form.has_error(NON_FIELD_ERRORS, "refused"))
        if getattr(settings, "OIDC_RP_CLIENT_ID", ""):
            context["oidc_provider"] = settings.OIDC_PROVIDER_NAME
        context["local_only_superusers"] = settings.LOCAL_LOGIN == "superusers"
        return context

    def post(self, request, *args, **kwargs):
        if counters.peek(attempts_key(request))[0] >= settings.LOGIN_FAILURE_LIMIT:
            form = self.get_form()
            minutes = math.ceil(settings.LOGIN_FAILURE_WINDOW / 60)
            form.add_error(None, f"Too many failed login attempts: wait {minutes} minutes, then try again.")
            return self.render_to_response(self.get_context_data(form=form, locked_out=True), status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        counters.hit(attempts_key(self.request), settings.LOGIN_FAILURE_WINDOW)
        return super().form_invalid(form)

    def form_valid(self, form):
        counters.clear(attempts_key(self.request))
        return super().form_valid(form)


class ContentSecurityPolicyMiddleware:
    """Sets settings.CONTENT_SECURITY_POLICY on every response that has none: scripts only from our own
    static files (no inline scripts; chart data travels as application/json, which is not run)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.CONTENT_SECURITY_POLICY:
            response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response
