"""Raw rows, read-only. Date filters rather than date_hierarchy: its drill-down converts times in
MySQL/MariaDB (CONVERT_TZ), which fails outside UTC on a server without time zone tables."""

from django.contrib import admin

from ingest.admin.readonly import RawRowsAdmin
from ingest.vendors.mls.models import MlsRecord, MlsRollup, MlsSupervisor


@admin.register(MlsSupervisor)
class MlsSupervisorAdmin(admin.ModelAdmin):
    list_display = ["macaddress", "source"]
    list_filter = ["source"]
    search_fields = ["macaddress"]


@admin.register(MlsRecord)
class MlsRecordAdmin(RawRowsAdmin):
    list_display = ["supervisor", "ts_date", "ts_time", "lic_used", "lic_prepaid", "lic_metered", "record_id"]
    list_filter = ["supervisor"]
    search_fields = ["supervisor__macaddress", "=record_id"]
    # The unique key's order, so the database reads its index instead of sorting every record (ORDER BY id).
    ordering = ["-supervisor_id", "-ts_date", "-ts_time"]
    list_select_related = ["supervisor"]


@admin.register(MlsRollup)
class MlsRollupAdmin(RawRowsAdmin):
    list_display = [
        "supervisor",
        "granularity",
        "bucket",
        "samples",
        "used_min",
        "used_max",
        "prepaid_max",
        "metered_max",
    ]
    list_filter = ["supervisor", ("bucket", admin.DateFieldListFilter)]
    search_fields = ["supervisor__macaddress"]
    list_select_related = ["supervisor"]
