"""Keeping location metadata over time keeps the values already stored."""

from datetime import UTC, datetime

import pytest

from tests.migrations import migrate, migrate_to_latest


@pytest.mark.django_db(transaction=True)
def test_metadata_stored_before_keeps_its_value_first_seen_when_last_seen():
    try:
        old = migrate([("ingest", "0012_metering_raw")])
        source = old.get_model("ingest", "Source").objects.create(kind="metering", name="old", base_url="http://x/")
        seen = datetime(2026, 3, 4, 12, tzinfo=UTC)
        old.get_model("ingest", "MeteringLocationMetadata").objects.create(
            source=source, tenant="acme", loc_id="vm-1", name="region", value="eu-west-1", seen_at=seen
        )

        new = migrate([("ingest", "0013_metering_metadata_history")])

        row = new.get_model("ingest", "MeteringLocationMetadata").objects.get()
        assert (row.name, row.value, row.first_seen_at, row.seen_at) == ("region", "eu-west-1", seen, seen)
    finally:
        migrate_to_latest()


@pytest.mark.django_db(transaction=True)
def test_locations_stored_before_are_listed_with_their_first_and_last_event():
    try:
        old = migrate([("ingest", "0016_thin_snapshots_schedule")])
        source = old.get_model("ingest", "Source").objects.create(kind="metering", name="old", base_url="http://x/")
        Event = old.get_model("ingest", "MeteringEvent")
        for day, state in ((3, "created"), (5, "stopped"), (4, "destroyed")):
            Event.objects.create(source=source, tenant="acme", amp_id="amp-1", loc_id="vm-1", state=state,
                                 date=datetime(2026, 3, day, 12, tzinfo=UTC))  # fmt: skip

        new = migrate([("ingest", "0017_metering_locations_and_interval_indexes")])

        row = new.get_model("ingest", "MeteringLocation").objects.get()
        assert (row.tenant, row.loc_id, row.first_event_at.day, row.last_event_at.day) == ("acme", "vm-1", 3, 5)
    finally:
        migrate_to_latest()
