"""Raw rows, read-only. Date filters rather than date_hierarchy: its drill-down converts times in
MySQL/MariaDB (CONVERT_TZ), which fails outside UTC on a server without time zone tables."""

from django.contrib import admin

from ingest.admin.readonly import RawRowsAdmin
from ingest.vendors.metering.models import (
    MeteringEvent,
    MeteringHourSummary,
    MeteringInterval,
    MeteringLocation,
    MeteringLocationMetadata,
)


@admin.register(MeteringEvent)
class MeteringEventAdmin(RawRowsAdmin):
    list_display = ["date", "tenant", "loc_id", "state", "amp_id", "user", "application_id", "upstream_id", "source"]
    list_filter = ["source", "tenant", "state", ("date", admin.DateFieldListFilter)]
    search_fields = ["loc_id", "amp_id", "user", "application_id", "entity_id", "=upstream_id"]


@admin.register(MeteringInterval)
class MeteringIntervalAdmin(RawRowsAdmin):
    list_display = ["tenant", "loc_id", "started_at", "ended_at", "user", "application_id", "amp_id", "source"]
    list_filter = [
        "source",
        "tenant",
        ("ended_at", admin.EmptyFieldListFilter),
        ("started_at", admin.DateFieldListFilter),
    ]
    search_fields = ["loc_id", "user", "application_id", "amp_id"]


@admin.register(MeteringLocation)
class MeteringLocationAdmin(RawRowsAdmin):
    list_display = ["tenant", "loc_id", "first_event_at", "last_event_at", "source"]
    list_filter = ["source", "tenant"]
    search_fields = ["loc_id"]


@admin.register(MeteringLocationMetadata)
class MeteringLocationMetadataAdmin(RawRowsAdmin):
    list_display = ["tenant", "loc_id", "name", "value", "first_seen_at", "seen_at", "source"]
    list_filter = ["source", "tenant", "name"]
    search_fields = ["loc_id", "name", "value"]


@admin.register(MeteringHourSummary)
class MeteringHourSummaryAdmin(RawRowsAdmin):
    list_display = ["tenant", "loc_id", "window_start", "window_end", "active_hours", "source"]
    list_filter = ["source", "tenant", ("window_start", admin.DateFieldListFilter)]
    search_fields = ["loc_id"]
