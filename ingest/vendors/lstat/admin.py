"""Servers and features, and read-only usage rows and snapshots. Date filters rather than date_hierarchy: its
drill-down converts times in MySQL/MariaDB (CONVERT_TZ), which fails outside UTC without time zone tables."""

from django.contrib import admin

from ingest.admin.readonly import RawRowsAdmin
from ingest.vendors.lstat.models import LstatFeature, LstatServer, LstatSession, LstatSnapshot, LstatTopUser, LstatUsage


@admin.register(LstatServer)
class LstatServerAdmin(admin.ModelAdmin):
    list_display = ["name", "lsid", "host", "port", "manager", "status", "source", "seen_at"]
    list_filter = ["source", "manager", "status"]
    search_fields = ["name", "host", "=lsid"]


@admin.register(LstatFeature)
class LstatFeatureAdmin(admin.ModelAdmin):
    list_display = ["name", "version", "feature_type", "fid", "server", "source", "seen_at"]
    list_filter = ["source", "server", "feature_type"]
    search_fields = ["name", "version", "=fid"]


@admin.register(LstatUsage)
class LstatUsageAdmin(RawRowsAdmin):
    list_display = [
        "feature",
        "granularity",
        "period_start",
        "period_label",
        "used_min",
        "used_avg",
        "used_max",
        "borrowed_max",
        "denials",
        "hours_used",
        "total_seats",
    ]
    list_filter = ["granularity", "period_start", "feature__server"]
    search_fields = ["feature_name", "period_label"]
    list_select_related = ["feature"]


class LstatSessionInline(admin.TabularInline):
    model = LstatSession
    extra = 0
    fields = ["server_name", "feature_name", "feature_version", "user", "host", "checked_out_at", "licenses"]
    readonly_fields = fields
    can_delete = False


class LstatTopUserInline(admin.TabularInline):
    model = LstatTopUser
    extra = 0
    fields = ["rank", "user", "licenses"]
    readonly_fields = fields
    can_delete = False


@admin.register(LstatSnapshot)
class LstatSnapshotAdmin(RawRowsAdmin):
    list_display = ["taken_at", "kind", "shape", "row_count", "current", "users_with_licenses", "source"]
    list_filter = ["kind", "shape", "taken_at", "source"]
    inlines = [LstatSessionInline, LstatTopUserInline]


@admin.register(LstatSession)
class LstatSessionAdmin(RawRowsAdmin):
    list_display = [
        "user", "host", "feature_name", "feature_version", "server_name", "checked_out_at", "licenses", "snapshot"
    ]  # fmt: skip
    list_filter = ["server_name", "snapshot__kind"]
    search_fields = ["user", "host", "feature_name"]
    list_select_related = ["snapshot"]
