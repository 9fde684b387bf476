from django.contrib import admin

from ingest.admin.readonly import RawRowsAdmin
from ingest.vendors.bigfix.models import BigfixSoftwareTitle, BigfixUsage


@admin.register(BigfixSoftwareTitle)
class BigfixSoftwareTitleAdmin(admin.ModelAdmin):
    list_display = ["name", "publisher_name", "software_title_id", "guid", "publisher_guid", "source"]
    list_filter = ["source", "publisher_name"]
    search_fields = ["name", "publisher_name", "=software_title_id", "guid"]


@admin.register(BigfixUsage)
class BigfixUsageAdmin(RawRowsAdmin):
    list_display = [
        "reporting_period_start_date",
        "reporting_period_end_date",
        "software_title_id",
        "metric_name",
        "computer_system_id",
        "peak_value",
        "peak_time",
        "fetched_at",
        "source",
    ]
    list_filter = ["source", "metric_name", "reporting_period_start_date"]
    search_fields = ["=software_title_id", "=computer_system_id", "metric_name"]
    date_hierarchy = "reporting_period_start_date"
