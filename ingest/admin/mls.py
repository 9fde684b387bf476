from django.contrib import admin

from ingest.models import MlsRecord, MlsRollup


@admin.register(MlsRecord)
class MlsRecordAdmin(admin.ModelAdmin):
    list_display = ["macaddress", "ts_date", "ts_time", "lic_used", "lic_prepaid", "lic_metered", "record_id", "source"]
    list_filter = ["source", "macaddress"]
    search_fields = ["macaddress", "=record_id"]
    show_full_result_count = False


@admin.register(MlsRollup)
class MlsRollupAdmin(admin.ModelAdmin):
    list_display = [
        "macaddress",
        "granularity",
        "bucket",
        "samples",
        "used_min",
        "used_max",
        "prepaid_max",
        "metered_max",
    ]
    list_filter = ["granularity", "macaddress"]
    search_fields = ["macaddress"]
    date_hierarchy = "bucket"
    show_full_result_count = False
