"""The role a directory gives a user, applied to the user and recorded; and whether an API token's user still has it.

Roles are dashboard/roles.py's: admins are staff (and superusers, so that the admin site shows them everything, as
it does `createsuperuser`'s accounts), viewers are active users. A user in neither group is made inactive, which
ends their sessions and API tokens; their next sign-in in a group makes them active again.

API tokens (reports/api/auth.py) ask `api_refusal(user)` (tokens.py) on every request:
- LDAP: the groups are asked again, with the bind DN, when the last answer is older than LDAP_ROLE_CHECK_MINUTES;
- OpenID Connect: a provider can only be asked while the user signs in, so the role is kept with an expiry,
  OIDC_ROLE_MAX_AGE_HOURS after the user's last sign-in; then the tokens stop until the user signs in again.
"""

from django.contrib.auth import get_user_model
from django.utils import timezone

from dashboard.signin.models import DirectoryAccount


class DirectoryUnavailable(Exception):
    """The directory could not be asked (down, or it refused Meterboard's own bind); the message is for users."""


REFUSED = (
    "You signed in, but your account is in none of Meterboard's groups ({groups}) in {directory}: "
    "ask your Meterboard admin to add you to one."
)


def role_for(member_of, admin_group, viewer_group):
    """admin, viewer or "" (refused), from `member_of(group) -> bool`."""
    if member_of(admin_group):
        return DirectoryAccount.ADMIN
    return DirectoryAccount.VIEWER if member_of(viewer_group) else DirectoryAccount.NONE


def apply_role(user, role):
    """Set the user's flags for `role` (not saved)."""
    user.is_staff = user.is_superuser = role == DirectoryAccount.ADMIN
    user.is_active = role != DirectoryAccount.NONE


def record(user, *, provider, subject, role):
    DirectoryAccount.objects.update_or_create(
        user=user, defaults={"provider": provider, "subject": subject[:500], "role": role, "checked_at": timezone.now()}
    )


def is_break_glass(username):
    """A local superuser no directory has signed in: its name is never taken over by a directory's user of that name."""
    return (
        get_user_model()
        .objects.filter(username__iexact=username, is_superuser=True, directory_account__isnull=True)
        .exists()
    )


def refuse(request, message):
    """Tell the login page why a sign-in that got this far was refused (dashboard/signin/forms.py shows it)."""
    if request is not None:
        request.signin_refusal = message
