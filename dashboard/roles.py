"""Who may open which URL, declared once per URL pattern in every urls.py.

Two roles: **viewers** (any active, logged-in user: reports, downloads, subscriptions) and **admins**
(`is_staff`: sources, fetch now, alerts, seat prices, the admin site). `createsuperuser` and the demo's
`admin` account are staff; an admin makes a viewer an admin by ticking *Staff status* in the admin.

Wrap each `path(...)` (or `path(..., include(...))`) in `public`, `viewer` or `admin`:

    urlpatterns = [viewer(path("", views.home, name="home")), admin(path("admin/", admin.site.urls))]

The wrapper marks every URL pattern under it with `.role` and guards its view: an anonymous visitor is sent
to the login page, a viewer on an admin URL gets 403. The JSON API's URLs are `api`: no session opens them, only a
personal token, which carries its user's role (reports/api/). `tests/test_roles.py` walks every URL pattern of the
project and fails on one with no role, so a new URL cannot be added without deciding who may open it.
"""

from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import URLPattern, URLResolver

PUBLIC, VIEWER, ADMIN, API = "public", "viewer", "admin", "api"


def is_admin(user):
    """The one test of the admin role (templates read the same `user.is_staff`)."""
    return user.is_active and user.is_staff


def public(pattern):
    """Open to anyone, logged in or not (the login and logout pages)."""
    return declare(pattern, PUBLIC, login_not_required)


def viewer(pattern):
    """Any logged-in user."""
    return declare(pattern, VIEWER, _guard(VIEWER, lambda user: True))


def admin(pattern):
    """Admins (staff) only; a viewer gets 403."""
    return declare(pattern, ADMIN, _guard(ADMIN, is_admin))


def viewer_view(func):
    """The unguarded view behind a viewer URL's callback, or None for any other role.

    Emailed reports run a report's own view with no user (`reports/subscriptions/capture.py`); this keeps
    them to viewer pages, so no subscription can mail an admin page.
    """
    return func.__wrapped__ if getattr(func, "role", None) == VIEWER else None


def _guard(role, allowed):
    def decorate(view):
        @wraps(view)
        def guarded(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not allowed(request.user):
                raise PermissionDenied("This page is for Meterboard admins.")
            return view(request, *args, **kwargs)

        guarded.role = role
        return guarded

    return decorate


def declare(pattern, role, decorate):
    """Set `role` on the pattern and every pattern it includes, and wrap their views in `decorate`."""
    if isinstance(pattern, URLResolver):
        for inner in pattern.url_patterns:
            declare(inner, role, decorate)
    elif not hasattr(pattern, "role"):  # an inner declaration is more specific than an outer one
        pattern.callback = decorate(pattern.callback)
    pattern.role = getattr(pattern, "role", role)
    return pattern


def undeclared(resolver, prefix=""):
    """Every URL pattern under `resolver` with no role, as its route (for the test that walks them all)."""
    missing = []
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLPattern) and not hasattr(pattern, "role"):
            missing.append(route)
        elif isinstance(pattern, URLResolver):
            missing.extend(undeclared(pattern, route))
    return missing
