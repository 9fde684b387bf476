from django.contrib import admin

from ingest.vendors.metering.models import (
    MeteringEvent,
    MeteringHourSummary,
    MeteringInterval,
    MeteringLocationMetadata,
)


@admin.register(MeteringEvent)
class MeteringEventAdmin(admin.ModelAdmin):
    list_display = ["date", "tenant", "loc_id", "state", "amp_id", "user", "application_id", "upstream_id", "source"]
    list_filter = ["source", "tenant", "state"]
    search_fields = ["loc_id", "amp_id", "user", "application_id", "entity_id", "=upstream_id"]
    date_hierarchy = "date"
    show_full_result_count = False


@admin.register(MeteringInterval)
class MeteringIntervalAdmin(admin.ModelAdmin):
    list_display = ["tenant", "loc_id", "started_at", "ended_at", "user", "application_id", "amp_id", "source"]
    list_filter = ["source", "tenant", ("ended_at", admin.EmptyFieldListFilter)]
    search_fields = ["loc_id", "user", "application_id", "amp_id"]
    date_hierarchy = "started_at"
    show_full_result_count = False


@admin.register(MeteringLocationMetadata)
class MeteringLocationMetadataAdmin(admin.ModelAdmin):
    list_display = ["tenant", "loc_id", "name", "value", "seen_at", "source"]
    list_filter = ["source", "tenant", "name"]
    search_fields = ["loc_id", "name", "value"]


@admin.register(MeteringHourSummary)
class MeteringHourSummaryAdmin(admin.ModelAdmin):
    list_display = ["tenant", "loc_id", "window_start", "window_end", "active_hours", "source"]
    list_filter = ["source", "tenant"]
    search_fields = ["loc_id"]
    date_hierarchy = "window_start"
    show_full_result_count = False
