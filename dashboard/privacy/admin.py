from django.contrib import admin

from dashboard.privacy.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit log, read-only: an entry nobody can change or delete from the site."""

    list_display = ["at", "actor_name", "action", "target_type", "target"]
    list_filter = ["action", "target_type"]
    search_fields = ["actor_name", "target", "detail"]
    show_full_result_count = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
