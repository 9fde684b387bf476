from django.contrib import admin

from ingest.vendors.lstat.models import LstatFeature, LstatServer, LstatSession, LstatSnapshot, LstatTopUser, LstatUsage


@admin.register(LstatServer)
class LstatServerAdmin(admin.ModelAdmin):
    list_display = ["name", "lsid", "host", "port", "manager", "status", "source", "seen_at"]
    list_filter = ["source", "manager", "status"]
    search_fields = ["name", "host", "=lsid"]


@admin.register(LstatFeature)
class LstatFeatureAdmin(admin.ModelAdmin):
    list_display = ["name", "version", "ftype", "fid", "server", "source", "seen_at"]
    list_filter = ["source", "server", "ftype"]
    search_fields = ["name", "version", "=fid"]


@admin.register(LstatUsage)
class LstatUsageAdmin(admin.ModelAdmin):
    list_display = [
        "feature",
        "granularity",
        "period_start",
        "lud",
        "lumin",
        "lua",
        "lumax",
        "lbmax",
        "ldtc",
        "hu",
        "ft",
    ]
    list_filter = ["granularity", "feature__server"]
    search_fields = ["fns", "lud"]
    list_select_related = ["feature"]
    date_hierarchy = "period_start"
    show_full_result_count = False


class LstatSessionInline(admin.TabularInline):
    model = LstatSession
    extra = 0
    fields = ["lsn", "fns", "fv", "un", "hn", "lco", "licenses"]
    readonly_fields = fields
    can_delete = False


class LstatTopUserInline(admin.TabularInline):
    model = LstatTopUser
    extra = 0
    fields = ["rank", "un", "licenses"]
    readonly_fields = fields
    can_delete = False


@admin.register(LstatSnapshot)
class LstatSnapshotAdmin(admin.ModelAdmin):
    list_display = ["taken_at", "kind", "shape", "row_count", "current", "users_with_licenses", "source"]
    list_filter = ["kind", "shape", "source"]
    date_hierarchy = "taken_at"
    inlines = [LstatSessionInline, LstatTopUserInline]
    show_full_result_count = False


@admin.register(LstatSession)
class LstatSessionAdmin(admin.ModelAdmin):
    list_display = ["un", "hn", "fns", "fv", "lsn", "lco", "licenses", "snapshot"]
    list_filter = ["lsn", "snapshot__kind"]
    search_fields = ["un", "hn", "fns"]
    list_select_related = ["snapshot"]
    show_full_result_count = False
