"""Personal API tokens: made, recognised, revoked, and counted against the rate limit.

A token is "mb_" and 43 URL-safe characters from `secrets.token_urlsafe(32)` (256 random bits). Only its
sha256 is stored: a leaked database gives no usable token, and 256 random bits need no slow hash or salt.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from reports.api.models import ApiToken
from reports.limits import counters

PREFIX = "mb_"
SHOWN_CHARS = 10  # "mb_" and 7 more: enough to tell tokens apart on the settings page, useless to guess with
LAST_USED_EVERY = timedelta(minutes=1)  # last_used_at is written at most this often, not on every request


def digest(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


def token_create(*, user, name):
    """A new token for `user`: (the ApiToken, the secret to show once)."""
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=secret[:SHOWN_CHARS], digest=digest(secret))
    return token, secret


def token_revoke(token):
    ApiToken.objects.filter(pk=token.pk, revoked_at=None).update(revoked_at=timezone.now())


def bearer(request):
    """The token in `Authorization: Bearer <token>`, or None."""
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    return (value.strip() or None) if scheme.lower() == "bearer" else None


def authenticate(secret):
    """The active token whose secret this is, with an active user, or None (unknown, revoked, user gone)."""
    if not secret or not secret.startswith(PREFIX) or len(secret) > 100:
        return None
    token = ApiToken.objects.select_related("user").filter(digest=digest(secret), revoked_at=None).first()
    if token is None or not token.user.is_active:
        return None
    _touch(token)
    return token


def _touch(token, now=None):
    """Record the use; at most one write a minute per token (the conditional UPDATE keeps it to one)."""
    now = now or timezone.now()
    if token.last_used_at and now - token.last_used_at < LAST_USED_EVERY:
        return
    stale = ApiToken.objects.filter(pk=token.pk).exclude(last_used_at__gt=now - LAST_USED_EVERY)
    if stale.update(last_used_at=now):
        token.last_used_at = now


def rate_limit():
    """(requests, seconds) from settings.API_RATE_LIMIT, e.g. "120/minute"."""
    return counters.parse_rate("API_RATE_LIMIT", settings.API_RATE_LIMIT)


def throttled(token):
    """Seconds to wait if `token` has used up its requests of the current window, else 0 (and the request counts).
    Counted in the database, so a token's requests count together whichever process answers them."""
    return counters.throttled(f"api-rate:{token.pk}", "API_RATE_LIMIT", settings.API_RATE_LIMIT)
