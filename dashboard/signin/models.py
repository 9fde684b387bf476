"""Which directory signs a user in, and the role it last gave them (what the user's API tokens carry)."""

from django.conf import settings
from django.db import models


class DirectoryAccount(models.Model):
    """A user whose role a directory decides: made at their first directory sign-in, updated at every check.

    Users without one are local accounts (createsuperuser, the admin site): their role is what an admin gives them.
    """

    LDAP, OIDC = "ldap", "oidc"
    ADMIN, VIEWER, NONE = "admin", "viewer", ""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="directory_account")
    provider = models.CharField(max_length=8, choices=[(LDAP, "LDAP / Active Directory"), (OIDC, "OpenID Connect")])
    subject = models.CharField(max_length=500, help_text="The user's DN (LDAP) or subject (OpenID Connect).")
    role = models.CharField(max_length=8, blank=True, choices=[(ADMIN, "admin"), (VIEWER, "viewer"), (NONE, "none")])
    checked_at = models.DateTimeField(help_text="When the directory last said which groups the user is in.")

    def __str__(self):
        return f"{self.user} ({self.get_provider_display()}: {self.role or 'no role'})"
