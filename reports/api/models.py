"""Personal API tokens: a user's key to the read-only JSON API (reports/api/), stored only as a hash."""

from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    """One token of one user. The secret itself is shown once, when made; only its sha256 is kept.

    A token has its user's role and nothing more; revoking it (or deactivating the user) ends it at once.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. 'Power Query on my laptop'.")
    prefix = models.CharField(max_length=12, help_text="The token's first characters, to recognise it by.")
    digest = models.CharField(max_length=64, unique=True, help_text="sha256 of the token, hex.")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def active(self):
        return self.revoked_at is None
