"""Raw vendor rows in the admin: shown, never added, edited or deleted.

Editing a stored minute, event or usage row would leave the rollups and reports built from it wrong, and
the next fetch would disagree with it; corrections come from the vendor, through a fetch.
"""

from django.contrib import admin


class RawRowsAdmin(admin.ModelAdmin):
    show_full_result_count = False  # COUNT(*) over millions of rows on every list page

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
