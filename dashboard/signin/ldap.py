"""LDAP / Active Directory sign-in: django-auth-ldap, with the role decided by group membership at every login.

django-auth-ldap binds as the user (after finding their DN with LDAP_BIND_DN), copies name and email, and sends
`populate_user` before it saves the user: that is where the groups give the role. An LDAP error (a directory that
is down, or refuses the bind DN) reaches `ldap_error`, which turns it into DirectoryUnavailable: the login page
says so, and the local backend after this one still signs in the break-glass admin.
"""

import logging

import ldap
from django.conf import settings
from django.dispatch import receiver
from django_auth_ldap.backend import LDAPBackend, ldap_error, populate_user
from django_auth_ldap.config import LDAPGroupQuery

from dashboard.signin.directory import (
    REFUSED,
    DirectoryUnavailable,
    apply_role,
    is_break_glass,
    record,
    refuse,
    role_for,
)
from dashboard.signin.models import DirectoryAccount

logger = logging.getLogger(__name__)
UNREACHABLE = (
    "The directory could not be reached, so Meterboard cannot check your password now. Try again later; "
    "a Meterboard admin can still sign in with a local account."
)
REFUSED_BIND = (
    "The directory refused Meterboard's own query (check LDAP_BIND_DN and LDAP_BIND_PASSWORD), so Meterboard "
    "cannot check your password now; a Meterboard admin can still sign in with a local account."
)


class DirectoryLDAPBackend(LDAPBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or is_break_glass(username.strip()):
            return None  # the local backend signs in the break-glass admin
        try:
            user = super().authenticate(request, username=username, password=password, **kwargs)
        except DirectoryUnavailable as error:
            refuse(request, str(error))
            return None
        if user is None:
            return None
        record(user, provider=DirectoryAccount.LDAP, subject=user.ldap_user.dn, role=user.directory_role)
        if user.directory_role == DirectoryAccount.NONE:
            groups = f"{settings.LDAP_ADMIN_GROUP}; {settings.LDAP_VIEWER_GROUP}"
            refuse(request, REFUSED.format(groups=groups, directory="the directory"))
            return None
        return user

    def get_user(self, user_id):
        """A session ends once its user is inactive (no longer in a group), as with Django's own backend."""
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None


@receiver(populate_user, sender=DirectoryLDAPBackend)
def _role_from_groups(sender, user, ldap_user, **kwargs):
    def member_of(group_dn):
        return LDAPGroupQuery(group_dn).resolve(ldap_user)

    user.directory_role = role_for(member_of, settings.LDAP_ADMIN_GROUP, settings.LDAP_VIEWER_GROUP)
    apply_role(user, user.directory_role)


@receiver(ldap_error, sender=DirectoryLDAPBackend)
def _directory_unavailable(sender, context, exception, **kwargs):
    logger.warning("LDAP %s failed: %s", context, type(exception).__name__)
    if context == "get_group_permissions":  # permissions come from the user's flags, not from LDAP
        return
    if isinstance(exception, ldap.INVALID_CREDENTIALS | ldap.INAPPROPRIATE_AUTH | ldap.STRONG_AUTH_REQUIRED):
        raise DirectoryUnavailable(REFUSED_BIND)
    raise DirectoryUnavailable(UNREACHABLE)


def recheck(user):
    """Ask the directory (as the bind DN) for the user's groups again; update the user and its DirectoryAccount."""
    found = DirectoryLDAPBackend().populate_user(user.username)  # None: no longer in the directory
    if found is None:
        apply_role(user, DirectoryAccount.NONE)
        user.save(update_fields=["is_staff", "is_superuser", "is_active"])
        role, subject = DirectoryAccount.NONE, user.directory_account.subject
    else:
        for field in ("is_staff", "is_superuser", "is_active", "email", "first_name", "last_name"):
            setattr(user, field, getattr(found, field))
        role, subject = found.directory_role, found.ldap_user.dn
    record(user, provider=DirectoryAccount.LDAP, subject=subject, role=role)
    return DirectoryAccount.objects.get(user=user)
