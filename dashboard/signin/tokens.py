"""Whether an API token's user still holds the role the directory gave them (reports/api/auth.py asks)."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from dashboard.signin.ldap import recheck
from dashboard.signin.models import DirectoryAccount


def api_refusal(user):
    """None while the user's directory role holds, else (HTTP status, message); raises DirectoryUnavailable."""
    account = DirectoryAccount.objects.filter(user=user).first()
    if account is None:
        return None  # a local account: its role is its flags
    age = timezone.now() - account.checked_at
    if account.provider == DirectoryAccount.OIDC:
        hours = settings.OIDC_ROLE_MAX_AGE_HOURS
        if age > timedelta(hours=hours):
            return 401, (
                f"The token's user last signed in with {settings.OIDC_PROVIDER_NAME} more than {hours} hours ago: "
                "sign in on the dashboard again to renew the role the token carries."
            )
    elif age > timedelta(minutes=settings.LDAP_ROLE_CHECK_MINUTES):
        account = recheck(user)
    if account.role == DirectoryAccount.NONE:
        return 403, "The token's user is no longer in a Meterboard group of the directory."
    return None
