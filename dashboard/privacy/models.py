"""The audit log: who changed what that matters (audit.py records it), and the "see names" permission."""

from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    """One change or access worth answering for: a source edited, a price set, a role given, a raw download."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # kept when the account is deleted; "command forget_person" or "schedule" when nobody signed in did it
    actor_name = models.CharField("by", max_length=150, blank=True)
    action = models.CharField(max_length=40)
    target_type = models.CharField("what", max_length=100, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target = models.CharField("which", max_length=300, blank=True)
    # {"field": [old, new]}; a secret's values are never kept, only that it changed ("(changed)")
    changes = models.JSONField(default=dict, blank=True)
    detail = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit log"
        # granted in the admin (users or groups) when NAMES_VISIBLE_TO=permission
        permissions = [("view_personal_names", "Can see people's real user and host names")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name or '?'} {self.action} {self.target}"
