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
